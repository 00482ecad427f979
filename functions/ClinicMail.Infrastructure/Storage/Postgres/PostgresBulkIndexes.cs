using ClinicMail.Infrastructure.Storage.Shared;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>Bulk-load mode of a first registry import on PostgreSQL: when a write adds at least
/// <see cref="MinAddedAddresses"/> addresses to a registry that holds no patient yet, the
/// secondary indexes of the registry tables are dropped before the rows go in and created again,
/// from the definitions PostgreSQL itself reports (<c>pg_get_indexdef</c>), before the transaction
/// commits. Building an index from sorted rows is several times cheaper than inserting 100,000
/// random keys into each of nine indexes.</summary>
/// <remarks>
/// <para>Safe by construction, as on SQLite (<see cref="Sqlite.BulkIndexes"/>): PostgreSQL DDL is
/// transactional, so a failure or a crash leaves the schema and the data as they were; the indexes
/// come back exactly as defined; indexes that enforce a rule (primary keys, UNIQUE) are never
/// dropped; and the address-ownership check runs after the indexes are back.</para>
/// <para>Why only into an empty registry: <c>DROP INDEX</c> takes an ACCESS EXCLUSIVE lock on its
/// table until the commit, so every read of the registry (a check's look-up, an admin's search)
/// waits for the import to finish. On an empty registry those reads could find nobody anyway; on a
/// live one they would stall for seconds, so any other write keeps the normal path, whatever its
/// size. The emptiness test runs after the lock is taken, so two first imports started together
/// cannot both take this path on a registry the other has just filled.</para>
/// </remarks>
internal sealed class PostgresBulkIndexes : IRegistryBulkLoad
{
    /// <summary>Fewest added addresses for which dropping and rebuilding pays off.</summary>
    public const int MinAddedAddresses = 20_000;

    /// <summary>The registry tables a write fills, locked in this order (the order every write takes them).</summary>
    private static readonly string[] Tables = ["patients", "consents", "patient_addresses", "registry_changes"];

    // Indexes behind no constraint (so neither a primary key nor a UNIQUE rule) on the registry tables.
    private const string DroppableSql =
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(ic.relname), pg_get_indexdef(i.indexrelid) FROM pg_index AS i " +
        "JOIN pg_class AS ic ON ic.oid = i.indexrelid JOIN pg_class AS t ON t.oid = i.indrelid JOIN pg_namespace AS n ON n.oid = t.relnamespace " +
        "WHERE n.nspname = current_schema() AND t.relname = ANY($1) " +
        "AND NOT i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid) ORDER BY 1;";

    // Empty registry, and every registry table owned by this role (directly or through a role it belongs to).
    private const string FirstLookSql =
        "SELECT NOT EXISTS (SELECT 1 FROM patients) AND bool_and(pg_has_role(t.relowner, 'USAGE')) AND COUNT(*) = cardinality($1) FROM pg_class AS t " +
        "JOIN pg_namespace AS n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() AND t.relkind = 'r' " +
        "AND t.relname = ANY($1);";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly List<(string Name, string Definition)> _dropped;

    private PostgresBulkIndexes(NpgsqlConnection connection, NpgsqlTransaction transaction, List<(string Name, string Definition)> dropped)
    {
        _connection = connection;
        _transaction = transaction;
        _dropped = dropped;
    }

    /// <summary>Drops the secondary indexes when <paramref name="addedAddresses"/> is at least
    /// <paramref name="threshold"/>, the registry holds no patient and this role owns the registry
    /// tables (<c>DROP INDEX</c> needs it); null when the normal path applies. The first look runs
    /// on a connection of its own from <paramref name="database"/>: a read inside the write's
    /// transaction would hold a share lock that the exclusive one must then upgrade, and two first
    /// imports upgrading together would deadlock.</summary>
    public static async Task<PostgresBulkIndexes?> DropIfFirstImportAsync(
        IStorageDatabase database, NpgsqlConnection connection, NpgsqlTransaction transaction, int addedAddresses, int threshold, CancellationToken cancellationToken)
    {
        if (addedAddresses < threshold)
        {
            return null;
        }

        await using (var look = (NpgsqlConnection)await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = new NpgsqlCommand(FirstLookSql, look) { Parameters = { new() { Value = Tables } } })
        {
            if (!(bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return null;
            }
        }

        // The lock DROP INDEX would take anyway, taken first on all four tables so the emptiness
        // test below sees every write committed before it.
        await ExecuteAsync(connection, transaction, "LOCK TABLE " + string.Join(", ", Tables) + " IN ACCESS EXCLUSIVE MODE;", cancellationToken).ConfigureAwait(false);
        await using (var again = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM patients);", connection, transaction))
        {
            if ((bool)(await again.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                // Filled meanwhile: the normal path, under a lock already held until the commit (rare: two first imports at once).
                return null;
            }
        }

        var dropped = new List<(string Name, string Definition)>();
        await using (var list = new NpgsqlCommand(DroppableSql, connection, transaction) { Parameters = { new() { Value = Tables } } })
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                dropped.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        if (dropped.Count > 0)
        {
            await ExecuteAsync(connection, transaction, "DROP INDEX " + string.Join(", ", dropped.Select(d => d.Name)) + ";", cancellationToken).ConfigureAwait(false);
        }

        return new PostgresBulkIndexes(connection, transaction, dropped);
    }

    /// <summary>Creates the dropped indexes again from their definitions. <c>CREATE INDEX</c> also
    /// records the table's row count for the planner, so the statements that follow in the
    /// transaction are planned for the rows just written.</summary>
    public async Task RecreateAsync(CancellationToken cancellationToken)
    {
        foreach (var (_, definition) in _dropped)
        {
            await ExecuteAsync(_connection, _transaction, definition + ";", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // Fixed statements and index definitions read back from the catalog (written by this application's migrations).
        await using var command = new NpgsqlCommand(sql, connection, transaction);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
