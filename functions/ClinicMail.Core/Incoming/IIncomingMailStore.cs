namespace ClinicMail.Core.Incoming;

/// <summary>A message that waits for an answer, as the clinic's page lists it. Ids and times only.</summary>
public sealed record AwaitingAnswer
{
    public required string Mailbox { get; init; }

    public required string MessageId { get; init; }

    public required string ConversationId { get; init; }

    public string? PatientId { get; init; }

    public required SenderClass Sender { get; init; }

    public required bool Urgent { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required DateTimeOffset DueAt { get; init; }

    public DateTimeOffset? AnsweredAt { get; init; }
}

/// <summary>The incoming-mail state: which messages were processed (idempotency), which conversations
/// and senders were acknowledged and until when, and the messages awaiting an answer. Holds ids,
/// keyed hashes and times — never addresses or text.</summary>
public interface IIncomingMailStore
{
    /// <summary>Claims a message for processing. False when it was processed, or another worker claimed
    /// it less than <paramref name="claimTimeout"/> ago (a crashed worker's claim expires).</summary>
    Task<bool> TryClaimMessageAsync(string messageId, DateTimeOffset now, TimeSpan claimTimeout, CancellationToken cancellationToken = default);

    /// <summary>Marks a claimed message done, with a short outcome code.</summary>
    Task CompleteMessageAsync(string messageId, string outcome, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Gives a claim back after a failure so a retry can process the message.</summary>
    Task ReleaseMessageAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>Records that <paramref name="key"/> (a conversation id, or a sender's keyed hash) of
    /// <paramref name="mailbox"/> is acknowledged until <paramref name="until"/>. False when it already
    /// was, for a period not over at <paramref name="now"/>: nothing is recorded, no acknowledgement is due.</summary>
    Task<bool> TryRecordAcknowledgementAsync(string mailbox, string key, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Undoes <see cref="TryRecordAcknowledgementAsync"/> when the acknowledgement could not be sent.</summary>
    Task ForgetAcknowledgementAsync(string mailbox, string key, CancellationToken cancellationToken = default);

    /// <summary>Adds a message to the awaiting-answer list (once per message id).</summary>
    Task AddAwaitingAsync(AwaitingAnswer awaiting, CancellationToken cancellationToken = default);

    /// <summary>Marks every unanswered message of the conversation received before <paramref name="answeredAt"/> answered.</summary>
    /// <returns>How many were marked.</returns>
    Task<int> MarkAnsweredAsync(string mailbox, string conversationId, DateTimeOffset answeredAt, CancellationToken cancellationToken = default);

    /// <summary>Messages still awaiting an answer, earliest deadline first; all mailboxes when <paramref name="mailboxes"/> is null.</summary>
    Task<IReadOnlyList<AwaitingAnswer>> ListAwaitingAsync(IReadOnlyCollection<string>? mailboxes, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every message received since <paramref name="since"/> (answered or not), for the weekly share.</summary>
    Task<IReadOnlyList<AwaitingAnswer>> ListReceivedSinceAsync(IReadOnlyCollection<string>? mailboxes, DateTimeOffset since, CancellationToken cancellationToken = default);
}

/// <summary>The embedded default's queue in the database: a lease per dequeue, retries with a
/// growing delay, and a poison state after the last attempt (kept for an operator).</summary>
public interface IDatabaseQueue
{
    Task EnqueueAsync(string payload, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The next visible item, leased for <paramref name="lease"/>; null when the queue is empty.</summary>
    Task<QueuedItem?> DequeueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    Task DeleteAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>A failed attempt: visible again at <paramref name="retryAt"/>, or poisoned when <paramref name="poison"/>.</summary>
    Task FailAsync(long id, DateTimeOffset retryAt, bool poison, CancellationToken cancellationToken = default);

    Task<int> CountAsync(bool poisoned, CancellationToken cancellationToken = default);
}

/// <summary>A leased queue item; <see cref="Attempts"/> counts this one.</summary>
public sealed record QueuedItem(long Id, string Payload, int Attempts);
