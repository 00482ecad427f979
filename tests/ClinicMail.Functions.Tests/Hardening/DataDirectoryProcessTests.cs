using System.Diagnostics;
using ClinicMail.Application.Hosting;

namespace ClinicMail.Functions.Tests.Hardening;

/// <summary>A data folder that cannot be used stops each host's real process cleanly: a logged error naming
/// <c>ClinicMail:DataDirectory</c> in English and French (never the path), and exit code 1 — not an
/// unhandled-exception abort (exit 134, a stack trace in place of the reason).</summary>
[NonParallelizable]
[Category("Process")]
public sealed class DataDirectoryProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [TestCase("ClinicMail.LocalHost.dll")]
    [TestCase("ClinicMail.Functions.dll")]
    public async Task DataFolderIsAFile_Host_ExitsWithOneNamingTheSetting(string host)
    {
        var file = Path.GetTempFileName();
        try
        {
            var (exitCode, output) = await RunAsync(host, file);

            Assert.That(exitCode, Is.EqualTo(StartupRefusal.ExitCode), output);
            Assert.That(output, Does.Contain("ClinicMail:DataDirectory is a file, not a folder").And.Contain("ClinicMail:DataDirectory est un fichier, pas un dossier"));
            Assert.That(output, Does.Contain("env ClinicMail__DataDirectory"));
            Assert.That(output, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "), "no crash, no stack trace");
            Assert.That(output, Does.Not.Contain(file), "the value is never printed");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string host, string dataDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, host));
        start.Environment["ClinicMail__Mode"] = "Development";
        start.Environment["Identity__Mode"] = "Development";
        start.Environment["ClinicMail__DataDirectory"] = dataDirectory;
        start.Environment["ClinicMail__InternalDomains__0"] = "cliniquedemo.med";
        start.Environment["ClinicMail__WarmUp"] = "false";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        // Core dumps off: were it to abort after all, the test should not leave one behind.
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileNameWithoutExtension(process.StartInfo.ArgumentList[0])} kept running on a data folder that is a file");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
