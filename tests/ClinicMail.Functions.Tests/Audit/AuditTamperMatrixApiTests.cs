using System.Net.Http.Json;
using System.Text.Json;
using ClinicMail.Application.Identity;
using ClinicMail.Core.Audit;
using ClinicMail.Tests.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClinicMail.Functions.Tests.Audit;

/// <summary>Issue 22's tamper matrix through <c>GET /api/v1/audit/verify</c>, on SQLite and PostgreSQL
/// (the latter ignored only when <c>CLINICMAIL_TEST_POSTGRES</c> is absent). The app polled the head
/// (as its maintenance service does every few seconds) before the tampering.</summary>
public sealed class AuditTamperMatrixApiTests
{
    private static readonly string[] Stores = ["Sqlite", "Postgres"];

    private static IEnumerable<TestCaseData> Cases() =>
        from store in Stores from kind in AuditTamperMatrix.Kinds select new TestCaseData(store, kind).SetName($"Verify_{store}_{kind}_Detected");

    [TestCaseSource(nameof(Cases))]
    public async Task Verify_Tampered_ReportsTheLogAsBroken(string store, string kind)
    {
        await using var target = await TargetAsync(store);
        using var factory = target.Factory;
        var checkpointer = factory.Services.GetRequiredService<AuditCheckpointer>();
        await AuditTamperMatrix.BuildAsync(factory.Services.GetRequiredService<IAuditWriter>(), checkpointer);
        await checkpointer.PendingAsync();
        using var reviewer = factory.ClientWithRoles(Roles.ComplianceReviewer);
        var before = await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.That(before.GetProperty("ok").GetBoolean(), Is.True, before.ToString());

        await new AuditTamperMatrix(factory.Services.GetRequiredService<IAuditReviewStore>(), target.ExecuteAsync).ApplyAsync(kind);

        var response = await reviewer.GetAsync("/api/v1/audit/verify");
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), "the verification answers even when recording it fails (issue 22 item 6)");
        Assert.That(result.GetProperty("ok").GetBoolean(), Is.False, $"{kind} went undetected: {result}");
        // The checkpointer refuses when the break is since the last checkpoint; before it, the existing
        // signature keeps reporting it whatever is signed next. Either way the forgery is never sealed.
        try
        {
            await checkpointer.CheckpointAsync("test");
            Assert.That(kind, Is.AnyOf("edit", "delete", "insert", "reorder"), "a break since the last checkpoint must be refused");
        }
        catch (AuditIntegrityException)
        {
        }

        var after = await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.That(after.GetProperty("ok").GetBoolean(), Is.False, $"after the checkpointer ran: {after}");
    }

    private static async Task<Target> TargetAsync(string store)
    {
        var settings = new Dictionary<string, string?> { ["Audit:RunMaintenance"] = "false" };
        if (store == "Sqlite")
        {
            var factory = new ClinicMailFactory(settings);
            _ = factory.Server;
            return new Target(factory, async (sql, parameters) =>
            {
                await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath};Pooling=False");
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant tamper scripts.
                command.CommandText = sql;
#pragma warning restore CA2100
                foreach (var (name, value) in parameters)
                {
                    command.Parameters.AddWithValue("@" + name, value ?? DBNull.Value);
                }

                await command.ExecuteNonQueryAsync();
            }, null);
        }

        var server = Environment.GetEnvironmentVariable("CLINICMAIL_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            Assert.Ignore("CLINICMAIL_TEST_POSTGRES is not set");
        }

        var name = "cm_api_tamper_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
#pragma warning disable CA2100 // A generated name.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
#pragma warning restore CA2100
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
        settings["Storage:Provider"] = "Postgres";
        settings["Storage:ConnectionString"] = connectionString;
        var pg = new ClinicMailFactory(settings);
        _ = pg.Server;
        return new Target(pg, async (sql, parameters) =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
#pragma warning disable CA2100 // Constant tamper scripts.
            await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
            foreach (var (n, value) in parameters)
            {
                command.Parameters.Add(value is null or string
                    ? new NpgsqlParameter(n, NpgsqlTypes.NpgsqlDbType.Unknown) { Value = value ?? DBNull.Value }
                    : new NpgsqlParameter(n, value));
            }

            await command.ExecuteNonQueryAsync();
        }, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
#pragma warning disable CA2100 // A generated name.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
#pragma warning restore CA2100
            await drop.ExecuteNonQueryAsync();
        });
    }

    private sealed class Target(ClinicMailFactory factory, Func<string, (string Name, object? Value)[], Task> execute, Func<Task>? drop) : IAsyncDisposable
    {
        public ClinicMailFactory Factory => factory;

        public Task ExecuteAsync(string sql, (string Name, object? Value)[] parameters) => execute(sql, parameters);

        public async ValueTask DisposeAsync()
        {
            await factory.DisposeAsync();
            if (drop is not null)
            {
                await drop();
            }
        }
    }
}
