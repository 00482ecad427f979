using System.Net;
using System.Net.Http.Json;
using ClinicMail.Application.Http;
using ClinicMail.Functions.Tests.Secure;
using Microsoft.AspNetCore.Http;

namespace ClinicMail.Functions.Tests.Hardening;

/// <summary>Issue 22, item 11: HSTS outside development, the development token on loopback only, the
/// database and its folder owner-only, and no reader link token in any log line.</summary>
public sealed class HostHygieneTests
{
    [Test]
    public void SecurityHeaders_OutsideDevelopment_IncludeHsts_AndNotInDevelopment()
    {
        var production = new HeaderDictionary();
        HttpConventions.ApplySecurityHeaders(production, development: false);
        Assert.That(production["Strict-Transport-Security"].ToString(), Is.EqualTo("max-age=31536000; includeSubDomains"));

        var development = new HeaderDictionary();
        HttpConventions.ApplySecurityHeaders(development, development: true);
        Assert.That(development.ContainsKey("Strict-Transport-Security"), Is.False);
    }

    [Test]
    public async Task DevToken_WithoutALoopbackConnection_IsRefused_AndOnLoopbackIsGiven()
    {
        // The in-memory server has no network connection: not loopback.
        using (var memory = new ClinicMailFactory())
        using (var client = memory.CreateClient())
        using (var refused = await client.PostAsJsonAsync("/api/dev/token", new { role = "Physician" }))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), await refused.Content.ReadAsStringAsync());
        }

        using var kestrel = new ClinicMailFactory();
        kestrel.UseKestrel(0);
        kestrel.StartServer();
        using var loopback = kestrel.CreateClient();
        using var given = await loopback.PostAsJsonAsync("/api/dev/token", new { role = "Physician" });
        Assert.That(given.StatusCode, Is.EqualTo(HttpStatusCode.OK), await given.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Database_IsCreatedOwnerOnly_InAnOwnerOnlyFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix permissions");
            return;
        }

        var root = Directory.CreateTempSubdirectory("clinicmail-perm-").FullName;
        var data = Path.Combine(root, "data");
        try
        {
            using var factory = new ClinicMailFactory(new Dictionary<string, string?> { ["ClinicMail:DataDirectory"] = data });
            using var client = factory.CreateClient();
            using var ready = await client.GetAsync("/api/ready");

            Assert.That(File.GetUnixFileMode(Path.Combine(data, "clinicmail.db")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(data), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task ReaderFlow_AtTraceLevel_NoLogLineHoldsTheLinkToken()
    {
        using var factory = SecureTestKit.Factory(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" });
        using var physician = SecureTestKit.Physician(factory);
        var (_, token) = await SecureTestKit.CreateForAsync(factory, physician, SecureTestKit.Marie);
        using var patient = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using (var landing = await patient.GetAsync($"/secure/{token}?lang=fr"))
        {
            Assert.That(landing.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using (await patient.PostAsync($"/secure/{token}/code", new FormUrlEncodedContent([new("lang", "fr")])))
        {
        }

        using (await patient.PostAsync($"/secure/{token}/verify", new FormUrlEncodedContent([new("lang", "fr"), new("code", "000000")])))
        {
        }

        using (await patient.DeleteAsync($"/secure/{token}/verify"))
        {
        }

        Assert.That(factory.Logs, Is.Not.Empty);
        Assert.That(factory.Logs.Where(l => l.Contains(token, StringComparison.Ordinal)), Is.Empty);
    }
}
