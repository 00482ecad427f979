using ClinicMail.Core.Filing;

namespace ClinicMail.Application.Filing;

/// <summary>"File this exchange": what a source hands to <see cref="ExchangeFilingService.RecordAsync"/>.
/// Either the raw MIME or the parts; the patient when the source already matched one; the check id of
/// outgoing mail when known. The incoming-mail watcher (its <c>IExchangeObserver</c>) calls this with
/// <see cref="ExchangeSources.IncomingMail"/> or <see cref="ExchangeSources.Acknowledgement"/>.</summary>
public sealed record ObservedExchange
{
    public required ExchangeDirection Direction { get; init; }

    /// <summary>One of <see cref="ExchangeSources"/> (not the secure ones: those are recorded by the database).</summary>
    public required string SourceKind { get; init; }

    /// <summary>The whole message as it was sent or received (RFC 5322), or null when <see cref="Parts"/> is given.</summary>
    public byte[]? RawMime { get; init; }

    public FiledExchange? Parts { get; init; }

    /// <summary>The registry id of the patient, when the source already knows it (else matched by address).</summary>
    public string? PatientId { get; init; }

    /// <summary>The check the outgoing mail went through (its decision and reasons are read from the audit log).</summary>
    public string? CheckId { get; init; }

    /// <summary>The mailbox item (Graph message id) to mark "Filed to record" once filed.</summary>
    public string? MailboxItemId { get; init; }

    /// <summary>The mailbox holding <see cref="MailboxItemId"/> (address or Graph user id).</summary>
    public string? Mailbox { get; init; }
}

/// <summary>What became of an observed exchange.</summary>
public enum FilingRecordOutcome
{
    /// <summary>In the outbox, patient known: it will be filed.</summary>
    Recorded,

    /// <summary>In the outbox, waiting for a person to confirm the patient.</summary>
    ToConfirm,

    /// <summary>Nobody of the registry: counted, nothing stored.</summary>
    NotRegistered,

    /// <summary>The same exchange was observed before (same Message-ID): nothing new.</summary>
    AlreadyRecorded,
}
