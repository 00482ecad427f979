using ClinicMail.Infrastructure.Storage.Shared;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>Bulk-load mode of a registry write: when a write adds at least as many addresses as the
/// registry already holds (a first EMR import, a clinic's registry rebuilt), the secondary indexes
/// of the tables it fills are dropped before the rows go in and created again, from their own
/// stored definitions, before the transaction commits. Building an index from sorted rows is a few
/// times cheaper than 100,000 random inserts into each of six indexes (the address insert was 4 of
/// the 10 s of a 100,000-row import).</summary>
/// <remarks>Safe by construction: all of it happens inside the write's transaction, so a failure or
/// a crash leaves the schema and the data as they were (SQLite DDL is transactional); readers in
/// WAL mode keep reading the last committed snapshot, indexes included, while it runs; the indexes
/// come back exactly as <c>sqlite_master</c> defined them; UNIQUE indexes (they enforce the
/// registry's rules) and the consent index the write itself uses are never dropped; and the
/// address-ownership check runs after the indexes are back. A small write to a large registry
/// keeps the normal path: rebuilding a million-row index to add a few rows would cost more.</remarks>
internal sealed class BulkIndexes : IRegistryBulkLoad
{
    /// <summary>Fewest added addresses for which dropping and rebuilding can pay off.</summary>
    public const int MinAddedAddresses = 20_000;

    private const string DroppableSql =
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' " +
        "AND tbl_name IN ('patient_addresses', 'registry_changes', 'patients') ORDER BY name;";

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly List<(string Name, string Sql)> _dropped;

    private BulkIndexes(SqliteConnection connection, SqliteTransaction transaction, List<(string Name, string Sql)> dropped)
    {
        _connection = connection;
        _transaction = transaction;
        _dropped = dropped;
    }

    /// <summary>Drops the secondary indexes when <paramref name="addedAddresses"/> is at least <paramref name="threshold"/> and at
    /// least the number of addresses already stored; null when the normal path is cheaper.</summary>
    public static async Task<BulkIndexes?> DropIfWorthItAsync(
        SqliteConnection connection, SqliteTransaction transaction, int addedAddresses, int threshold, CancellationToken cancellationToken)
    {
        if (addedAddresses < threshold)
        {
            return null;
        }

        // MAX(id) is an O(log n) upper bound of the row count (ids only grow).
        using (var count = connection.CreateCommand())
        {
            count.Transaction = transaction;
            count.CommandText = "SELECT COALESCE(MAX(id), 0) FROM patient_addresses;";
            if ((long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > addedAddresses)
            {
                return null;
            }
        }

        var dropped = new List<(string Name, string Sql)>();
        using (var list = connection.CreateCommand())
        {
            list.Transaction = transaction;
            list.CommandText = DroppableSql;
            await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                dropped.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in dropped)
        {
            await ExecuteAsync(connection, transaction, "DROP INDEX \"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\";", cancellationToken).ConfigureAwait(false);
        }

        return new BulkIndexes(connection, transaction, dropped);
    }

    /// <summary>Creates the dropped indexes again from their stored definitions, then refreshes the
    /// planner statistics of these tables if the database keeps any (dropping an index drops its statistics).</summary>
    public async Task RecreateAsync(CancellationToken cancellationToken)
    {
        foreach (var (_, sql) in _dropped)
        {
            await ExecuteAsync(_connection, _transaction, sql, cancellationToken).ConfigureAwait(false);
        }

        using var stats = _connection.CreateCommand();
        stats.Transaction = _transaction;
        stats.CommandText = "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1';";
        if (await stats.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            // A sample (analysis_limit) is enough for the planner and keeps this to milliseconds.
            await ExecuteAsync(_connection, _transaction,
                "PRAGMA analysis_limit = 1000; ANALYZE patient_addresses; ANALYZE registry_changes; ANALYZE patients; PRAGMA analysis_limit = 0;", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Index definitions read back from sqlite_master (written by this application's migrations) and fixed statements.
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
