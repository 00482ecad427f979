using ClinicMail.Core.Registry;

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

        throw new NotImplementedException("SQLite registry: lands with the recipients branch");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
