namespace ClinicMail.Infrastructure.Telemetry;

/// <summary><c>Telemetry:*</c> — what is exported and how much. Nothing is exported without a connection string.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The Application Insights connection string; empty: <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> (set by the Bicep).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Collect traces and metrics even without a connection string (for an exporter a host or test adds).</summary>
    public bool Enabled { get; set; }

    /// <summary>Also append every exported span and metric point, scrubbed, to this file (JSON lines): the
    /// test runs' PHI scan reads it. Empty: no file.</summary>
    public string? ExportFile { get; set; }

    /// <summary>The share of traces kept, 0 to 1, sampled by trace id.</summary>
    public double SamplingRatio { get; set; } = 1.0;
}
