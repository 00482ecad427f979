namespace ClinicMail.Core.Audit;

/// <summary>What a compliance reviewer may filter on. Every member is optional; set members are
/// combined with AND. Values are ids and codes only (never message content).</summary>
public sealed record AuditFilter
{
    /// <summary>Inclusive lower bound of the record time (UTC).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound of the record time (UTC).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>The actor's tenant id (<c>tid</c>); with <see cref="ActorObjectId"/> it names one physician.</summary>
    public string? ActorTenantId { get; init; }

    /// <summary>The actor's object id (<c>oid</c>).</summary>
    public string? ActorObjectId { get; init; }

    /// <summary>A patient id: a recipient of a check, or the subject of a registry event.</summary>
    public string? PatientId { get; init; }

    /// <summary>allow | warn | block.</summary>
    public string? Decision { get; init; }

    /// <summary>A reason code (e.g. <c>CONSENT_MISSING</c>) raised by a check or lifted by an override.</summary>
    public string? ReasonCode { get; init; }

    /// <summary>A sensitive-topic category (e.g. <c>mental_health</c>) found by a check.</summary>
    public string? Category { get; init; }

    /// <summary>True: overrides (recorded or refused) and the checks they belong to; false: everything else.</summary>
    public bool? Override { get; init; }

    /// <summary>Only these event codes, when not empty.</summary>
    public IReadOnlyList<AuditEventType> Events { get; init; } = [];

    /// <summary>The names of the filters that are set — the filter's shape, which the export records
    /// in the chain instead of the values.</summary>
    public IReadOnlyList<string> Shape()
    {
        (string Name, bool Set)[] filters =
        [
            ("from", From is not null), ("to", To is not null), ("physicianTenant", ActorTenantId is not null),
            ("physician", ActorObjectId is not null), ("patient", PatientId is not null), ("decision", Decision is not null),
            ("reason", ReasonCode is not null), ("category", Category is not null), ("override", Override is not null),
            ("event", Events.Count > 0),
        ];
        return [.. filters.Where(f => f.Set).Select(f => f.Name)];
    }
}

/// <summary>One page of a search, in a stable order (sequence number), and where the next page starts.</summary>
public sealed record AuditPage
{
    public required IReadOnlyList<AuditRecord> Records { get; init; }

    /// <summary>The sequence number after which (or before which, newest first) the next page starts; null on the last page.</summary>
    public long? NextAfter { get; init; }
}

/// <summary>Aggregates for the reviewer's charts. Days are UTC dates (yyyy-MM-dd).</summary>
public sealed record AuditStatistics
{
    public required IReadOnlyList<DayDecisions> DecisionsPerDay { get; init; }

    public required IReadOnlyList<CodeCount> TopReasons { get; init; }

    /// <summary>Overrides recorded per physician, keyed by <c>tid/oid</c>.</summary>
    public required IReadOnlyList<CodeCount> OverridesByPhysician { get; init; }

    public required IReadOnlyList<DayCategory> CategoriesPerDay { get; init; }
}

public sealed record DayDecisions(string Day, long Allow, long Warn, long Block);

public sealed record CodeCount(string Code, long Count);

public sealed record DayCategory(string Day, string Category, long Count);

/// <summary>The stored head of the chain: what the next append links to.</summary>
public sealed record AuditChainHead(long Sequence, string Hash);

/// <summary>A signed statement "the chain's record <see cref="Sequence"/> has hash <see cref="Hash"/>,
/// and the checkpoint before this one is <see cref="Previous"/>", made with the audit signing key (Key
/// Vault <c>sign</c> in production; never the envelope key-encryption key). Someone with database access
/// but without the key can rewrite records and recompute every hash, but cannot produce a matching
/// signature, so a rewrite of any record at or before a checkpoint is detected; because each checkpoint
/// names its predecessor, deleting one breaks the next one's link (a chain of signed tree heads).</summary>
public sealed record AuditCheckpoint
{
    public required long Sequence { get; init; }

    public required string Hash { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string KeyId { get; init; }

    public required string Algorithm { get; init; }

    public required byte[] Signature { get; init; }

    /// <summary>The link to the previous checkpoint (<see cref="AuditCheckpoints.Link"/>), or
    /// <see cref="AuditCheckpoints.FirstLink"/> for the first one; null only for a version-1 checkpoint
    /// made before checkpoints were chained (signed with the key-encryption key).</summary>
    public string? Previous { get; init; }
}

/// <summary>Where verification starts after a retention purge: the signed checkpoint that covered the
/// removed records. Absent: the genesis.</summary>
public sealed record AuditAnchor(long Sequence, string Hash);

/// <summary>The outcome of a retention purge.</summary>
public sealed record AuditPurge(long ThroughSequence, long RecordsRemoved, long JustificationsRemoved);

/// <summary>The reviewer's side of the audit store: search, export streams, aggregates, checkpoints,
/// and the retention purge. Implemented per store (SQLite now, PostgreSQL with the same contract).</summary>
public interface IAuditReviewStore : IAuditReader
{
    /// <summary>Records matching <paramref name="filter"/>, ordered by sequence number (newest first when
    /// <paramref name="newestFirst"/>), starting strictly after (or before, newest first) <paramref name="cursor"/>.</summary>
    Task<AuditPage> SearchAsync(AuditFilter filter, long? cursor, int limit, bool newestFirst, CancellationToken cancellationToken = default);

    /// <summary>Every record matching <paramref name="filter"/> in sequence order, streamed (bounded memory).</summary>
    IAsyncEnumerable<AuditRecord> StreamAsync(AuditFilter filter, CancellationToken cancellationToken = default);

    /// <summary>One record, or null.</summary>
    Task<AuditRecord?> FindAsync(long sequence, CancellationToken cancellationToken = default);

    Task<AuditStatistics> StatisticsAsync(AuditFilter filter, int top, CancellationToken cancellationToken = default);

    /// <summary>The head row (null before the first append).</summary>
    Task<AuditChainHead?> ReadHeadAsync(CancellationToken cancellationToken = default);

    Task SaveCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Every stored checkpoint in sequence order.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken = default);

    Task<AuditAnchor?> ReadAnchorAsync(CancellationToken cancellationToken = default);

    /// <summary>The highest sequence number of a record strictly older than <paramref name="cutoff"/>, or 0.</summary>
    Task<long> LastSequenceBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>In one transaction: removes the records up to <paramref name="checkpoint"/>'s sequence,
    /// makes that checkpoint the verification anchor, and removes override justification texts older
    /// than <paramref name="justificationCutoff"/>.</summary>
    Task<AuditPurge> PurgeThroughAsync(AuditCheckpoint checkpoint, DateTimeOffset justificationCutoff, CancellationToken cancellationToken = default);

    /// <summary>The justification text of an override, or null when absent or purged.</summary>
    Task<OverrideJustification?> FindJustificationAsync(string overrideId, CancellationToken cancellationToken = default);
}
