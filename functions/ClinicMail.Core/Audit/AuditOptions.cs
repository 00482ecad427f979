namespace ClinicMail.Core.Audit;

/// <summary><c>Audit:*</c> — signed checkpoints and retention (docs/audit.md).</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Headroom over <see cref="CheckpointEvery"/> before a missing signature is an error:
    /// one group-commit batch (BatchingAuditWriter.MaxBatch) may land between two polls.</summary>
    private const long BatchHeadroom = 256;

    /// <summary>Sign the head once this many records were appended since the last checkpoint.</summary>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>…or once this much time passed since the last checkpoint and anything was appended.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the background service looks at the head (one cheap read).</summary>
    public TimeSpan CheckpointPoll { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Records older than this many days are removed once a signed checkpoint covers them;
    /// 0 keeps everything. Override justification texts older than this are removed too.</summary>
    public int RetentionDays { get; set; }

    /// <summary>How often the background service runs the retention purge (when RetentionDays &gt; 0).</summary>
    public TimeSpan RetentionRunInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Most records allowed after the newest valid checkpoint before verification reports the
    /// tail as unsigned. Unset: twice <see cref="CheckpointEvery"/> plus one batch. This is what detects a
    /// rewrite that also deleted every checkpoint: the signatures the policy promises are missing.</summary>
    public long? MaxUnsignedRecords { get; set; }

    /// <summary>The time rule: the oldest record not covered by a checkpoint may be at most this old before
    /// verification reports the tail as unsigned. Unset: twice <see cref="CheckpointInterval"/> plus one minute.</summary>
    public TimeSpan? MaxUnsignedAge { get; set; }

    /// <summary>The file that keeps a copy of every checkpoint outside the database (embedded default:
    /// <c>audit-checkpoints.jsonl</c> in the data folder).</summary>
    public string? CheckpointCopyPath { get; set; }

    /// <summary>Run the background checkpoint/retention service in this process (the HTTP app: yes).</summary>
    public bool RunMaintenance { get; set; } = true;

    public long EffectiveMaxUnsignedRecords => MaxUnsignedRecords ?? (2L * CheckpointEvery) + BatchHeadroom;

    public TimeSpan EffectiveMaxUnsignedAge => MaxUnsignedAge ?? (2 * CheckpointInterval) + TimeSpan.FromMinutes(1);

    /// <summary>Every problem with the values, for a startup error (names only).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (CheckpointEvery < 1)
        {
            problems.Add("Audit:CheckpointEvery must be at least 1.");
        }

        if (CheckpointInterval <= TimeSpan.Zero || CheckpointPoll <= TimeSpan.Zero || RetentionRunInterval <= TimeSpan.Zero)
        {
            problems.Add("Audit:CheckpointInterval, Audit:CheckpointPoll and Audit:RetentionRunInterval must be positive durations (hh:mm:ss).");
        }

        if (RetentionDays < 0)
        {
            problems.Add("Audit:RetentionDays must be 0 (keep everything) or a positive number of days.");
        }

        if (MaxUnsignedAge is { } age && age <= CheckpointInterval)
        {
            problems.Add("Audit:MaxUnsignedAge must be longer than Audit:CheckpointInterval.");
        }

        if (MaxUnsignedRecords is < 0)
        {
            problems.Add("Audit:MaxUnsignedRecords must not be negative.");
        }

        return problems;
    }
}
