using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Cli;

/// <summary>The registry a CLI command reads: none (no --db) or a SQLite file.</summary>
internal sealed class RegistryAccess : IAsyncDisposable
{
    private RegistryAccess(IPatientDirectory? directory) => Directory = directory;

    public IPatientDirectory? Directory { get; }

    /// <summary>Opens the registry, or returns null after printing why (the file does not exist).</summary>
    public static async Task<RegistryAccess?> OpenAsync(string? dbPath, CliIo io, CancellationToken ct)
    {
        if (dbPath is null)
        {
            return new RegistryAccess(null);
        }

        if (!File.Exists(dbPath))
        {
            await io.Error.WriteLineAsync(Messages.DatabaseNotFound(dbPath)).ConfigureAwait(false);
            return null;
        }

        var backend = StorageBackend.ForSqlite(new SqliteDatabase(dbPath));
        // Reading an older file: bring its schema and near-miss keys up to date first (idempotent, versioned).
        await backend.MigrateAsync(ct).ConfigureAwait(false);
        return new RegistryAccess(backend.Directory);
    }

    public ValueTask DisposeAsync()
    {
        // Release the pooled handles so the file can be moved or deleted right after the command.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
