using ClinicMail.Infrastructure.Storage.Postgres;
using Npgsql;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>A real PostgreSQL database of its own on the server ./test.sh starts
/// (<c>CLINICMAIL_TEST_POSTGRES</c>), created with a unique name and dropped on dispose. Fixtures
/// are ignored only when that variable is absent (a developer running one project by hand).</summary>
public sealed class TempPostgresDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "CLINICMAIL_TEST_POSTGRES";

    private readonly string _adminConnectionString;

    private TempPostgresDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
        Database = new PostgresDatabase(ConnectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public PostgresDatabase Database { get; }

    /// <summary>The server's connection string, or Assert.Ignore when no server was started.</summary>
    public static string ServerConnectionString() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new IgnoreException($"{EnvironmentVariable} is not set: run ./test.sh, which starts a PostgreSQL server.");

    public static async Task<TempPostgresDatabase> CreateAsync(bool migrate = true)
    {
        var admin = ServerConnectionString();
        var name = "cm_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
#pragma warning disable CA2100 // The name is generated above from a GUID.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
#pragma warning restore CA2100
            await create.ExecuteNonQueryAsync();
        }

        var temp = new TempPostgresDatabase(admin, name);
        if (migrate)
        {
            await temp.Database.MigrateAsync();
        }

        return temp;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // The name is generated from a GUID.
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
#pragma warning restore CA2100
        await drop.ExecuteNonQueryAsync();
    }
}
