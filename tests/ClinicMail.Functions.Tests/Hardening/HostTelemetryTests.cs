using System.Text.Json;

namespace ClinicMail.Functions.Tests.Hardening;

/// <summary>Issue 22 item 11: the Functions host's own request telemetry must not keep <c>/secure/{token}</c>
/// paths. The worker's spans are scrubbed (<see cref="TelemetryLeakTests"/>); the host (which logs invocations
/// to Application Insights itself) is told not to collect the HTTP trigger's extended information — method,
/// path and response — so its request records carry the function's name, not the URL. The host cannot run
/// here: this checks the setting it reads.</summary>
public sealed class HostTelemetryTests
{
    [Test]
    public void HostJson_HttpTriggerExtendedInfoCollection_Off()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsLayoutTests.RepoRoot(), "functions", "ClinicMail.Functions", "host.json")));
        var options = host.RootElement.GetProperty("logging").GetProperty("applicationInsights").GetProperty("httpAutoCollectionOptions");

        Assert.That(options.GetProperty("enableHttpTriggerExtendedInfoCollection").GetBoolean(), Is.False);
    }
}
