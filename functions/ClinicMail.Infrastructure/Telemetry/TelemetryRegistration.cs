using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ClinicMail.Infrastructure.Telemetry;

/// <summary>One line for any host (the HTTP app, a Functions worker): <c>services.AddClinicMailTelemetry(configuration)</c>.</summary>
public static class TelemetryRegistration
{
    /// <summary>Registers ClinicMail's traces and metrics, and the host's own HTTP server spans
    /// ("Microsoft.AspNetCore"), with the <see cref="SecretPathScrubber"/> before any exporter.
    /// Nothing is exported without configuration: the Azure Monitor exporter only with a
    /// connection string (<c>Telemetry:ConnectionString</c> or <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>);
    /// <c>Telemetry:Enabled=true</c> alone collects for an exporter a host or test adds.
    /// <c>Telemetry:SamplingRatio</c> (0–1, default 1) samples traces by trace id. <c>Telemetry:ExportFile</c>
    /// also writes what is exported to a file (test runs).</summary>
    /// <returns>Whether telemetry was registered.</returns>
    public static bool AddClinicMailTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // Checked at startup by the application layer's Telemetry:* validator (docs/configuration.md).
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var connectionString = options.ConnectionString is { Length: > 0 } configured ? configured : configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var exportFile = string.IsNullOrWhiteSpace(options.ExportFile) ? null : new JsonLinesTelemetryFile(options.ExportFile);
        if (string.IsNullOrWhiteSpace(connectionString) && !options.Enabled && exportFile is null)
        {
            return false;
        }

        var ratio = Math.Clamp(options.SamplingRatio, 0, 1);
        var telemetry = services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)))
                    .AddSource(ClinicMailTelemetry.Name, "Microsoft.AspNetCore")
                    .AddProcessor(new SecretPathScrubber());
                if (!string.IsNullOrWhiteSpace(connectionString))
                {
                    tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = connectionString);
                }

                if (exportFile is not null)
                {
                    // After the scrubber (processors run in the order added): the file holds what would leave.
                    tracing.AddProcessor(new SimpleActivityExportProcessor(exportFile.Spans()));
                }
            })
            .WithMetrics(metrics =>
            {
                // Route templates only ("/secure/{token}"), never a request's path.
                metrics.AddMeter(ClinicMailTelemetry.Name, "Microsoft.AspNetCore.Hosting");
                if (!string.IsNullOrWhiteSpace(connectionString))
                {
                    metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = connectionString);
                }

                if (exportFile is not null)
                {
                    metrics.AddReader(new PeriodicExportingMetricReader(exportFile.Metrics(), exportIntervalMilliseconds: 5_000));
                }
            });
        _ = telemetry;
        return true;
    }
}
