namespace ClinicMail.Core.Filing;

/// <summary>States of an outbox row (stable codes, stored).</summary>
public static class FilingStates
{
    /// <summary>Waiting for delivery (or for a retry after a failure that may pass).</summary>
    public const string Pending = "pending";

    public const string Delivered = "delivered";

    /// <summary>Gave up: the attempts ran out or the failure cannot pass (visible on the clinic page and /api/ready).</summary>
    public const string Failed = "failed";

    /// <summary>A shared or third-party address, or several patients: a person must pick the patient.</summary>
    public const string ToConfirm = "to_confirm";

    /// <summary>Dismissed from the to-confirm list (not a patient's exchange after all); its content is shredded.</summary>
    public const string Dismissed = "dismissed";

    /// <summary>Not delivered before the retention period ended; its content is shredded.</summary>
    public const string Expired = "expired";
}

/// <summary>Why an exchange waits for a person to confirm the patient (stable codes).</summary>
public static class ConfirmReasons
{
    public const string SharedAddress = "shared_address";
    public const string ThirdPartyAddress = "third_party_address";
    public const string SeveralPatients = "several_patients";
}

/// <summary>One exchange to file. <see cref="Id"/> is also the idempotency key every destination
/// uses, so a delivery repeated after a crash overwrites nothing and adds nothing.</summary>
public sealed record FilingOutboxEntry
{
    public required string Id { get; init; }

    public required string SourceKind { get; init; }

    /// <summary>The secure message or reply id, or a hash of the mail's Message-ID: unique per source kind.</summary>
    public required string SourceId { get; init; }

    public required ExchangeDirection Direction { get; init; }

    public required string State { get; init; }

    /// <summary>The registry id of the patient, once known.</summary>
    public string? PatientId { get; init; }

    /// <summary>Registry ids a person chooses from when <see cref="State"/> is to_confirm.</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];

    public string? ConfirmReason { get; init; }

    public int Attempts { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset NextAttemptAt { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>A stable error code (never content) of the last failed attempt.</summary>
    public string? LastError { get; init; }

    /// <summary>The destination kinds it was filed to ("local", "blob", "fhir"), comma separated.</summary>
    public string? Destination { get; init; }

    public string? RenditionSha256 { get; init; }

    public string? ResourceSha256 { get; init; }

    /// <summary>The sealed exchange (ciphertext, wrapped key JSON) for observed mail; null for secure
    /// messages (read from their own envelope) and once delivered (shredded).</summary>
    public byte[]? Payload { get; init; }

    public string? PayloadKey { get; init; }
}

/// <summary>Counts for the clinic page and /api/ready (no content).</summary>
public sealed record FilingCounts(long Pending, long Delivered, long Failed, long ToConfirm, long NotRegistered, DateTimeOffset? OldestPendingAt);

/// <summary>What a successful delivery recorded.</summary>
public sealed record FilingDelivery(string Destination, string RenditionSha256, string ResourceSha256, DateTimeOffset At);

/// <summary>The filing outbox (schema: Migrations/0011_record_filing.sql). Secure messages and replies
/// enter it by a trigger in the same transaction as their envelope; observed mail through
/// <see cref="TryEnqueueAsync"/>. Delivery claims rows with a lease, so two workers (or a worker restarted
/// after a crash) never deliver one row at the same time, and a row whose worker died is claimed again
/// once the lease ends.</summary>
public interface IFilingOutboxStore
{
    /// <summary>Records the entry; false when an entry for the same source already exists (observed twice).</summary>
    Task<bool> TryEnqueueAsync(FilingOutboxEntry entry, CancellationToken cancellationToken = default);

    Task<FilingOutboxEntry?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="limit"/> pending rows due at <paramref name="now"/>, counting an
    /// attempt on each and leasing them until <paramref name="leaseUntil"/>.</summary>
    Task<IReadOnlyList<FilingOutboxEntry>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    /// <summary>Marks a claimed row delivered and drops its sealed payload (its content now lives in the record).</summary>
    Task MarkDeliveredAsync(string id, FilingDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt: pending again at <paramref name="retryAt"/>, or failed for good when null.</summary>
    Task MarkFailedAsync(string id, string errorCode, DateTimeOffset? retryAt, CancellationToken cancellationToken = default);

    /// <summary>Sets the patient the exchange concerns (matched when recorded or confirmed by a person).</summary>
    Task SetPatientAsync(string id, string patientId, CancellationToken cancellationToken = default);

    /// <summary>Puts a pending row on the to-confirm list.</summary>
    Task SetToConfirmAsync(string id, string reason, IReadOnlyList<string> candidates, CancellationToken cancellationToken = default);

    /// <summary>A to-confirm row: the chosen patient (pending again, due now) or dismissed (payload shredded).
    /// False when the row is not waiting for confirmation.</summary>
    Task<bool> ResolveAsync(string id, string? patientId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>A failed row made pending again, due now. False when it had not failed.</summary>
    Task<bool> RetryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Rows in one state, newest first.</summary>
    Task<IReadOnlyList<FilingOutboxEntry>> ListAsync(string state, int limit, CancellationToken cancellationToken = default);

    Task<FilingCounts> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts an exchange with nobody of the registry (nothing of it is stored).</summary>
    Task CountNotRegisteredAsync(ExchangeDirection direction, CancellationToken cancellationToken = default);

    /// <summary>Retention: rows not delivered and created before <paramref name="before"/> become expired and
    /// their payload is shredded; delivered rows older than that are deleted. Returns the rows touched.</summary>
    Task<int> ExpireAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
