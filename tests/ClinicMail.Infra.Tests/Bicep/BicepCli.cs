using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClinicMail.Infra.Tests.Bicep;

// The real Bicep compiler from the Azure.Bicep.CommandLine.linux-x64 package (restored by the
// PackageDownload in this project), found in the NuGet global packages folder. Offline: build and
// lint need no Azure connection.
public static partial class BicepCli
{
    public const string PackageId = "azure.bicep.commandline.linux-x64";

    private static readonly Lazy<string> LazyPath = new(Locate);

    public static string Path => LazyPath.Value;

    // Compiles a template; any diagnostic (warning or error) on stderr fails the caller's test.
    public static (JsonObject Template, IReadOnlyList<string> Diagnostics) Build(string bicepFile)
    {
        var (exit, stdout, stderr) = Run("build", bicepFile, "--stdout");
        Assert.That(exit, Is.Zero, $"bicep build {bicepFile} failed:\n{stderr}");
        return ((JsonObject)JsonNode.Parse(stdout)!, Diagnostics(stderr));
    }

    public static IReadOnlyList<string> Lint(string bicepFile)
    {
        var (_, stdout, stderr) = Run("lint", bicepFile);
        return Diagnostics(stdout + "\n" + stderr);
    }

    public static string Version() => Run("--version").Stdout.Trim();

    private static IReadOnlyList<string> Diagnostics(string output) =>
        output.Split('\n').Where(l => Diagnostic().IsMatch(l)).Select(l => l.Trim()).ToList();

    private static (int Exit, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // No telemetry, no update check: the compiler stays offline.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(120_000), Is.True, "bicep did not finish within 2 minutes");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Locate()
    {
        var version = ProjectBicepVersion();
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            packages = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }
        var binary = System.IO.Path.Combine(packages, PackageId, version, "tools", "bicep");
        Assert.That(File.Exists(binary), Is.True, $"{binary} is missing: run 'dotnet restore ClinicMail.sln' (PackageDownload in ClinicMail.Infra.Tests)");
        if (!OperatingSystem.IsWindows())
        {
            // NuGet extracts without the execute bit on some systems.
            File.SetUnixFileMode(binary, File.GetUnixFileMode(binary) | UnixFileMode.UserExecute);
        }
        return binary;
    }

    // The version restored is the one Directory.Packages.props pins (BicepCliVersion).
    public static string ProjectBicepVersion()
    {
        var props = InfraTemplates.ReadText("Directory.Packages.props");
        var match = VersionProperty().Match(props);
        Assert.That(match.Success, Is.True, "Directory.Packages.props must define BicepCliVersion");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"<BicepCliVersion>([^<]+)</BicepCliVersion>")]
    private static partial Regex VersionProperty();

    [GeneratedRegex(@"\(\d+,\d+\)\s*:\s*(Warning|Error|Info)\s+[\w-]+:")]
    private static partial Regex Diagnostic();
}
