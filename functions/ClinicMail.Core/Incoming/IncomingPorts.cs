namespace ClinicMail.Core.Incoming;

/// <summary>One unit of incoming-mail work: "look at this message of this mailbox". Small and
/// content-free, so it can sit in a queue (Azure Storage, or the database in the embedded default).</summary>
/// <param name="Mailbox">The watched mailbox's address.</param>
/// <param name="MessageId">The transport's id of the message (Graph id, or the dropped file's id).</param>
/// <param name="Source">"graph" or "drop": which <see cref="IIncomingMailSource"/> reads it.</param>
public sealed record IncomingWorkItem(string Mailbox, string MessageId, string Source);

/// <summary>Reads the message a work item names. Graph: <c>GET /users/{box}/messages/{id}</c>; the
/// embedded default: the queued .eml file.</summary>
public interface IIncomingMailSource
{
    /// <summary>The message, or null when it no longer exists (deleted before it was processed).</summary>
    Task<IncomingMessage?> GetAsync(IncomingWorkItem item, CancellationToken cancellationToken = default);

    /// <summary>Done with the message (the embedded default moves the file out of the queue folder).</summary>
    Task CompleteAsync(IncomingWorkItem item, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>What the mailbox shows on a triaged message: an Outlook category, the importance and a
/// follow-up flag due at the response deadline (Graph <c>flag.dueDateTime</c>).</summary>
public sealed record MailboxMarks(IReadOnlyList<string> Categories, bool HighImportance, DateTimeOffset? FollowUpDue);

/// <summary>The mailbox acting on a message: reply in its thread, and mark it.</summary>
public interface IMailboxActions
{
    /// <summary>Sends <paramref name="acknowledgement"/> from the mailbox as a reply in the message's
    /// thread, with <see cref="AutoReplySuppression.AcknowledgementHeader"/> and <c>Auto-Submitted: auto-replied</c>.</summary>
    /// <returns>The raw MIME of what was sent when the transport has it (record filing), else empty.</returns>
    Task<ReadOnlyMemory<byte>> ReplyInThreadAsync(IncomingMessage original, AcknowledgementMail acknowledgement, CancellationToken cancellationToken = default);

    Task MarkAsync(IncomingMessage message, MailboxMarks marks, CancellationToken cancellationToken = default);
}

/// <summary>The incoming-mail queue. Delivery is at least once: consumers are idempotent per message id.</summary>
public interface IIncomingQueue
{
    Task EnqueueAsync(IncomingWorkItem item, CancellationToken cancellationToken = default);
}

/// <summary>One way mail reaches ClinicMail ("graph", "drop"): reading a message and acting in its mailbox.</summary>
public interface IIncomingTransport : IIncomingMailSource, IMailboxActions
{
    /// <summary>The <see cref="IncomingWorkItem.Source"/> this transport serves.</summary>
    string Name { get; }
}
