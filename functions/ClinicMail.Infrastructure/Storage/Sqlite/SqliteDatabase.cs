using System.Data.Common;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Shared;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file. Opens configured connections and brings the schema
/// up to date from the versioned scripts embedded in this assembly
/// (<c>Storage/Sqlite/Migrations/NNNN_name.sql</c>).</summary>
/// <remarks>Thread-safe; one instance per database file (a singleton). Connections are pooled by
/// Microsoft.Data.Sqlite, so opening one per operation is cheap.</remarks>
public sealed class SqliteDatabase : IStorageDatabase
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
            // wal_autocheckpoint: the connection that commits past this many WAL pages copies them back
            // into the database file itself, inside that commit — for the audit writer, while every check
            // of the batch waits. The host checkpoints in the background instead (CheckpointAsync, run by
            // SqliteWalCheckpointService); this larger threshold is only the safety net when nothing does
            // (the CLI, tests, a stopped service).
            pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -32768; PRAGMA mmap_size = 2147418112; PRAGMA wal_autocheckpoint = 8000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>WAL pages after which a committing connection checkpoints by itself (SQLite's default is
    /// 1,000): 8,000 pages of 4 KB, 32 MB, reached only when the background checkpoint does not run.</summary>
    public const int AutoCheckpointPages = 8_000; // the literal in OpenConnectionAsync's PRAGMA

    /// <summary>Copies the pages committed to the write-ahead log back into the database file without
    /// blocking readers or writers (<c>PRAGMA wal_checkpoint(PASSIVE)</c>): the work SQLite would otherwise do
    /// inside a commit. Frames a reader still needs are left for the next call.</summary>
    /// <returns>The frames in the log and how many of them are now in the database file.</returns>
    public async Task<(int LogFrames, int CheckpointedFrames)> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        // One row: busy flag, frames in the log, frames checkpointed (-1, -1 when the file is not in WAL mode).
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (reader.GetInt32(1), reader.GetInt32(2))
            : (0, 0);
    }

    /// <summary>Creates the file if needed, switches it to WAL (readers never block the writer, which
    /// matters when checks run while an administrator imports the registry), and applies every
    /// script not yet applied, all in one transaction (<see cref="MigrationRunner"/>, shared with
    /// PostgreSQL). Idempotent. Fails when an applied script was edited afterwards: the database
    /// would no longer match what the code believes.</summary>
    /// <returns>The versions applied by this call (empty when the schema was already current).</returns>
    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        CreateOwnerOnly();

        return MigrationRunner.MigrateAsync(this, _timeProvider, cancellationToken);
    }

    /// <summary>Versions recorded in <c>schema_migrations</c>.</summary>
    public Task<IReadOnlyList<int>> AppliedVersionsAsync(CancellationToken cancellationToken = default) =>
        MigrationRunner.AppliedVersionsAsync(this, cancellationToken);

    SqlDialect IStorageDatabase.Dialect => SqliteDialect.Instance;

    IReadOnlyList<Migration> IStorageDatabase.KnownMigrations => Migrations;

    async ValueTask<DbConnection> IStorageDatabase.OpenAsync(CancellationToken cancellationToken) =>
        await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
}
