using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace ClinicMail.Functions.Tests;

/// <summary>The deployable zip that functions/publish.sh produces (./test.sh builds it and passes its
/// path in CLINICMAIL_PUBLISHED_ZIP): the layout Flex Consumption's dotnet-isolated runtime runs (host.json,
/// worker.config.json naming the worker, the generated functions.metadata, the extensions bundle),
/// ReadyToRun code for linux-x64, the add-in, and nothing that must not ship: no local host, no sandbox or
/// demo data, no development issuer, no debug files or keys.</summary>
public sealed class PublishedPackageTests
{
    private static ZipArchive Open()
    {
        var path = Environment.GetEnvironmentVariable("CLINICMAIL_PUBLISHED_ZIP");
        if (string.IsNullOrEmpty(path))
        {
            Assert.Ignore("CLINICMAIL_PUBLISHED_ZIP is not set: run ./test.sh, which publishes the package first.");
        }

        Assert.That(File.Exists(path), Is.True, $"{path} was not produced");
        return ZipFile.OpenRead(path!);
    }

    private static JsonDocument Json(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.That(entry, Is.Not.Null, $"{name} is not at the root of the zip");
        using var stream = entry!.Open();
        return JsonDocument.Parse(stream);
    }

    [Test]
    public void Zip_IsADotnetIsolatedWorkerWithoutCustomHandler()
    {
        using var zip = Open();
        using var host = Json(zip, "host.json");
        using var worker = Json(zip, "worker.config.json");
        using var runtime = Json(zip, "ClinicMail.Functions.runtimeconfig.json");

        Assert.That(host.RootElement.TryGetProperty("customHandler", out _), Is.False);
        var description = worker.RootElement.GetProperty("description");
        Assert.That(description.GetProperty("language").GetString(), Is.EqualTo("dotnet-isolated"));
        Assert.That(zip.GetEntry(description.GetProperty("defaultWorkerPath").GetString()!), Is.Not.Null, "the worker assembly worker.config.json names");
        Assert.That(zip.Entries.Any(e => e.FullName.StartsWith(".azurefunctions/", StringComparison.Ordinal)), Is.True, "the extensions bundle the Worker SDK builds");
        var frameworks = runtime.RootElement.GetProperty("runtimeOptions").GetProperty("frameworks").EnumerateArray()
            .Select(f => (f.GetProperty("name").GetString(), f.GetProperty("version").GetString()![..4])).ToList();
        Assert.That(frameworks, Does.Contain(("Microsoft.NETCore.App", "10.0")), "Flex Consumption dotnet-isolated 10.0 provides .NET 10");
    }

    [Test]
    public void Zip_FunctionsMetadataIsTheOneTheTestsCheck()
    {
        using var zip = Open();
        using var packaged = Json(zip, "functions.metadata");
        using var built = FunctionsLayoutTests.Metadata();

        var names = packaged.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal);
        Assert.That(names, Is.EqualTo(built.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal)));
    }

    [TestCase("ClinicMail.Functions.dll")]
    [TestCase("ClinicMail.Application.dll")]
    [TestCase("ClinicMail.Core.dll")]
    public void Zip_OurAssembliesAreReadyToRunForLinuxX64(string name)
    {
        using var zip = Open();
        using var stream = new MemoryStream();
        using (var entry = zip.GetEntry(name)!.Open())
        {
            entry.CopyTo(stream);
        }

        stream.Position = 0;
        using var pe = new PEReader(stream);
        Assert.That(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size, Is.GreaterThan(0), $"{name} carries no ReadyToRun code");
        Assert.That(pe.PEHeaders.CoffHeader.Machine, Is.Not.EqualTo(Machine.I386), "compiled for x64, not AnyCPU");
    }

    [Test]
    public void Zip_CarriesTheAddinAndNothingThatMustNotShip()
    {
        using var zip = Open();
        var names = zip.Entries.Select(e => e.FullName).ToList();

        Assert.That(names, Does.Contain("addin/launchevent.js"));
        Assert.That(names, Does.Contain("addin/manifest.xml"));
        Assert.That(names, Does.Contain("addin/.well-known/microsoft-officeaddins-allowed.json"));
        Assert.That(names, Does.Contain("wwwroot/review/index.html"));
        Assert.That(names.Where(n => n.Contains("sandbox", StringComparison.OrdinalIgnoreCase) || n.Contains("demo", StringComparison.OrdinalIgnoreCase)), Is.Empty,
            "the sandbox and its fictional patients are for ./run.sh only");
        Assert.That(names.Where(n => n.Contains("dev-issuer", StringComparison.Ordinal) || n.StartsWith("ClinicMail.LocalHost", StringComparison.Ordinal) || n.StartsWith("clinicmail.", StringComparison.Ordinal)), Is.Empty,
            "no development issuer key, no local host, no CLI");
        Assert.That(names.Where(n => n.EndsWith(".pdb", StringComparison.Ordinal)), Is.Empty);
        Assert.That(names.Where(n => n.Contains(".data/", StringComparison.Ordinal) || n.EndsWith(".pem", StringComparison.Ordinal) || n.EndsWith(".db", StringComparison.Ordinal)), Is.Empty);
    }
}
