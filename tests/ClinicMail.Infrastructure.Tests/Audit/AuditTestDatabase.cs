using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Tests.Audit;

/// <summary>A real audit store for a tamper test, plus raw SQL access to the same database — what an
/// attacker with database access (but not the signing key) has. Parameters are written <c>@name</c>,
/// which both SQLite and PostgreSQL (Npgsql) accept, so tamper scripts are shared by the stores.</summary>
public interface IAuditTestDatabase : IAsyncDisposable
{
    IAuditStore Store { get; }

    IAuditReviewStore Review { get; }

    Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters);
}

/// <summary>The audit test database of one provider (the fixture parameter of the audit contract classes).</summary>
public static class AuditTestDatabases
{
    public static async Task<IAuditTestDatabase> CreateAsync(Storage.StorageProvider provider) =>
        provider == Storage.StorageProvider.Sqlite
            ? await SqliteAuditTestDatabase.CreateAsync()
            : await PostgresAuditTestDatabase.CreateAsync();
}

/// <summary>The writer without group commit: each entry is its own append, which keeps tests deterministic.</summary>
public sealed class DirectAuditWriter(IAuditStore store, TimeProvider time) : IAuditWriter
{
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        (await store.AppendBatchAsync([entry], time.GetUtcNow(), cancellationToken).ConfigureAwait(false))[0];
}

public sealed class SqliteAuditTestDatabase : IAuditTestDatabase
{
    private readonly string _directory;
    private readonly SqliteDatabase _database;

    private SqliteAuditTestDatabase(string directory, SqliteDatabase database)
    {
        _directory = directory;
        _database = database;
        var store = new AuditStore(database);
        Store = store;
        Review = store;
    }

    public IAuditStore Store { get; }

    public IAuditReviewStore Review { get; }

    public string Path => _database.DatabasePath;

    public static async Task<SqliteAuditTestDatabase> CreateAsync()
    {
        var directory = Directory.CreateTempSubdirectory("clinicmail-audit-").FullName;
        var database = new SqliteDatabase(System.IO.Path.Combine(directory, "audit.db"));
        await database.MigrateAsync();
        return new SqliteAuditTestDatabase(directory, database);
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Test tamper scripts, constant in the tests.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue("@" + name, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The same on a PostgreSQL database of its own (<see cref="Storage.TempPostgresDatabase"/>).</summary>
public sealed class PostgresAuditTestDatabase : IAuditTestDatabase
{
    private readonly Storage.TempPostgresDatabase _temp;

    private PostgresAuditTestDatabase(Storage.TempPostgresDatabase temp)
    {
        _temp = temp;
        var store = new AuditStore(temp.Database);
        Store = store;
        Review = store;
    }

    public IAuditStore Store { get; }

    public IAuditReviewStore Review { get; }

    public static async Task<PostgresAuditTestDatabase> CreateAsync() => new(await Storage.TempPostgresDatabase.CreateAsync());

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await _temp.Database.OpenConnectionAsync();
#pragma warning disable CA2100 // Test tamper scripts, constant in the tests.
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            // Strings and nulls go untyped, so the server reads them as the column's type: the tamper
            // scripts write times as ISO text (what an attacker would type), which SQLite stores as is.
            var parameter = value is null or string
                ? new Npgsql.NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Unknown) { Value = value ?? DBNull.Value }
                : new Npgsql.NpgsqlParameter(name, value);
            command.Parameters.Add(parameter);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => _temp.DisposeAsync();
}
