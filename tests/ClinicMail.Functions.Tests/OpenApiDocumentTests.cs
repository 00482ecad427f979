using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicMail.Functions.Tests.Worker;

namespace ClinicMail.Functions.Tests;

/// <summary>The API describes itself at <c>/api/openapi.json</c> on both hosts. The local host generates the
/// document from its endpoint table (Microsoft.AspNetCore.OpenApi); it is committed as docs/openapi.json,
/// which the worker serves and from which addin/src/shared/contract.generated.ts is generated
/// (<c>npm run contract</c>; the add-in's contract drift test). Regenerate after an API change:
/// <c>CLINICMAIL_UPDATE_OPENAPI=1 dotnet test tests/ClinicMail.Functions.Tests --filter OpenApiDocumentTests</c>,
/// then <c>cd addin &amp;&amp; npm run contract</c>.</summary>
public sealed class OpenApiDocumentTests
{
    private static string Committed => Path.Combine(RepositoryRoot(), "docs", "openapi.json");

    [Test, Order(1)]
    public async Task CommittedDocument_IsWhatTheLocalHostGeneratesAsync()
    {
        using var factory = new ClinicMailFactory();
        using var client = factory.CreateClient();
        var generated = Canonical(await client.GetStringAsync("/api/openapi.json"));

        if (Environment.GetEnvironmentVariable("CLINICMAIL_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(Committed, generated);
        }

        Assert.That(Canonical(await File.ReadAllTextAsync(Committed)), Is.EqualTo(generated),
            "docs/openapi.json is stale: regenerate it (see this class's summary) and run npm run contract in addin/");
    }

    [Test]
    public async Task Worker_ServesTheSameDocumentAnonymouslyAsync()
    {
        using var factory = new ClinicMailFactory();
        using var client = factory.CreateClient();
        var local = Canonical(await client.GetStringAsync("/api/openapi.json"));
        using var worker = await WorkerHarness.StartAsync();

        var response = await worker.SendAsync("GET", "/api/openapi.json");

        Assert.Multiple(() =>
        {
            Assert.That(response.Function, Is.EqualTo("OpenApi"));
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.ContentType, Does.StartWith("application/json"));
            Assert.That(Canonical(response.Body), Is.EqualTo(local), "the worker's description differs from the local host's");
        });
    }

    /// <summary>Indented, properties in document order, so a diff is readable and the comparison is of content.</summary>
    private static string Canonical(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ClinicMail.sln not found");
    }
}
