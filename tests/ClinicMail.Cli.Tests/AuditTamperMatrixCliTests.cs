using ClinicMail.Cli.Hosting;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Sqlite;
using ClinicMail.Tests.Shared;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ClinicMail.Cli.Tests;

/// <summary>Issue 22's tamper matrix through <c>clinicmail audit verify</c>, on a SQLite file and on
/// PostgreSQL (<c>--postgres</c>; ignored only when <c>CLINICMAIL_TEST_POSTGRES</c> is absent). The CLI
/// never saw the app's head, so a fresh rewrite of the unsigned tail is only caught by the time rule,
/// once the tail is older than <c>--max-unsigned-age</c>.</summary>
public sealed class AuditTamperMatrixCliTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from store in new[] { "Sqlite", "Postgres" }
        from kind in AuditTamperMatrix.Kinds
        select new TestCaseData(store, kind).SetName($"Verify_{store}_{kind}_ExitThree");

    [TestCaseSource(nameof(Cases))]
    public async Task Verify_Tampered_ExitThree(string store, string kind)
    {
        var dir = Directory.CreateTempSubdirectory("clinicmail-cli-matrix-").FullName;
        var server = Environment.GetEnvironmentVariable("CLINICMAIL_TEST_POSTGRES");
        if (store == "Postgres" && string.IsNullOrEmpty(server))
        {
            Assert.Ignore("CLINICMAIL_TEST_POSTGRES is not set");
        }

        var name = "cm_cli_tamper_" + Guid.NewGuid().ToString("N")[..12];
        string? connectionString = null;
        if (store == "Postgres")
        {
            await AdminAsync(server!, $"CREATE DATABASE {name}");
            connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
        }

        try
        {
            var dbPath = Path.Combine(dir, "clinicmail.db");
            PostgresDatabase? pg = connectionString is null ? null : new PostgresDatabase(connectionString);
            var sqlite = connectionString is null ? new SqliteDatabase(dbPath) : null;
            IAuditStore audit;
            IAuditReviewStore review;
            if (pg is not null)
            {
                await pg.MigrateAsync();
                var s = new AuditStore(pg);
                (audit, review) = (s, s);
            }
            else
            {
                await sqlite!.MigrateAsync();
                var s = new AuditStore(sqlite);
                (audit, review) = (s, s);
            }

            using (var key = new ProviderAuditSigningKey(LocalKeyFileKek.OpenOrCreate(Path.Combine(dir, "keys", "audit-signing.pem"), allowDevelopmentKeys: true)))
            using (var copy = new FileAuditCheckpointCopy(Path.Combine(dir, "audit-checkpoints.jsonl")))
            {
                var writer = new Writer(audit);
                using var checkpointer = new AuditCheckpointer(review, writer, key, TimeProvider.System, new AuditVerifier(review, key, 2256) { Copy = copy }, copy);
                await AuditTamperMatrix.BuildAsync(writer, checkpointer);
            }

            string[] where = connectionString is null ? ["--db", dbPath] : ["--postgres", connectionString, "--data-dir", dir];
            Assert.That((await RunAsync([.. where])).Code, Is.EqualTo(0), "intact before the tampering");

            await new AuditTamperMatrix(review, (sql, parameters) => ExecuteAsync(sqlite, connectionString, sql, parameters)).ApplyAsync(kind);
            if (pg is not null)
            {
                await pg.DisposeAsync();
            }

            SqliteConnection.ClearAllPools();
            if (kind is "rewrite_unsigned_tail" or "truncate_tail")
            {
                // Undetectable by a verifier that never saw the old tail until the time rule applies.
                Assert.That((await RunAsync([.. where])).Code, Is.EqualTo(0), "a fresh unsigned tail is the documented limit");
                await Task.Delay(TimeSpan.FromMilliseconds(1200));
                where = [.. where, "--max-unsigned-age", "00:00:01"];
            }

            var (code, output) = await RunAsync([.. where]);
            Assert.That(code, Is.EqualTo(3), $"{kind} went undetected: {output}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (store == "Postgres")
            {
                NpgsqlConnection.ClearAllPools();
                await AdminAsync(server!, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(int Code, string Out)> RunAsync(string[] where)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(["audit", "verify", .. where], new CliIo(TextReader.Null, output, error, Interactive: false));
        return (code, output + error.ToString());
    }

    private static async Task ExecuteAsync(SqliteDatabase? sqlite, string? postgres, string sql, (string Name, object? Value)[] parameters)
    {
#pragma warning disable CA2100 // Constant tamper scripts.
        if (sqlite is not null)
        {
            await using var connection = new SqliteConnection($"Data Source={sqlite.DatabasePath};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue("@" + name, value ?? DBNull.Value);
            }

            await command.ExecuteNonQueryAsync();
            return;
        }

        await using var pg = new NpgsqlConnection(postgres);
        await pg.OpenAsync();
        await using var pgCommand = new NpgsqlCommand(sql, pg);
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            pgCommand.Parameters.Add(value is null or string
                ? new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Unknown) { Value = value ?? DBNull.Value }
                : new NpgsqlParameter(name, value));
        }

        await pgCommand.ExecuteNonQueryAsync();
    }

    private static async Task AdminAsync(string server, string sql)
    {
        await using var admin = new NpgsqlConnection(server);
        await admin.OpenAsync();
#pragma warning disable CA2100 // A generated database name.
        await using var command = new NpgsqlCommand(sql, admin);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Writer(IAuditStore store) : IAuditWriter
    {
        public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
            (await store.AppendBatchAsync([entry], DateTimeOffset.UtcNow, cancellationToken))[0];
    }
}
