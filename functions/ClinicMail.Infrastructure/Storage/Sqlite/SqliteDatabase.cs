using System.Globalization;
using ClinicMail.Core.Registry;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file. Opens configured connections and brings the schema
/// up to date from the versioned scripts embedded in this assembly
/// (<c>Storage/Sqlite/Migrations/NNNN_name.sql</c>).</summary>
/// <remarks>Thread-safe; one instance per database file (a singleton). Connections are pooled by
/// Microsoft.Data.Sqlite, so opening one per operation is cheap.</remarks>
public sealed class SqliteDatabase
{
    private const string ResourcePrefix = "ClinicMail.Infrastructure.Storage.Sqlite.Migrations.";

    private static readonly Lazy<IReadOnlyList<Migration>> EmbeddedMigrations = new(() => EmbeddedMigrationScripts.Load(ResourcePrefix));

    private readonly TimeProvider _timeProvider;

    public SqliteDatabase(string databasePath, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _timeProvider = timeProvider ?? TimeProvider.System;
        DatabasePath = Path.GetFullPath(databasePath);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            ForeignKeys = true,
            Pooling = true,
        }.ToString();
    }

    public string DatabasePath { get; }

    public string ConnectionString { get; }

    /// <summary>The file holds the registry and the audit log: owner-only from the first byte (0600; SQLite
    /// gives its -wal and -shm files the same mode), in a folder created owner-only (0700). A folder that
    /// already exists is left as it is (it may be shared, like /tmp); a file created wider by an earlier
    /// version is narrowed.</summary>
    private void CreateOwnerOnly()
    {
        var directory = Path.GetDirectoryName(DatabasePath);
        if (OperatingSystem.IsWindows())
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            return;
        }

        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (!File.Exists(DatabasePath))
        {
            try
            {
                using var created = new FileStream(DatabasePath, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
            }
            catch (IOException) when (File.Exists(DatabasePath))
            {
                // Another process created it first: narrowed below.
            }
        }

        if ((File.GetUnixFileMode(DatabasePath) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(DatabasePath, OwnerOnly);
        }
    }

    /// <summary>The schema scripts this build knows, in version order.</summary>
    public static IReadOnlyList<Migration> Migrations => EmbeddedMigrations.Value;

    /// <summary>An open connection with foreign keys enforced and a busy timeout. The caller disposes it.</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        // C# functions the SQL uses: the near-miss filter runs where the candidates are (on index
        // entries), so only survivors are loaded; the name fold backfills search keys in 0005.
        connection.CreateFunction("clinicmail_near", (string probe, string candidate) => NearMiss.IsCandidate(probe, candidate), isDeterministic: true);
        connection.CreateFunction("clinicmail_fold", (string? name) => NameKey.Fold(name), isDeterministic: true);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragma = connection.CreateCommand();
            // Per-connection settings; a pooled connection keeps them, setting them again costs
            // microseconds. busy_timeout: a writer waits up to 5 s for another writer (the CLI and the
            // HTTP app may share the file) instead of failing at once. mmap_size: reads map the file
            // instead of copying each page through read() (a third off a near-miss search on a
            // 1,000,000-patient registry, docs/performance.md). Durability is unchanged: SQLite only
            // reads through the map (writes still go through write() and the WAL's fsync); the cost
            // is that an I/O error while reading surfaces as a signal instead of an error code,
            // acceptable for a local file (docs/registry.md).
            pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -32768; PRAGMA mmap_size = 2147418112;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates the file if needed, switches it to WAL (readers never block the writer, which
    /// matters when checks run while an administrator imports the registry), and applies every
    /// script not yet applied, all in one transaction. Idempotent. Fails when an applied script was
    /// edited afterwards: the database would no longer match what the code believes.</summary>
    /// <returns>The versions applied by this call (empty when the schema was already current).</returns>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        CreateOwnerOnly();

        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                checksum   TEXT    NOT NULL,
                applied_at TEXT    NOT NULL
            ) STRICT;
            """, cancellationToken).ConfigureAwait(false);

        // IMMEDIATE: two processes starting together serialise here instead of both applying 0001.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
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
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($version, $name, $checksum, $at);";
            record.Parameters.AddWithValue("$version", migration.Version);
            record.Parameters.AddWithValue("$name", migration.Name);
            record.Parameters.AddWithValue("$checksum", migration.Checksum);
            record.Parameters.AddWithValue("$at", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
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

    private static async Task<Dictionary<int, string>> AppliedAsync(
        SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version, checksum FROM schema_migrations;";
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied[reader.GetInt32(0)] = reader.GetString(1);
            }
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == 1)
        {
            // SQLITE_ERROR "no such table": a database nobody migrated yet.
        }

        return applied;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // The text is a schema script embedded in this assembly at build time, never input.
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>One versioned schema script.</summary>
public sealed record Migration(int Version, string Name, string Script, string Checksum);
