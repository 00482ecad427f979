using System.Data.Common;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>What truly differs between the two databases, and nothing else: how parameters are
/// bound, how an instant is stored, and the few statements whose SQL is not the same (locking, the
/// migration lock, the audit append's bulk insert). Every store is written ONCE over
/// <see cref="System.Data.Common"/> against this object (docs/architecture.md, "Stores").</summary>
/// <remarks>Statements are written with positional parameters <c>$1, $2…</c>: PostgreSQL binds
/// them by position, SQLite by the name <c>$1</c> (a legal SQLite parameter name), so one text
/// serves both whenever the SQL itself is common.</remarks>
public abstract class SqlDialect
{
    /// <summary>"Sqlite" or "Postgres" (the value of <see cref="StorageBackend.Provider"/>).</summary>
    public abstract string Name { get; }

    /// <summary>Adds <paramref name="values"/> to <paramref name="command"/> as the next positional
    /// parameters (<c>$k+1…</c> after the k already bound; null as SQL NULL).</summary>
    public abstract void Bind(DbCommand command, ReadOnlySpan<object?> values);

    /// <summary>An instant as this database stores it (SQLite: fixed-width UTC text, so string order
    /// is time order; PostgreSQL: a UTC <c>timestamptz</c>).</summary>
    public abstract object Instant(DateTimeOffset value);

    /// <summary><see cref="Instant"/> of the value truncated to the millisecond: the precision of audit
    /// record times and of SQLite's text, so a bound or a stored time means the same on both.</summary>
    public object MillisecondInstant(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return Instant(new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero));
    }

    /// <summary>Reads back what <see cref="Instant"/> wrote, in UTC.</summary>
    public abstract DateTimeOffset ReadInstant(DbDataReader reader, int ordinal);

    /// <summary>Run on the connection before the migration transaction (SQLite: the WAL switch, which
    /// cannot run inside a transaction); null when nothing is needed.</summary>
    public abstract string? BeforeMigrationsSql { get; }

    /// <summary>First statement of the migration transaction, serialising concurrent migrators
    /// (PostgreSQL: an advisory lock); null where the transaction itself already does (SQLite's
    /// <c>BEGIN IMMEDIATE</c> takes the single write lock).</summary>
    public abstract string? MigrationLockSql { get; }

    /// <summary><c>CREATE TABLE IF NOT EXISTS schema_migrations …</c> with this database's types.</summary>
    public abstract string MigrationsTableSql { get; }

    /// <summary>A scalar query: true (or 1) when <c>schema_migrations</c> exists.</summary>
    public abstract string MigrationsTableExistsSql { get; }

    /// <summary>Reads the audit chain head (seq, hash) inside the append transaction, locked against
    /// other appenders (PostgreSQL: <c>FOR UPDATE</c>; SQLite: the IMMEDIATE transaction holds the lock).</summary>
    public abstract string AuditHeadSql { get; }

    /// <summary>True when the schema creates the head row (its absence is then an unmigrated schema,
    /// refused); false when the first append creates it.</summary>
    public abstract bool AuditHeadSeeded { get; }

    /// <summary>The audit record columns, in the order of <see cref="Core.Audit.AuditRecord"/>'s fields as stored.</summary>
    public const string AuditColumns = "seq, at, event, actor_tid, actor_oid, check_id, subject_id, decision, data, prev_hash, hash";

    /// <summary>Inserts the linked records and moves the head, inside the append transaction (the
    /// bulk path: one <c>unnest</c> statement on PostgreSQL, a prepared per-row insert on SQLite).</summary>
    public abstract Task WriteAuditRecordsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Core.Audit.AuditRecord> records, CancellationToken cancellationToken);

    /// <summary>The error in words for an exception message: the database's code, never data.</summary>
    public abstract string Describe(DbException exception);

    /// <summary>The UTC day (<c>YYYY-MM-DD</c> text) of an instant column.</summary>
    public abstract string UtcDay(string column);

    /// <summary>Order by a text key in byte order (SQLite's default; PostgreSQL needs <c>COLLATE "C"</c>),
    /// so paging cursors and listings are identical on both.</summary>
    public abstract string ByteOrder(string column);

    /// <summary>Appended to a sub-select that claims rows for update: concurrent claimers skip the rows
    /// another is claiming (PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>); empty on SQLite, whose single
    /// writer already makes the claim exclusive.</summary>
    public abstract string SkipLocked { get; }

    /// <summary>The registry statements of the patient store that differ per engine (key sets, set-based
    /// writes, bulk-load paths).</summary>
    internal abstract RegistrySql Registry { get; }

    /// <summary>The patient directory's look-up sessions and near-miss feed on this engine.</summary>
    internal abstract DirectorySql Directory { get; }
}
