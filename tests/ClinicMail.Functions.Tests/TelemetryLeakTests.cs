using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using ClinicMail.Core.Secure;
using ClinicMail.Functions.Tests.Secure;
using ClinicMail.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ClinicMail.Functions.Tests;

/// <summary>Telemetry carries codes and counts only: during checks, a secure message's creation and
/// its reader pages, every exported span (name, tags, events) and metric (name, tags) is scanned for
/// the same kind of markers as the log scan (<see cref="NoLeakTests"/>) and for the link token.</summary>
public sealed class TelemetryLeakTests
{
    [Test]
    public async Task ChecksAndSecureDelivery_ExportedSpansAndMetrics_NoMarkerNoTokenAsync()
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        using var factory = new TelemetryFactory(spans, metrics);
        using var client = factory.ClientWithRoles("Physician");
        var marker = "zq" + Guid.NewGuid().ToString("N")[..12];
        var response = await client.PostAsJsonAsync("/api/v1/check", new
        {
            from = $"{marker}from@clinique.med",
            subject = $"Résultats {marker}subject",
            body = $"Bonjour {marker}Name, votre biopsie montre un carcinome. RAMQ TREM 6103 1212.",
            to = new object[] { new { address = $"{marker}to@gmail.com", name = $"{marker}Name" }, new { address = SecureTestKit.Marie } },
        });
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());

        using var physician = SecureTestKit.Physician(factory);
        var (_, token) = await SecureTestKit.CreateForAsync(factory, physician, SecureTestKit.Marie, body: $"<p>{marker}secret</p>", format: "html");
        using var browser = new PatientBrowser(factory, token);
        await browser.OpenAsync(SecureTestKit.Marie);
        // The consent page's link token (/secure/consent/{token}) is scrubbed the same way.
        var consentToken = SecretTokens.NewLinkToken();
        using var anonymous = factory.CreateClient();
        using var consentPage = await anonymous.GetAsync($"/secure/consent/{consentToken}?lang=fr");

        factory.Services.GetRequiredService<TracerProvider>().ForceFlush();
        factory.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.That(spans.Select(s => s.DisplayName), Does.Contain("clinicmail.check").And.Contain("clinicmail.secure.create"));
        var check = spans.First(s => s.DisplayName == "clinicmail.check");
        Assert.That(check.GetTagItem("clinicmail.decision"), Is.Not.Null);
        Assert.That(check.GetTagItem("clinicmail.recipient_count"), Is.EqualTo(2));
        Assert.That(metrics.Select(m => m.Name), Does.Contain("clinicmail.check.duration").And.Contain("clinicmail.check.decisions").And.Contain("clinicmail.secure.messages"));
        Assert.That(spans.Any(s => s.Source.Name == "Microsoft.AspNetCore"), Is.True, "the host's request spans are exported too");

        var exported = Describe(spans, metrics);
        Assert.That(exported, Does.Not.Contain(marker), "a marker reached the telemetry");
        Assert.That(exported, Does.Not.Contain(token), "a link token reached the telemetry");
        Assert.That(exported, Does.Not.Contain(consentToken), "a consent link token reached the telemetry");
        Assert.That(exported, Does.Contain(SecretPathScrubber.ConsentPlaceholder), "the consent page's request span was exported, scrubbed");
        Assert.That(exported, Does.Not.Contain("marie.tremblay"), "an address reached the telemetry");
        Assert.That(exported, Does.Not.Contain("6103"), "an identifier reached the telemetry");
    }

    [TestCase("/secure/consent/Abc123_-Abc123_-Abc123_-Abc123_-Abc123_-Abc/verify?lang=fr", "/secure/consent/{token}/verify?lang=fr")]
    [TestCase("GET /secure/Abc123_-Abc123_-Abc123_-Abc123_-Abc123_-Abc/code", "GET /secure/{token}/code")]
    [TestCase("/secure/consent/{token}", "/secure/consent/{token}")]
    [TestCase("/secure/{token}/verify", "/secure/{token}/verify")]
    public void Scrub_LinkTokens_Replaced(string text, string expected) =>
        Assert.That(SecretPathScrubber.Scrub(text), Is.EqualTo(expected));

    /// <summary>Telemetry:ExportFile: what is exported is also written to a file (the browser suite's PHI scan
    /// reads it), scrubbed like any export.</summary>
    [Test]
    public async Task ExportFile_Configured_SpansWrittenScrubbedAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), "clinicmail-telemetry-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            using (var factory = new ClinicMailFactory(new Dictionary<string, string?> { ["Telemetry:ExportFile"] = file }))
            {
                using var client = factory.CreateClient();
                var consentToken = SecretTokens.NewLinkToken();
                using var page = await client.GetAsync($"/secure/consent/{consentToken}");
                // The server span ends after the client has its answer: wait for it to be written.
                var text = "";
                for (var i = 0; i < 100 && !text.Contains("Microsoft.AspNetCore", StringComparison.Ordinal); i++)
                {
                    factory.Services.GetRequiredService<TracerProvider>().ForceFlush();
                    await Task.Delay(100);
                    text = File.Exists(file) ? await File.ReadAllTextAsync(file) : "";
                }

                Assert.That(text, Does.Contain("\"kind\":\"span\"").And.Contain("Microsoft.AspNetCore"));
                Assert.That(text, Does.Not.Contain(consentToken));
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Telemetry_NotConfigured_NothingRegistered()
    {
        using var factory = new ClinicMailFactory();
        _ = factory.Services;

        Assert.That(factory.Services.GetService<TracerProvider>(), Is.Null);
        Assert.That(factory.Services.GetService<MeterProvider>(), Is.Null);
    }

    private static string Describe(List<Activity> spans, List<MetricSnapshot> metrics)
    {
        var text = new StringBuilder();
        foreach (var span in spans)
        {
            text.Append(span.DisplayName).Append(' ').Append(span.OperationName).Append(' ').Append(span.StatusDescription).Append('\n');
            foreach (var (key, value) in span.TagObjects)
            {
                text.Append(key).Append('=').Append(value is string[] many ? string.Join(',', many) : value).Append('\n');
            }

            foreach (var item in span.Events)
            {
                text.Append(item.Name).Append('\n');
                foreach (var (key, value) in item.Tags)
                {
                    text.Append(key).Append('=').Append(value).Append('\n');
                }
            }

            foreach (var (key, value) in span.Baggage)
            {
                text.Append(key).Append('=').Append(value).Append('\n');
            }
        }

        foreach (var metric in metrics)
        {
            text.Append(metric.Name).Append('\n');
            foreach (var point in metric.MetricPoints)
            {
                foreach (var tag in point.Tags)
                {
                    text.Append(tag.Key).Append('=').Append(tag.Value).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Telemetry on (no connection string: nothing leaves the process), exported in memory.</summary>
    private sealed class TelemetryFactory(List<Activity> spans, List<MetricSnapshot> metrics) : ClinicMailFactory(Settings())
    {
        private static Dictionary<string, string?> Settings() => new()
        {
            ["Telemetry:Enabled"] = "true",
            ["Secure:CodesPerToken"] = "100",
            ["Secure:VerificationsPerToken"] = "100",
            ["Secure:CodeRequestsPerIp"] = "1000",
            ["Secure:ReaderRequestsPerIpPerMinute"] = "10000",
            ["Secure:BackgroundPurge"] = "false",
            ["Secure:NotifyFallbackAddress"] = "medecin@clinique.med",
        };

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services
                .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
                .ConfigureOpenTelemetryMeterProvider(meter => meter.AddInMemoryExporter(metrics)));
        }
    }
}
