using ClinicMail.Application.Hosting;
using ClinicMail.Application.Http;
using ClinicMail.Functions.Http;
using ClinicMail.Infrastructure.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Hosting;

namespace ClinicMail.Functions;

/// <summary>The Azure Functions isolated worker: the application layer's composition root, plus the
/// HTTP adapter its functions share. Not top-level statements: tests reference both hosts.</summary>
public static class WorkerProgram
{
    /// <summary>What differs from the local host: the timers (TimerFunctions) replace the background services.
    /// Lowest precedence: an app setting still wins.</summary>
    public static IReadOnlyDictionary<string, string?> WorkerDefaults { get; } = new Dictionary<string, string?>
    {
        ["Secure:BackgroundPurge"] = "false",
        ["Audit:RunMaintenance"] = "false",
        ["IncomingMail:RunBackground"] = "false",
        // The Functions host is the proxy in front of the worker and reaches it over loopback; its
        // X-Forwarded-For last entry is the client the platform's front end saw (docs/security.md).
        ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        ["ForwardedHeaders:KnownProxies:1"] = "::1",
        ["RecordFiling:BackgroundDelivery"] = "false",
        ["RecordFiling:WatchMailSent"] = "false",
    };

    /// <summary>A refused start (a wrong setting, an unusable data folder) is logged naming the setting and
    /// ends the process with <see cref="StartupRefusal.ExitCode"/>, not an unhandled-exception abort.</summary>
    public static async Task<int> Main(string[] args)
    {
        // First: the check path compiles on the other core while this thread builds the host (ColdStartWarmUp).
        ColdStartWarmUp.Start();
        try
        {
            using var host = CreateHost(args);
            await host.Services.RunClinicMailStartupStepsAsync(CancellationToken.None).ConfigureAwait(false);
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception refused) when (StartupRefusal.IsRefusal(refused))
        {
            return StartupRefusal.Report(refused);
        }
    }

    /// <summary>The worker's host, built but not started. Tests pass <paramref name="settings"/> (over the
    /// configuration) and <paramref name="configure"/> (after the composition root).</summary>
    public static IHost CreateHost(string[] args, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = WorkerDefaults });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddClinicMail(builder.Configuration);
        builder.Services.AddClinicMailHardening(builder.Configuration);
        builder.Services.AddClinicMailTelemetry(builder.Configuration);
        // Stateless over singletons: one per process.
        builder.Services.AddSingleton<FunctionHttp>();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}
