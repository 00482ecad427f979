using System.Diagnostics;
using ClinicMail.Infrastructure.Telemetry;

namespace ClinicMail.Infrastructure.Tests.Telemetry;

/// <summary>Link tokens never leave the process in a span.</summary>
public sealed class SecretPathScrubberTests
{
    [TestCase("GET /secure/AbC-123_x", "GET /secure/{token}")]
    [TestCase("https://clinique.med/secure/AbC123/attachments/0?x=1", "https://clinique.med/secure/{token}/attachments/0?x=1")]
    [TestCase("/SECURE/abc/verify", "/secure/{token}/verify")]
    [TestCase("/secure/{token}", "/secure/{token}")]
    [TestCase("/api/v1/check", "/api/v1/check")]
    public void Scrub_Text_TokenReplaced(string text, string expected) =>
        Assert.That(SecretPathScrubber.Scrub(text), Is.EqualTo(expected));

    [Test]
    public void OnEnd_SpanWithSecurePathAndQuery_ScrubbedBeforeExport()
    {
        using var activity = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn");
        activity.DisplayName = "GET /secure/tok3n";
        activity.SetTag("url.path", "/secure/tok3n/code");
        activity.SetTag("url.query", "?code=123456");
        activity.SetTag("http.route", "/secure/{token}");
        activity.SetTag("clinicmail.decision", "block");

        using var scrubber = new SecretPathScrubber();
        scrubber.OnEnd(activity);

        Assert.Multiple(() =>
        {
            Assert.That(activity.DisplayName, Is.EqualTo("GET /secure/{token}"));
            Assert.That(activity.GetTagItem("url.path"), Is.EqualTo("/secure/{token}/code"));
            Assert.That(activity.GetTagItem("url.query"), Is.Null);
            Assert.That(activity.GetTagItem("http.route"), Is.EqualTo("/secure/{token}"));
            Assert.That(activity.GetTagItem("clinicmail.decision"), Is.EqualTo("block"));
        });
    }
}
