using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ClinicMail.Functions.Tests.Worker;

namespace ClinicMail.Functions.Tests.Hardening;

/// <summary>Issue 22, item 9: /api/ready reflects the store and the keys, and says why it is not ready.</summary>
public sealed class ReadinessTests
{
    [Test]
    public async Task Ready_DataFolderDeletedWhileRunning_Answers503NamingTheMissingDatabase()
    {
        using var factory = new ClinicMailFactory();
        using var client = factory.CreateClient();
        using (var before = await client.GetAsync("/api/ready"))
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK), await before.Content.ReadAsStringAsync());
        }

        // The pooled connections keep the deleted file open and would go on answering. The background
        // services (started once the server listens) may be creating their folders meanwhile: retry.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(factory.DataDirectory, recursive: true);
                break;
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(100);
            }
        }

        using var after = await client.GetAsync("/api/ready");
        var body = await after.Content.ReadAsStringAsync();
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(Reasons(body), Does.Contain("database_file_missing"));
    }

    [Test]
    public async Task Ready_DatabaseServerStopped_Answers503NamingTheStore_OnBothHosts()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            // A port nothing listens on: the database server is down.
            ["Storage:ConnectionString"] = $"Host=127.0.0.1;Port={FreePort()};Username=clinicmail;Password=x;Database=clinicmail;Timeout=2",
            ["Storage:MigrateOnStartup"] = "false",
            ["Storage:InProcessNearMiss"] = "false",
        };
        using var factory = new ClinicMailFactory(settings);
        using var client = factory.CreateClient();
        using var local = await client.GetAsync("/api/ready");
        var body = await local.Content.ReadAsStringAsync();
        Assert.That(local.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(Reasons(body), Is.EqualTo(new[] { "store_unavailable" }));

        using var worker = await WorkerHarness.StartAsync(settings: settings);
        var answer = await worker.SendAsync("GET", "/api/ready");
        Assert.That(answer.Status, Is.EqualTo(503), answer.Body);
        Assert.That(Reasons(answer.Body), Is.EqualTo(new[] { "store_unavailable" }));
    }

    private static string[] Reasons(string body) =>
        [.. JsonDocument.Parse(body).RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!)];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
