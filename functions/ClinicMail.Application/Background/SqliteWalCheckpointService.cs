using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Application.Background;

/// <summary>Checkpoints the SQLite write-ahead log off the request path. Left to SQLite, the connection whose
/// commit takes the log past its threshold copies the log back into the database file and syncs it inside
/// that commit; on this host that connection is the audit writer's, so every check of the batch waited for
/// it — a few milliseconds every few dozen checks, which is the tail of the check's latency
/// (docs/performance.md, "p99 round 3"). This service does the same copy every <see cref="Interval"/> on its
/// own connection (PASSIVE: it never blocks a reader or a writer), and the connections' own threshold is
/// raised to a safety net (<see cref="SqliteDatabase.AutoCheckpointPages"/>). Durability is unchanged: a
/// commit is durable once its log frames are synced, before and after this change.</summary>
public sealed class SqliteWalCheckpointService(SqliteDatabase database, TimeProvider time, ILogger<SqliteWalCheckpointService> logger) : BackgroundService
{
    /// <summary>Short enough that the log stays small (a few hundred pages at 500 checks per second),
    /// long enough that an idle host does nothing measurable.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly PeriodicWork _work = new("sqlite-wal-checkpoint", Interval,
        new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), time, logger);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _work.RunAsync(async ct => await database.CheckpointAsync(ct).ConfigureAwait(false), stoppingToken, waitFirst: true);
}
