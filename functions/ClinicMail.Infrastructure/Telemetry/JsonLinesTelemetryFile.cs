using System.Diagnostics;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ClinicMail.Infrastructure.Telemetry;

/// <summary><c>Telemetry:ExportFile</c>: every exported span and metric point appended to a file, one JSON
/// object per line — what an exporter would send, after the <see cref="SecretPathScrubber"/>. For the test
/// runs (the browser suite's PHI scan reads it); production exports to Application Insights only.</summary>
public sealed class JsonLinesTelemetryFile(string path)
{
    private readonly Lock _gate = new();

    /// <summary>The span exporter writing to this file.</summary>
    public BaseExporter<Activity> Spans() => new SpanExporter(this);

    /// <summary>The metric exporter writing to this file.</summary>
    public BaseExporter<Metric> Metrics() => new MetricExporter(this);

    private void Append(IEnumerable<Dictionary<string, object?>> items)
    {
        var lines = items.Select(item => JsonSerializer.Serialize(item)).ToList();
        if (lines.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            File.AppendAllLines(path, lines);
        }
    }

    private sealed class SpanExporter(JsonLinesTelemetryFile file) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            var items = new List<Dictionary<string, object?>>();
            foreach (var span in batch)
            {
                items.Add(new Dictionary<string, object?>
                {
                    ["kind"] = "span",
                    ["source"] = span.Source.Name,
                    ["name"] = span.DisplayName,
                    ["status"] = span.StatusDescription,
                    ["tags"] = span.TagObjects.ToDictionary(t => t.Key, t => Text(t.Value)),
                    ["events"] = span.Events.Select(e => new { e.Name, Tags = e.Tags.ToDictionary(t => t.Key, t => Text(t.Value)) }).ToList(),
                });
            }

            file.Append(items);
            return ExportResult.Success;
        }
    }

    private sealed class MetricExporter(JsonLinesTelemetryFile file) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            var items = new List<Dictionary<string, object?>>();
            foreach (var metric in batch)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    var tags = new Dictionary<string, string?>();
                    foreach (var tag in point.Tags)
                    {
                        tags[tag.Key] = Text(tag.Value);
                    }

                    items.Add(new Dictionary<string, object?> { ["kind"] = "metric", ["name"] = metric.Name, ["tags"] = tags });
                }
            }

            file.Append(items);
            return ExportResult.Success;
        }
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        string[] many => string.Join(',', many),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
