namespace ClinicMail.Core.Incoming;

/// <summary>How a watched mailbox is used (issue 18; MSSS note on the « .med » address).</summary>
public enum MailboxMode
{
    /// <summary>The box corresponds with patients: acknowledge with the response delay, triage, follow the delay.</summary>
    Correspondence,

    /// <summary>The box is not read for patients (« il doit la paramétrer afin de les informer de ne pas
    /// attendre de réponse de sa part […] et la façon adéquate de le joindre »): tell each sender once per period.</summary>
    NotForPatients,
}

/// <summary>One watched mailbox: a physician's « .med » box or a clinic's shared box.</summary>
public sealed record WatchedMailbox
{
    /// <summary>The normalized address of the box.</summary>
    public required string Address { get; init; }

    public MailboxMode Mode { get; init; } = MailboxMode.Correspondence;

    /// <summary>The response delay this box promises, in business days.</summary>
    public int ResponseDelayBusinessDays { get; init; } = 2;

    /// <summary>The Entra object id of the physician who owns the box, when it is a physician's.</summary>
    public string? OwnerObjectId { get; init; }
}

/// <summary>A received (or, for answer detection, sent) message, whatever transport brought it
/// (Graph, a dropped .eml). Holds the content only for triage in memory: it is never logged or stored.</summary>
public sealed record IncomingMessage
{
    /// <summary>The transport's id (Graph message id, or the Message-ID for a dropped file): the idempotency key.</summary>
    public required string MessageId { get; init; }

    /// <summary>The thread the message belongs to (Graph conversationId, or the root of References).</summary>
    public required string ConversationId { get; init; }

    /// <summary>The watched mailbox's address (normalized).</summary>
    public required string Mailbox { get; init; }

    /// <summary>The sender's address, normalized; null for a null sender (bounce).</summary>
    public string? From { get; init; }

    public string Subject { get; init; } = "";

    /// <summary>The text the sender wrote (quoted history removed where the transport can tell).</summary>
    public string Body { get; init; } = "";

    /// <summary>Internet headers, names case-insensitive; repeated headers keep the first value.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>True when the watched mailbox sent it (Sent Items, or From = the box): an answer, not a request.</summary>
    public bool SentByMailbox { get; init; }

    /// <summary>The raw MIME bytes when the transport has them (record filing); may be empty.</summary>
    public ReadOnlyMemory<byte> Mime { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
