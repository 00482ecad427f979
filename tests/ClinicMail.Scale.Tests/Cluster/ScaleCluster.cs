using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using ClinicMail.Infrastructure.Identity;
using Npgsql;

namespace ClinicMail.Scale.Tests.Cluster;

/// <summary>N local-host processes over one real PostgreSQL database, as the Functions host scales the
/// app out in Azure: one database, one public address (the front end's; tokens name it as their
/// issuer), and the key material every instance reads (a shared folder here, Key Vault in Azure).
/// The first instance starts alone (it applies the schema and seeds the demo registry); the others
/// start together.</summary>
internal sealed class ScaleCluster : IAsyncDisposable
{
    public const string ServerVariable = "CLINICMAIL_TEST_POSTGRES";

    private readonly string _adminConnectionString;
    private readonly DevelopmentIssuer _issuer;

    private ScaleCluster(string adminConnectionString, string databaseName, string connectionString, string dataDirectory, IReadOnlyList<AppInstance> instances, DevelopmentIssuer issuer)
    {
        _adminConnectionString = adminConnectionString;
        DatabaseName = databaseName;
        ConnectionString = connectionString;
        DataDirectory = dataDirectory;
        Instances = instances;
        _issuer = issuer;
    }

    public string DatabaseName { get; }

    public string ConnectionString { get; }

    public string DataDirectory { get; }

    public IReadOnlyList<AppInstance> Instances { get; }

    /// <summary>Starts <paramref name="count"/> instances. <paramref name="settings"/> are configuration keys
    /// in environment form (<c>Audit__CheckpointEvery</c>) given to every instance.</summary>
    public static async Task<ScaleCluster> StartAsync(int count, IReadOnlyDictionary<string, string>? settings = null)
    {
        var admin = Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } server
            ? server
            : throw new IgnoreException($"{ServerVariable} is not set: run ./test.sh, which starts a PostgreSQL server.");
        var name = "cm_scale_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
#pragma warning disable CA2100 // The name is generated above from a GUID.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
#pragma warning restore CA2100
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 20 }.ConnectionString;
        var data = Directory.CreateTempSubdirectory("clinicmail-scale-").FullName;
        var logs = Path.Combine(data, "logs");
        Directory.CreateDirectory(logs);

        var ports = Enumerable.Range(0, count).Select(_ => AppInstance.FreePort()).ToArray();
        // Every instance answers for the same public address: the first one's, as a front end would.
        var environment = InstanceEnvironment(connectionString, data, $"http://127.0.0.1:{ports[0]}", settings);
        var instances = new List<AppInstance> { AppInstance.Start(0, ports[0], environment, logs) };
        await instances[0].WaitReadyAsync(TimeSpan.FromSeconds(90));
        for (var i = 1; i < count; i++)
        {
            instances.Add(AppInstance.Start(i, ports[i], environment, logs));
        }

        await Task.WhenAll(instances.Skip(1).Select(instance => instance.WaitReadyAsync(TimeSpan.FromSeconds(90))));
        var issuer = DevelopmentIssuer.LoadOrCreate(Path.Combine(data, "dev-issuer-key.pem"), environment["ClinicMail__PublicBaseUrl"]);
        return new ScaleCluster(admin, name, connectionString, data, instances, issuer);
    }

    /// <summary>A bearer token from the development issuer every instance trusts.</summary>
    public AuthenticationHeaderValue Bearer(string role, string objectId) =>
        new("Bearer", _issuer.Mint(new TokenRequest { Roles = [role], ObjectId = objectId }));

    /// <summary>Runs <c>clinicmail audit verify --postgres … --json</c> (the reviewer's own tool) over the
    /// shared database and key folder; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> VerifyAuditAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepositoryPaths.CliDll, "audit", "verify", "--postgres", ConnectionString, "--data-dir", DataDirectory, "--json" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    /// <summary>One scalar from the shared database (test assertions only).</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // Test-authored SQL, no input.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        var value = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>Rows of one column from the shared database (test assertions only).</summary>
    public async Task<IReadOnlyList<string?>> ColumnAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // Test-authored SQL, no input.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string?>();
        while (await reader.ReadAsync())
        {
            values.Add(await reader.IsDBNullAsync(0) ? null : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Instances.Select(instance => instance.DisposeAsync().AsTask()));
        _issuer.Dispose();
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
#pragma warning disable CA2100 // The name was generated from a GUID.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", connection);
#pragma warning restore CA2100
            await drop.ExecuteNonQueryAsync();
        }

        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            // Keep the instances' logs of a failed scenario (ids and flags only: the app never logs content).
            await TestContext.Out.WriteLineAsync($"instance logs kept in {Path.Combine(DataDirectory, "logs")}");
            return;
        }

        Directory.Delete(DataDirectory, recursive: true);
    }

    private static Dictionary<string, string> InstanceEnvironment(string connectionString, string data, string publicBaseUrl, IReadOnlyDictionary<string, string>? settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["ClinicMail__Mode"] = "Development",
            ["Identity__Mode"] = "Development",
            ["ClinicMail__DataDirectory"] = data,
            ["ClinicMail__InternalDomains__0"] = "cliniquedemo.med",
            ["Storage__Provider"] = "Postgres",
            ["Storage__ConnectionString"] = connectionString,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__ClinicMail"] = "Information",
            ["Secure__CodesPerToken"] = "100",
            ["Secure__VerificationsPerToken"] = "100",
            ["Secure__CodeRequestsPerIp"] = "10000",
            ["Secure__ReaderRequestsPerIpPerMinute"] = "100000",
            // One test physician stands for a clinic's worth of users: the per-user concurrency guard
            // (docs/security.md) is not what these scenarios measure.
            ["RequestGuards__ConcurrentRequestsPerUser"] = "1000",
        };
        environment["ClinicMail__PublicBaseUrl"] = publicBaseUrl;

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return environment;
    }
}
