namespace ClinicMail.Core.Filing;

/// <summary>Which way an exchange went, seen from the clinic.</summary>
public enum ExchangeDirection
{
    /// <summary>From the physician or the clinic to the patient.</summary>
    Outgoing,

    /// <summary>From the patient to the physician or the clinic.</summary>
    Incoming,
}

/// <summary>Where an exchange was observed. Stable codes (stored in the outbox and the audit log).</summary>
public static class ExchangeSources
{
    /// <summary>A ClinicMail secure message (recorded by a database trigger with the message).</summary>
    public const string SecureMessage = "secure-message";

    /// <summary>A patient's reply to a secure message (recorded by a trigger with the reply).</summary>
    public const string SecureReply = "secure-reply";

    /// <summary>Mail the physician sent to a patient (Sent Items, or the embedded mail-sent folder).</summary>
    public const string SentMail = "sent-mail";

    /// <summary>Mail a patient sent to the clinic (the incoming-mail watcher).</summary>
    public const string IncomingMail = "incoming-mail";

    /// <summary>The acknowledgement sent back for incoming mail.</summary>
    public const string Acknowledgement = "acknowledgement";

    /// <summary>A consent decision filed as « une note au dossier » (issue 20): a verbal consent with its
    /// checklist, a consent signed on the consent page, or its withdrawal.</summary>
    public const string ConsentNote = "consent-note";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        SecureMessage, SecureReply, SentMail, IncomingMail, Acknowledgement, ConsentNote,
    };
}

/// <summary>One exchange as it is filed: the headers, the body as text, the attachments and, for
/// outgoing mail, the check's decision. This is clinical content: it only ever lives in memory, in
/// the outbox encrypted, and at the destination (the patient's record).</summary>
public sealed record FiledExchange
{
    public required ExchangeDirection Direction { get; init; }

    /// <summary>One of <see cref="ExchangeSources"/>.</summary>
    public required string SourceKind { get; init; }

    public required string From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    public IReadOnlyList<string> Cc { get; init; } = [];

    public string Subject { get; init; } = "";

    /// <summary>When it was sent (outgoing) or received (incoming).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The RFC 5322 Message-ID, when the exchange is a mail.</summary>
    public string? MessageId { get; init; }

    public string BodyText { get; init; } = "";

    public IReadOnlyList<FiledAttachment> Attachments { get; init; } = [];

    /// <summary>The check's decision and reasons, for outgoing mail that went through a check.</summary>
    public FiledCheck? Check { get; init; }

    /// <summary>The mailbox item to mark "Filed to record" afterwards (Graph message id), when known.</summary>
    public string? MailboxItemId { get; init; }

    /// <summary>The mailbox holding <see cref="MailboxItemId"/> (address or Graph user id).</summary>
    public string? Mailbox { get; init; }
}

public sealed record FiledAttachment(string Name, string ContentType, byte[] Content);

/// <summary>The decision of the check the mail went through: allow | warn | block, and the reason codes
/// with their text in the clinic's language.</summary>
public sealed record FiledCheck(string CheckId, string Decision, IReadOnlyList<FiledReason> Reasons);

public sealed record FiledReason(string Code, string Text);
