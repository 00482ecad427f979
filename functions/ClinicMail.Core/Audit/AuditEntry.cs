namespace ClinicMail.Core.Audit;

/// <summary>What a caller asks to record. Holds ids, codes, counts and keyed hashes — never message
/// text, subjects, addresses or names (Rule 10). <see cref="Data"/> values must be ids, codes,
/// counts or flags; the writer stores them as canonical JSON.</summary>
public sealed record AuditEntry
{
    public required AuditEventType Event { get; init; }

    /// <summary>Entra tenant id of the actor (<c>tid</c>).</summary>
    public string? ActorTenantId { get; init; }

    /// <summary>Entra object id of the actor (<c>oid</c>), or a system actor such as <c>system:purge</c>.</summary>
    public string? ActorObjectId { get; init; }

    /// <summary>The check this event belongs to, when any.</summary>
    public string? CheckId { get; init; }

    /// <summary>The entity the event is about (a patient id, a secure message id…), when any.</summary>
    public string? SubjectId { get; init; }

    /// <summary>allow | warn | block, for check events.</summary>
    public string? Decision { get; init; }

    /// <summary>Event details: ids, codes, counts, flags. Sorted by key when stored.</summary>
    public IReadOnlyDictionary<string, object?> Data { get; init; } = new Dictionary<string, object?>();
}

/// <summary>One stored record of the chain. <see cref="Hash"/> covers every other field and
/// <see cref="PreviousHash"/>, so editing, deleting or inserting a record breaks the chain from
/// that point on.</summary>
public sealed record AuditRecord
{
    public required long Sequence { get; init; }

    public required DateTimeOffset At { get; init; }

    public required AuditEventType Event { get; init; }

    public string? ActorTenantId { get; init; }

    public string? ActorObjectId { get; init; }

    public string? CheckId { get; init; }

    public string? SubjectId { get; init; }

    public string? Decision { get; init; }

    /// <summary>Canonical JSON of the entry's data (sorted keys, no whitespace), exactly as hashed.</summary>
    public required string DataJson { get; init; }

    public required string PreviousHash { get; init; }

    public required string Hash { get; init; }
}

/// <summary>The one narrow interface every producer of audit events uses (docs/architecture.md, "Contracts").</summary>
public interface IAuditWriter
{
    /// <summary>Appends the entry to the chain and returns the stored record. Throws
    /// <see cref="AuditUnavailableException"/> when the record could not be stored: the caller must
    /// then not act as if the event happened (a decision that is not recorded is not returned).</summary>
    Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);
}

/// <summary>The audit store could not record an event. Carries no event content.</summary>
public sealed class AuditUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
