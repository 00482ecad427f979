using System.Data.Common;
using System.Globalization;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>Applies the versioned schema scripts of either provider with one discipline: every
/// script not yet applied, in version order, in ONE transaction serialised against other
/// migrators (<see cref="SqlDialect.MigrationLockSql"/>), each recorded with its checksum; a script
/// edited after it was applied stops the run (the database would no longer match the code).</summary>
internal static class MigrationRunner
{
    /// <returns>The versions applied by this call (empty when the schema was already current).</returns>
    public static async Task<IReadOnlyList<int>> MigrateAsync(IStorageDatabase database, TimeProvider time, CancellationToken cancellationToken)
    {
        var dialect = database.Dialect;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (dialect.BeforeMigrationsSql is { } before)
        {
            await connection.ExecuteAsync(null, dialect, before, cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (dialect.MigrationLockSql is { } lockSql)
        {
            await connection.ExecuteAsync(transaction, dialect, lockSql, cancellationToken).ConfigureAwait(false);
        }

        await connection.ExecuteAsync(transaction, dialect, dialect.MigrationsTableSql, cancellationToken).ConfigureAwait(false);
        var applied = await AppliedAsync(connection, transaction, dialect, cancellationToken).ConfigureAwait(false);
        var newlyApplied = new List<int>();
        foreach (var migration in database.KnownMigrations)
        {
            if (applied.TryGetValue(migration.Version, out var checksum))
            {
                if (!string.Equals(checksum, migration.Checksum, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"Schema migration {migration.Version} was modified after it was applied; add a new migration instead."));
                }

                continue;
            }

            // The text is a schema script embedded in this assembly at build time, never input.
            await connection.ExecuteAsync(transaction, dialect, migration.Script, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(transaction, dialect,
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4);", cancellationToken,
                migration.Version, migration.Name, migration.Checksum, dialect.Instant(time.GetUtcNow())).ConfigureAwait(false);
            newlyApplied.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return newlyApplied;
    }

    /// <summary>Versions recorded in <c>schema_migrations</c> (none when nobody migrated yet).</summary>
    public static async Task<IReadOnlyList<int>> AppliedVersionsAsync(IStorageDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var applied = await AppliedAsync(connection, null, database.Dialect, cancellationToken).ConfigureAwait(false);
        return [.. applied.Keys.Order()];
    }

    private static async Task<Dictionary<int, string>> AppliedAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, CancellationToken cancellationToken)
    {
        var exists = await connection.ScalarAsync(transaction, dialect, dialect.MigrationsTableExistsSql, cancellationToken).ConfigureAwait(false);
        if (exists is not (true or 1L or 1))
        {
            return [];
        }

        var rows = await connection.QueryAsync(transaction, dialect, "SELECT version, checksum FROM schema_migrations;",
            r => (Version: r.GetInt32(0), Checksum: r.GetString(1)), cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Version, r => r.Checksum);
    }
}
