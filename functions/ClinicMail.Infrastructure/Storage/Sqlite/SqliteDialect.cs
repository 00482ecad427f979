using System.Data.Common;
using System.Globalization;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Storage.Shared;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>SQLite's side of <see cref="SqlDialect"/>: named <c>$n</c> parameters, instants as
/// fixed-width UTC text, and a single writer (<c>BEGIN IMMEDIATE</c>) instead of row locks.</summary>
public sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    private static readonly string[] Names = [.. Enumerable.Range(1, 32).Select(i => "$" + i.ToString(CultureInfo.InvariantCulture))];

    private SqliteDialect()
    {
    }

    public override string Name => "Sqlite";

    public override void Bind(DbCommand command, ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            // Numbered after those already bound, as PostgreSQL numbers positional parameters.
            var position = command.Parameters.Count;
            var parameter = command.CreateParameter();
            parameter.ParameterName = position < Names.Length ? Names[position] : "$" + (position + 1).ToString(CultureInfo.InvariantCulture);
            parameter.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
    }

    /// <summary>Fixed-width UTC text to the millisecond, so SQL string comparison is time comparison.</summary>
    public override object Instant(DateTimeOffset value) => Format(value);

    public override DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) =>
        DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>WAL: readers never block the writer (checks run while an administrator imports).</summary>
    public override string? BeforeMigrationsSql => "PRAGMA journal_mode = WAL;";

    public override string? MigrationLockSql => null;

    public override string MigrationsTableSql => """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            checksum   TEXT    NOT NULL,
            applied_at TEXT    NOT NULL
        ) STRICT;
        """;

    public override string MigrationsTableExistsSql => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';";

    /// <summary>No lock clause: the append's IMMEDIATE transaction already holds SQLite's one write lock.</summary>
    public override string AuditHeadSql => "SELECT seq, hash FROM audit_chain_head WHERE id = 1";

    /// <summary>The head row is created by the first append (upsert below).</summary>
    public override bool AuditHeadSeeded => false;

    public override async Task WriteAuditRecordsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        // One prepared statement, rebound per record: SQLite's per-row cost is a few microseconds.
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO audit_records (" + AuditColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        var parameters = new DbParameter[11];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = insert.CreateParameter();
            parameters[i].ParameterName = Names[i];
            insert.Parameters.Add(parameters[i]);
        }

        foreach (var record in records)
        {
            parameters[0].Value = record.Sequence;
            parameters[1].Value = Format(record.At);
            parameters[2].Value = (int)record.Event;
            parameters[3].Value = (object?)record.ActorTenantId ?? DBNull.Value;
            parameters[4].Value = (object?)record.ActorObjectId ?? DBNull.Value;
            parameters[5].Value = (object?)record.CheckId ?? DBNull.Value;
            parameters[6].Value = (object?)record.SubjectId ?? DBNull.Value;
            parameters[7].Value = (object?)record.Decision ?? DBNull.Value;
            parameters[8].Value = record.DataJson;
            parameters[9].Value = record.PreviousHash;
            parameters[10].Value = record.Hash;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var last = records[^1];
        await connection.ExecuteAsync(transaction, this,
            "INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, $1, $2) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            cancellationToken, last.Sequence, last.Hash).ConfigureAwait(false);
    }

    public override string Describe(DbException exception) =>
        exception is SqliteException sqlite
            ? string.Create(CultureInfo.InvariantCulture, $"SQLite error {sqlite.SqliteErrorCode}")
            : "SQLite error";

    public override string SkipLocked => "";

    internal override RegistrySql Registry => SqliteRegistrySql.Instance;

    internal override DirectorySql Directory => SqliteDirectorySql.Instance;

    public override string ByteOrder(string column) => column;

    /// <summary>The stored text starts with the UTC date.</summary>
    public override string UtcDay(string column) => "substr(" + column + ", 1, 10)";

    /// <summary>The text <see cref="Instant"/> writes (also what older code formatted by hand).</summary>
    internal static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
