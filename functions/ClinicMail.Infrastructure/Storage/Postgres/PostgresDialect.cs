using System.Data.Common;
using System.Globalization;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Storage.Shared;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>PostgreSQL's side of <see cref="SqlDialect"/>: positional parameters, <c>timestamptz</c>,
/// row locks (<c>FOR UPDATE</c>) and advisory locks where several instances write at once, and
/// set-based bulk writes over <c>unnest</c>ed arrays.</summary>
public sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    /// <summary>Key of the advisory lock that serialises migrations across processes (any constant; "CMAIL" in ASCII).</summary>
    private const long MigrationLockKey = 0x434D41494C;

    private PostgresDialect()
    {
    }

    public override string Name => "Postgres";

    public override void Bind(DbCommand command, ReadOnlySpan<object?> values)
    {
        foreach (var value in values)
        {
            // Unnamed: Npgsql binds it to $1, $2… by position.
            var parameter = command.CreateParameter();
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
    }

    /// <summary>Npgsql writes <c>timestamptz</c> only from UTC values.</summary>
    public override object Instant(DateTimeOffset value) => value.ToUniversalTime();

    public override DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override string? BeforeMigrationsSql => null;

    public override string? MigrationLockSql => "SELECT pg_advisory_xact_lock(" + MigrationLockKey.ToString(CultureInfo.InvariantCulture) + ");";

    public override string MigrationsTableSql => """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL
        );
        """;

    public override string MigrationsTableExistsSql => "SELECT to_regclass('schema_migrations') IS NOT NULL;";

    /// <summary>Locks the single head row: concurrent appenders (several instances) link one after the other.</summary>
    public override string AuditHeadSql => "SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE;";

    /// <summary>Migration 0002 inserts the head row; its absence means an unmigrated schema.</summary>
    public override bool AuditHeadSeeded => true;

    /// <summary>One round trip: a set-based insert over unnested arrays and the head move, in one batch.</summary>
    public override async Task WriteAuditRecordsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        var last = records[^1];
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction)
        {
            BatchCommands =
            {
                PostgresRows.Command(
                    "INSERT INTO audit_records (" + AuditColumns + ") SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::integer[], $4::text[], " +
                    "$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]);",
                    records.Select(r => r.Sequence).ToArray(),
                    records.Select(r => r.At.ToUniversalTime()).ToArray(),
                    records.Select(r => (int)r.Event).ToArray(),
                    records.Select(r => r.ActorTenantId).ToArray(),
                    records.Select(r => r.ActorObjectId).ToArray(),
                    records.Select(r => r.CheckId).ToArray(),
                    records.Select(r => r.SubjectId).ToArray(),
                    records.Select(r => r.Decision).ToArray(),
                    records.Select(r => r.DataJson).ToArray(),
                    records.Select(r => r.PreviousHash).ToArray(),
                    records.Select(r => r.Hash).ToArray()),
                PostgresRows.Command("UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1;", last.Sequence, last.Hash),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override string Describe(DbException exception) =>
        "PostgreSQL error " + ((exception as PostgresException)?.SqlState ?? "connection");

    public override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    internal override RegistrySql Registry => PostgresRegistrySql.Instance;

    internal override DirectorySql Directory => PostgresDirectorySql.Instance;

    public override string ByteOrder(string column) => column + " COLLATE \"C\"";

    /// <summary>UTC whatever the session time zone.</summary>
    public override string UtcDay(string column) => "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
}
