using ClinicMail.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>A real SQLite file in its own temporary folder, deleted on dispose.</summary>
public sealed class TempSqliteDatabase : IDisposable
{
    private readonly string _folder;

    public TempSqliteDatabase()
    {
        _folder = Path.Combine(Path.GetTempPath(), "clinicmail-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        Database = new SqliteDatabase(Path.Combine(_folder, "registry.db"));
    }

    public SqliteDatabase Database { get; }

    public static async Task<TempSqliteDatabase> CreateMigratedAsync()
    {
        var temp = new TempSqliteDatabase();
        await temp.Database.MigrateAsync();
        return temp;
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before deleting it.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind must not fail the test that used it.
        }
    }
}
