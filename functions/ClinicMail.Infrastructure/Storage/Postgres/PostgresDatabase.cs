using System.Globalization;
using Azure.Core;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>The production store: Azure Database for PostgreSQL (or any PostgreSQL 13+). One
/// <see cref="NpgsqlDataSource"/> (its connection pool) per process, and the versioned schema
/// scripts embedded in this assembly (<c>Storage/Postgres/Migrations/NNNN_name.sql</c>), applied
/// with the same checksum discipline as <see cref="Sqlite.SqliteDatabase"/>.</summary>
/// <remarks>Thread-safe; a singleton. With Entra authentication the password is an access token
/// for Azure Database for PostgreSQL, fetched from the <see cref="TokenCredential"/> (the Function
/// App's managed identity) and refreshed before it expires; no secret is configured anywhere.</remarks>
public sealed class PostgresDatabase : IAsyncDisposable
{
    /// <summary>The scope of Entra access tokens for Azure Database for PostgreSQL.</summary>
    public const string EntraScope = "https://ossrdbms-aad.database.windows.net/.default";

    private const string ResourcePrefix = "ClinicMail.Infrastructure.Storage.Postgres.Migrations.";

    /// <summary>Key of the advisory lock that serialises migrations across processes (any constant; "CMAIL" in ASCII).</summary>
    private const long MigrationLockKey = 0x434D41494C;

    private static readonly Lazy<IReadOnlyList<Sqlite.Migration>> EmbeddedMigrations = new(() => EmbeddedMigrationScripts.Load(ResourcePrefix));

    private readonly TimeProvider _time;

    /// <param name="connectionString">An Npgsql connection string (never logged: it may hold a password).</param>
    /// <param name="entraCredential">When set and the connection string has no password, the password is an Entra token from it.</param>
    /// <param name="timeProvider">For migration timestamps.</param>
    public PostgresDatabase(string connectionString, TokenCredential? entraCredential = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _time = timeProvider ?? TimeProvider.System;
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Statements are constant texts: let Npgsql prepare the frequent ones per physical connection.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }

        if (entraCredential is not null && string.IsNullOrEmpty(builder.ConnectionStringBuilder.Password))
        {
            UsesEntraAuthentication = true;
            // Tokens live about an hour: refresh every 30 minutes, retry after 10 seconds on failure.
            builder.UsePeriodicPasswordProvider(
                async (_, cancellationToken) => (await entraCredential.GetTokenAsync(new TokenRequestContext([EntraScope]), cancellationToken).ConfigureAwait(false)).Token,
                TimeSpan.FromMinutes(30),
                TimeSpan.FromSeconds(10));
        }

        DataSource = builder.Build();
        DatabaseName = builder.ConnectionStringBuilder.Database;
    }

    public NpgsqlDataSource DataSource { get; }

    public string? DatabaseName { get; }

    public bool UsesEntraAuthentication { get; }

    /// <summary>The schema scripts this build knows, in version order.</summary>
    public static IReadOnlyList<Sqlite.Migration> Migrations => EmbeddedMigrations.Value;

    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Applies every script not yet applied, in one transaction under an advisory lock (two
    /// instances starting together serialise here). Idempotent. Fails when an applied script was
    /// edited afterwards.</summary>
    /// <returns>The versions applied by this call.</returns>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(" + MigrationLockKey.ToString(CultureInfo.InvariantCulture) + ");", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     NOT NULL PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL
            );
            """, cancellationToken).ConfigureAwait(false);

        var applied = await AppliedAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var newlyApplied = new List<int>();
        foreach (var migration in Migrations)
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

            await ExecuteAsync(connection, transaction, migration.Script, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4);", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Checksum });
            record.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            newlyApplied.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return newlyApplied;
    }

    /// <summary>Versions recorded in <c>schema_migrations</c>.</summary>
    public async Task<IReadOnlyList<int>> AppliedVersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var applied = await AppliedAsync(connection, null, cancellationToken).ConfigureAwait(false);
        return [.. applied.Keys.Order()];
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private static async Task<Dictionary<int, string>> AppliedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL;", connection, transaction);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
        {
            return applied;
        }

        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations;", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // The text is a schema script embedded in this assembly at build time, never input.
        await using var command = new NpgsqlCommand(sql, connection, transaction);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
