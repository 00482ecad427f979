using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The databases every store runs on.</summary>
public enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The ONE fixture source of the store contract tests: each contract class is a single
/// class run once per provider (<c>[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]</c>).
/// The PostgreSQL fixture is ignored only when <c>CLINICMAIL_TEST_POSTGRES</c> is absent
/// (<see cref="TempPostgresDatabase.ServerConnectionString"/>).</summary>
public static class StorageProviders
{
    public static IEnumerable<StorageProvider> All => [StorageProvider.Sqlite, StorageProvider.Postgres];
}

/// <summary>A migrated database of its own on one provider, with every store of that provider
/// (<see cref="StorageBackend"/>, as the hosts build them); dropped on dispose.</summary>
public sealed class TestStorage : IAsyncDisposable
{
    private readonly TempSqliteDatabase? _sqlite;
    private readonly TempPostgresDatabase? _postgres;

    private TestStorage(TempSqliteDatabase? sqlite, TempPostgresDatabase? postgres, StorageBackend backend)
    {
        _sqlite = sqlite;
        _postgres = postgres;
        Backend = backend;
    }

    public StorageBackend Backend { get; }

    /// <summary>The PostgreSQL database and its connection string, when that is the provider.</summary>
    public TempPostgresDatabase? Postgres => _postgres;

    /// <summary>The database, for a store built by hand.</summary>
    public IStorageDatabase Database => (IStorageDatabase?)_sqlite?.Database ?? _postgres!.Database;

    /// <param name="provider">Which database.</param>
    /// <param name="inProcessNearMiss">The directory searches near misses in its in-process index (the HTTP app's mode).</param>
    public static async Task<TestStorage> CreateAsync(StorageProvider provider, bool inProcessNearMiss = false)
    {
        if (provider == StorageProvider.Sqlite)
        {
            var sqlite = await TempSqliteDatabase.CreateMigratedAsync();
            return new TestStorage(sqlite, null, StorageBackend.ForSqlite(sqlite.Database, inProcessNearMiss: inProcessNearMiss));
        }

        var postgres = await TempPostgresDatabase.CreateAsync();
        return new TestStorage(null, postgres, StorageBackend.ForPostgres(postgres.Database, inProcessNearMiss: inProcessNearMiss));
    }

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync();
        _sqlite?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
