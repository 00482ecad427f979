using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests.Secure;

/// <summary>Plumbing shared by the secure-delivery tests: a factory with generous rate limits (the
/// limit tests set their own), the physician's calls, and a patient "browser" that keeps the session
/// cookie by hand (the Secure cookie is not replayed over http by HttpClient's cookie container).</summary>
internal static partial class SecureTestKit
{
    /// <summary>Demo patients (docs/demo-registry.md): consenting, French and English.</summary>
    public const string Marie = "marie.tremblay@videotron.ca";
    public const string David = "david.smith@example.com";
    public const string NoConsent = "luc.cote@example.org";
    public const string Secret = "Résultat de biopsie : lésion bénigne, suivi dans 6 mois.";

    public static ClinicMailFactory Factory(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Secure:CodesPerToken"] = "100",
            ["Secure:VerificationsPerToken"] = "100",
            ["Secure:CodeRequestsPerIp"] = "1000",
            ["Secure:ReaderRequestsPerIpPerMinute"] = "10000",
            ["Secure:BackgroundPurge"] = "false",
            ["Secure:NotifyFallbackAddress"] = "medecin@clinique.med",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new ClinicMailFactory(settings);
    }

    public static string PickupDirectory(ClinicMailFactory factory) => Path.Combine(factory.DataDirectory, "mail-pickup");

    public const string PhysicianObjectId = "0b6f3c1e-5d1a-4c7e-9a52-secure000001";

    /// <summary>A physician client with a known object id (so its check records can be seeded).</summary>
    public static HttpClient Physician(ClinicMailFactory factory, string objectId = PhysicianObjectId) =>
        factory.ClientWithToken(factory.Issuer.Mint(new TokenRequest { Roles = ["Physician"], ObjectId = objectId }));

    /// <summary>The check a secure message follows, recorded in the audit chain as the check endpoint
    /// records it (event, actor, check id, and the binding of the checked content: SendBinding). The secure
    /// endpoint verifies that record; the check engine itself is tested with its own suites. The content is
    /// the <see cref="Request"/> defaults unless given; the recipients are every address these tests use.</summary>
    public static async Task<string> CheckIdAsync(
        ClinicMailFactory factory, string objectId = PhysicianObjectId, DateTimeOffset? at = null, string body = Secret, object[]? attachments = null,
        IReadOnlyList<string>? blockingCodes = null)
    {
        _ = at;
        var checkId = "chk_" + Guid.CreateVersion7().ToString("N");
        var draft = new Draft
        {
            Subject = Subject,
            Body = body,
            To = [.. new[] { Marie, David, NoConsent, "inconnu@example.com" }.Select(a => new DraftRecipient(a))],
            Attachments = [.. (attachments ?? []).Select(a => JsonSerializer.SerializeToElement(a)).Select(a =>
                new AttachmentInfo(a.GetProperty("name").GetString()!) { ContentBase64 = a.GetProperty("contentBase64").GetString() })],
        };
        var data = new Dictionary<string, object?>
        {
            ["secureDelivery"] = "required",
            ["blockingCodes"] = blockingCodes ?? ["SECURE_DELIVERY_REQUIRED"],
        };
        foreach (var (key, value) in SendBinding.Of(draft, factory.Services.GetRequiredService<DraftFingerprint>()).ToAuditData())
        {
            data[key] = value;
        }

        await factory.Services.GetRequiredService<IAuditWriter>().AppendAsync(new AuditEntry
        {
            Event = AuditEventType.CheckPerformed,
            ActorTenantId = DevelopmentIssuer.TenantId,
            ActorObjectId = objectId,
            CheckId = checkId,
            Decision = "block",
            Data = data,
        });
        return checkId;
    }

    public const string Subject = "Résultats de biopsie";

    public static object Request(string checkId, string[] recipients, string body = Secret, string format = "text", object[]? attachments = null, int? expiresInDays = null) => new
    {
        checkId,
        subject = Subject,
        body,
        bodyFormat = format,
        recipients,
        attachments = attachments ?? [],
        expiresInDays,
    };

    public static async Task<JsonElement> CreateAsync(HttpClient physician, object request)
    {
        var response = await physician.PostAsJsonAsync("/api/v1/secure-messages", request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<(JsonElement Created, string Token)> CreateForAsync(ClinicMailFactory factory, HttpClient physician, string recipient, string body = Secret, string format = "text", object[]? attachments = null)
    {
        var checkId = await CheckIdAsync(factory, body: body, attachments: attachments);
        var created = await CreateAsync(physician, Request(checkId, [recipient], body, format, attachments));
        var link = created.GetProperty("link").GetString()!;
        return (created, link[(link.LastIndexOf('/') + 1)..]);
    }

    /// <summary>The newest mail of a kind to an address in the pickup folder, decoded.</summary>
    public static string? LatestMail(ClinicMailFactory factory, string to, string kind)
    {
        var folder = PickupDirectory(factory);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        return Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).Reverse()
            .Select(File.ReadAllText)
            .Where(t => t.Contains($"\r\nTo: {to}\r\n", StringComparison.Ordinal) && t.Contains($"X-ClinicMail-Kind: {kind}\r\n", StringComparison.Ordinal))
            .Select(DecodeQuotedPrintable)
            .FirstOrDefault();
    }

    public static string CodeFrom(string mail) => CodePattern().Match(mail).Groups[1].Value;

    [GeneratedRegex(@"ClinicMail[^\d\r\n]*?(\d{6,9})")]
    private static partial Regex CodePattern();

    public static string DecodeQuotedPrintable(string text)
    {
        var unfolded = text.Replace("=\r\n", "", StringComparison.Ordinal);
        var bytes = new List<byte>();
        for (var i = 0; i < unfolded.Length; i++)
        {
            if (unfolded[i] == '=' && i + 2 < unfolded.Length && Uri.IsHexDigit(unfolded[i + 1]) && Uri.IsHexDigit(unfolded[i + 2]))
            {
                bytes.Add(Convert.ToByte(unfolded.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(unfolded[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}

/// <summary>The patient's browser: no redirects followed automatically, the session cookie kept by hand.</summary>
internal sealed class PatientBrowser(ClinicMailFactory factory, string token) : IDisposable
{
    private readonly HttpClient _client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    public string? Cookie { get; set; }

    public string Token => token;

    public Task<HttpResponseMessage> GetAsync(string suffix = "", string query = "") => SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/secure/{token}{suffix}{query}"));

    public Task<HttpResponseMessage> PostAsync(string suffix, params (string Name, string Value)[] fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/secure/{token}{suffix}")
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        });

    public async Task<string> RequestCodeAsync(string address)
    {
        var response = await PostAsync("/code", ("lang", "fr"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await response.Content.ReadAsStringAsync());
        var mail = SecureTestKit.LatestMail(factory, address, "secure-code");
        Assert.That(mail, Is.Not.Null, "a code mail in the pickup folder");
        return SecureTestKit.CodeFrom(mail!);
    }

    /// <summary>Code request, verification, and the message page.</summary>
    public async Task<string> OpenAsync(string address)
    {
        var code = await RequestCodeAsync(address);
        var verify = await PostAsync("/verify", ("lang", "fr"), ("code", code));
        Assert.That(verify.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await verify.Content.ReadAsStringAsync());
        var page = await GetAsync();
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await page.Content.ReadAsStringAsync();
    }

    public void Dispose() => _client.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (Cookie is not null)
        {
            request.Headers.Add("Cookie", Cookie);
        }

        var response = await _client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                Cookie = cookie.Split(';')[0];
            }
        }

        return response;
    }
}
