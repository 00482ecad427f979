using System.Data.Common;
using Azure.Core;
using ClinicMail.Infrastructure.Storage.Shared;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>The production store: Azure Database for PostgreSQL (or any PostgreSQL 13+). One
/// <see cref="NpgsqlDataSource"/> (its connection pool) per process, and the versioned schema
/// scripts embedded in this assembly (<c>Storage/Postgres/Migrations/NNNN_name.sql</c>), applied
/// with the same checksum discipline as <see cref="Sqlite.SqliteDatabase"/>.</summary>
/// <remarks>Thread-safe; a singleton. With Entra authentication the password is an access token
/// for Azure Database for PostgreSQL, fetched from the <see cref="TokenCredential"/> (the Function
/// App's managed identity) and refreshed before it expires; no secret is configured anywhere.</remarks>
public sealed class PostgresDatabase : IStorageDatabase, IAsyncDisposable
{
    /// <summary>The scope of Entra access tokens for Azure Database for PostgreSQL.</summary>
    public const string EntraScope = "https://ossrdbms-aad.database.windows.net/.default";

    private const string ResourcePrefix = "ClinicMail.Infrastructure.Storage.Postgres.Migrations.";

    private static readonly Lazy<IReadOnlyList<Migration>> EmbeddedMigrations = new(() => EmbeddedMigrationScripts.Load(ResourcePrefix));

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
    public static IReadOnlyList<Migration> Migrations => EmbeddedMigrations.Value;

    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Applies every script not yet applied, in one transaction under an advisory lock (two
    /// instances starting together serialise here; <see cref="MigrationRunner"/>, shared with SQLite).
    /// Idempotent. Fails when an applied script was edited afterwards.</summary>
    /// <returns>The versions applied by this call.</returns>
    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default) =>
        MigrationRunner.MigrateAsync(this, _time, cancellationToken);

    /// <summary>Versions recorded in <c>schema_migrations</c>.</summary>
    public Task<IReadOnlyList<int>> AppliedVersionsAsync(CancellationToken cancellationToken = default) =>
        MigrationRunner.AppliedVersionsAsync(this, cancellationToken);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    SqlDialect IStorageDatabase.Dialect => PostgresDialect.Instance;

    IReadOnlyList<Migration> IStorageDatabase.KnownMigrations => Migrations;

    async ValueTask<DbConnection> IStorageDatabase.OpenAsync(CancellationToken cancellationToken) =>
        await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
}
