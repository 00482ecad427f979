namespace ClinicMail.Core.Audit;

/// <summary>Reading the chain back: what the override endpoint and verification need.</summary>
public interface IAuditReader
{
    /// <summary>The record of the given event for a check id, or null.</summary>
    Task<AuditRecord?> FindByCheckIdAsync(string checkId, AuditEventType type, CancellationToken cancellationToken = default);

    /// <summary>Every record in sequence order, streamed (bounded memory).</summary>
    IAsyncEnumerable<AuditRecord> ReadAllAsync(long afterSequence = 0, CancellationToken cancellationToken = default);
}

/// <summary>The store under the writer: appends a batch of entries in one transaction, linking each
/// to the current head. Implementations serialise appends so concurrent writers cannot fork the chain.</summary>
public interface IAuditStore : IAuditReader
{
    Task<IReadOnlyList<AuditRecord>> AppendBatchAsync(IReadOnlyList<AuditEntry> entries, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>True when the store answers (for /api/ready).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>The free text of an override justification, kept outside the chain (it may name people);
/// the chain record holds its keyed hash.</summary>
public sealed record OverrideJustification(string OverrideId, string CheckId, string Code, string Text, DateTimeOffset At);

public interface IOverrideJustificationStore
{
    Task SaveAsync(OverrideJustification justification, CancellationToken cancellationToken = default);
}
