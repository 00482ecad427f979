using System.IO.Compression;
using System.Text.Json;

namespace ClinicMail.Functions.Tests;

/// <summary>The deployable zip that functions/publish.sh produces (./test.sh builds it and passes its
/// path in CLINICMAIL_PUBLISHED_ZIP): what the Azure Functions host needs at the root, every
/// function folder mapping to a route the app serves, the add-in files, nothing that should not ship.</summary>
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

    [Test]
    public void Zip_HasHostJsonAndTheExecutableItNames()
    {
        using var zip = Open();
        using var host = JsonDocument.Parse(zip.GetEntry("host.json")!.Open());
        var executable = host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;

        var entry = zip.GetEntry(executable);
        Assert.That(entry, Is.Not.Null, $"{executable} is not at the root of the zip");
        var unixMode = (entry!.ExternalAttributes >> 16) & 0x1FF;
        Assert.That(unixMode & 0x49, Is.Not.Zero, "the custom handler must be executable");
    }

    [Test]
    public void Zip_EveryFunctionFolderMapsToARouteOfTheApp()
    {
        using var zip = Open();
        var packaged = zip.Entries.Where(e => e.FullName.EndsWith("/function.json", StringComparison.Ordinal)).ToList();
        var source = Path.Combine(FunctionsLayoutTests.RepoRoot(), "functions", "ClinicMail.Functions", "functions");
        var expected = Directory.GetDirectories(source).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.That(packaged.Select(e => e.FullName.Split('/')[0]).Order(StringComparer.Ordinal), Is.EqualTo(expected),
            "each function folder sits at the root of the zip, one per function of the app");
        foreach (var entry in packaged)
        {
            using var reader = new StreamReader(entry.Open());
            var packagedJson = reader.ReadToEnd();
            var sourceJson = File.ReadAllText(Path.Combine(source, entry.FullName.Split('/')[0], "function.json"));
            Assert.That(packagedJson, Is.EqualTo(sourceJson), $"{entry.FullName} differs from the source the route tests check");
        }
    }

    [Test]
    public void Zip_CarriesTheAddinAndNoDebugOrDevelopmentFiles()
    {
        using var zip = Open();
        var names = zip.Entries.Select(e => e.FullName).ToList();

        Assert.That(names, Does.Contain("addin/launchevent.js"));
        Assert.That(names, Does.Contain("addin/manifest.xml"));
        Assert.That(names, Does.Contain("addin/.well-known/microsoft-officeaddins-allowed.json"));
        Assert.That(names.Where(n => n.EndsWith(".pdb", StringComparison.Ordinal)), Is.Empty);
        Assert.That(names.Where(n => n.Contains(".data/", StringComparison.Ordinal) || n.EndsWith(".pem", StringComparison.Ordinal) || n.EndsWith(".db", StringComparison.Ordinal)), Is.Empty);
    }
}
