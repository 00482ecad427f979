using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClinicMail.Core.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static ClinicMail.Functions.Tests.Secure.SecureTestKit;

namespace ClinicMail.Functions.Tests.Secure;

/// <summary>The whole secure path through the real app: the physician creates, the patient asks for
/// a code (read from the pickup folder), opens, reads, downloads, replies; the physician sees it and
/// revokes; the link then opens nothing. Content never reaches logs or the audit chain.</summary>
[TestFixture]
public sealed class SecureMessageFlowTests
{
    private const string HtmlBody = "<p onclick=\"steal()\">Bonjour <b>Marie</b>,</p><script>alert('x')</script><p>" + Secret
        + "</p><a href=\"javascript:alert(1)\">piège</a> <a href=\"https://www.quebec.ca/sante\">Québec</a><img src=\"https://tracker.example/p.gif\">";

    [Test]
    public async Task FullPath_CreateOpenReadReplyRevoke_ThenAccessDeniedAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var pdf = "%PDF-1.4 résultat fictif"u8.ToArray();
        var (created, token) = await CreateForAsync(factory, physician, Marie, HtmlBody, "html",
            [new { name = "biopsie.pdf", contentType = "application/pdf", contentBase64 = Convert.ToBase64String(pdf) }]);
        var messageId = created.GetProperty("messageId").GetString()!;

        // The notice replaces the content in the mail: link, both languages, nothing clinical.
        var link = created.GetProperty("link").GetString()!;
        Assert.That(link, Does.StartWith("http://localhost/secure/"));
        Assert.That(token, Has.Length.EqualTo(43), "256-bit base64url token");
        var notice = created.GetProperty("notice");
        foreach (var form in new[] { "html", "text" })
        {
            foreach (var lang in new[] { "fr", "en" })
            {
                var text = notice.GetProperty(form).GetProperty(lang).GetString()!;
                Assert.That(text, Does.Contain(link));
                Assert.That(text, Does.Not.Contain("biopsie").IgnoreCase.And.Not.Contain("Marie").And.Not.Contain("bénigne"));
            }
        }

        using var browser = new PatientBrowser(factory, token);
        var landing = await browser.GetAsync();
        var landingHtml = await landing.Content.ReadAsStringAsync();
        Assert.That(landing.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(landingHtml, Does.Contain("data-testid=\"send-code\"").And.Not.Contain("bénigne"));
        Assert.That(landing.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("script-src 'none'").And.Contain("frame-ancestors 'none'"));

        var status = await physician.GetFromJsonAsync<JsonElement>($"/api/v1/secure-messages/{messageId}");
        Assert.That(status.GetProperty("recipients")[0].GetProperty("opened").GetBoolean(), Is.False);

        var code = await browser.RequestCodeAsync(Marie);
        Assert.That(code, Has.Length.EqualTo(6));
        var verify = await browser.PostAsync("/verify", ("lang", "fr"), ("code", code));
        Assert.That(verify.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        var setCookie = verify.Headers.GetValues("Set-Cookie").Single();
        Assert.That(setCookie, Does.StartWith("__Host-clinicmail-reader=").And.Contain("httponly").IgnoreCase.And.Contain("secure").IgnoreCase
            .And.Contain("samesite=strict").IgnoreCase.And.Contain("path=/"));

        var page = await (await browser.GetAsync()).Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(page, Does.Contain("Bonjour <b>Marie</b>").And.Contain("bénigne"));
            Assert.That(page, Does.Contain("Résultats de biopsie"), "the subject is shown");
            Assert.That(page, Does.Not.Contain("<script").And.Not.Contain("onclick").And.Not.Contain("javascript:").And.Not.Contain("tracker.example"));
            Assert.That(page, Does.Contain("href=\"https://www.quebec.ca/sante\" rel=\"noopener noreferrer nofollow\""));
            Assert.That(page, Does.Contain("biopsie.pdf"));
        });
        Assert.That(await (await browser.GetAsync("", "?lang=en")).Content.ReadAsStringAsync(), Does.Contain("Reply securely"));

        var download = await browser.GetAsync("/attachments/0");
        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await download.Content.ReadAsByteArrayAsync(), Is.EqualTo(pdf));
        Assert.That(download.Content.Headers.ContentDisposition!.DispositionType, Is.EqualTo("attachment"));
        Assert.That(download.Content.Headers.ContentDisposition.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName, Does.Contain("biopsie.pdf"));
        Assert.That(download.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));

        const string replyText = "Merci docteur, je confirme le rendez-vous du suivi de ma lésion.";
        var reply = await browser.PostAsync("/reply", ("lang", "fr"), ("body", replyText));
        Assert.That(reply.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(await (await browser.GetAsync("", "?replied=1")).Content.ReadAsStringAsync(), Does.Contain("data-testid=\"notice\""));

        status = await physician.GetFromJsonAsync<JsonElement>($"/api/v1/secure-messages/{messageId}");
        Assert.That(status.GetProperty("recipients")[0].GetProperty("opened").GetBoolean(), Is.True);
        Assert.That(status.GetProperty("replies")[0].GetProperty("body").GetString(), Is.EqualTo(replyText));
        var notification = LatestMail(factory, "medecin@clinique.med", "secure-reply");
        Assert.That(notification, Does.Contain(messageId).And.Not.Contain("rendez-vous"), "the physician is told, without the content");

        var revoke = await physician.PostAsync($"/api/v1/secure-messages/{messageId}/revoke", null);
        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await revoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString(), Is.EqualTo("revoked"));

        var after = await browser.GetAsync();
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        var afterHtml = await after.Content.ReadAsStringAsync();
        Assert.That(afterHtml, Does.Contain("data-testid=\"revoked\"").And.Not.Contain("bénigne"));
        Assert.That((await browser.GetAsync("/attachments/0")).StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That(await KeyRowsAsync(factory, messageId), Is.Zero, "revocation destroyed the data keys (message and reply)");

        var events = await EventsAsync(factory, messageId);
        Assert.That(events, Is.SupersetOf(new[]
        {
            AuditEventType.SecureMessageCreated, AuditEventType.SecureCodeSent, AuditEventType.SecureMessageOpened,
            AuditEventType.SecureReplyCreated, AuditEventType.SecureMessageRevoked, AuditEventType.SecureMessageShredded,
        }));

        await AssertNoLeakAsync(factory, [Secret, "bénigne", "Résultats de biopsie", "biopsie.pdf", replyText, token, code, Marie]);
    }

    [Test]
    public async Task Verify_WrongCodeFiveTimes_LocksWithAClearMessageAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (created, token) = await CreateForAsync(factory, physician, Marie);
        using var browser = new PatientBrowser(factory, token);
        var code = await browser.RequestCodeAsync(Marie);
        var wrong = code == "000000" ? "111111" : "000000";

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var response = await browser.PostAsync("/verify", ("lang", "fr"), ("code", wrong));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"Il vous reste {5 - attempt} essai"));
        }

        var fifth = await browser.PostAsync("/verify", ("lang", "en"), ("code", wrong));
        Assert.That(fifth.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await fifth.Content.ReadAsStringAsync(), Does.Contain("locked after 5 wrong codes").And.Contain("Contact your clinic"));

        // The right code no longer opens it, and no new code can be asked for.
        Assert.That((await browser.PostAsync("/verify", ("code", code))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await browser.PostAsync("/code", ("lang", "fr"))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await browser.GetAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var messageId = created.GetProperty("messageId").GetString()!;
        var events = await EventsAsync(factory, messageId);
        Assert.That(events.Count(e => e == AuditEventType.SecureCodeFailed), Is.EqualTo(5));
        Assert.That(events, Does.Contain(AuditEventType.SecureAccessLocked));
        var status = await physician.GetFromJsonAsync<JsonElement>($"/api/v1/secure-messages/{messageId}");
        Assert.That(status.GetProperty("recipients")[0].GetProperty("locked").GetBoolean(), Is.True);
    }

    [Test]
    public async Task Reader_ExpiredMessage_SaysExpiredAndPurgeShredsAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (created, token) = await CreateForAsync(factory, physician, Marie);
        var messageId = created.GetProperty("messageId").GetString()!;
        await ExecuteSqlAsync(factory, "UPDATE secure_messages SET expires_at = '2001-01-01T00:00:00.000Z' WHERE id = $id", messageId);

        using var browser = new PatientBrowser(factory, token);
        var page = await browser.GetAsync("", "?lang=en");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("This message has expired"));
        Assert.That(await KeyRowsAsync(factory, messageId), Is.EqualTo(1), "not yet purged");

        var purged = await factory.Services.GetRequiredService<Infrastructure.Secure.SecureMessagePurger>().PurgeExpiredAsync();

        Assert.That(purged, Is.EqualTo(1));
        Assert.That(await KeyRowsAsync(factory, messageId), Is.Zero);
        Assert.That(await ScalarAsync(factory, "SELECT COUNT(*) FROM secure_envelopes WHERE message_id = $id AND ciphertext IS NOT NULL", messageId), Is.Zero);
        var events = await EventsAsync(factory, messageId);
        Assert.That(events, Is.SupersetOf(new[] { AuditEventType.SecureMessageExpired, AuditEventType.SecureMessageShredded }));
        var status = await physician.GetFromJsonAsync<JsonElement>($"/api/v1/secure-messages/{messageId}");
        Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("expired"));
        Assert.That(status.GetProperty("shreddedAt").ValueKind, Is.Not.EqualTo(JsonValueKind.Null));
        Assert.That(await factory.Services.GetRequiredService<Infrastructure.Secure.SecureMessagePurger>().PurgeExpiredAsync(), Is.Zero, "idempotent");
    }

    [Test]
    public async Task Reader_UnknownOrMalformedToken_NotFoundPageAsync()
    {
        using var factory = Factory();
        using var unknown = new PatientBrowser(factory, Core.Secure.SecretTokens.NewLinkToken());
        using var malformed = new PatientBrowser(factory, "abc");

        var a = await unknown.GetAsync();
        var b = await malformed.GetAsync();

        Assert.That(a.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(b.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await a.Content.ReadAsStringAsync(), Does.Contain("data-testid=\"invalid\""));
    }

    [Test]
    public async Task Reader_SessionOfAnotherLink_DoesNotOpenThisOneAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (_, first) = await CreateForAsync(factory, physician, Marie);
        var (_, second) = await CreateForAsync(factory, physician, Marie);
        using var one = new PatientBrowser(factory, first);
        await one.OpenAsync(Marie);
        using var two = new PatientBrowser(factory, second) { Cookie = one.Cookie };

        var page = await (await two.GetAsync()).Content.ReadAsStringAsync();

        Assert.That(page, Does.Contain("data-testid=\"send-code\"").And.Not.Contain("bénigne"));
        Assert.That((await two.GetAsync("/attachments/0")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Reader_EnglishPatient_DefaultsToEnglishWithAToggleAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (_, token) = await CreateForAsync(factory, physician, David);
        using var browser = new PatientBrowser(factory, token);

        var english = await (await browser.GetAsync()).Content.ReadAsStringAsync();
        var french = await (await browser.GetAsync("", "?lang=fr")).Content.ReadAsStringAsync();

        Assert.That(english, Does.Contain("<html lang=\"en\">").And.Contain("Send me a code").And.Contain("hreflang=\"fr\""));
        Assert.That(french, Does.Contain("<html lang=\"fr\">").And.Contain("envoyer un code"));
    }

    internal static async Task<long> KeyRowsAsync(ClinicMailFactory factory, string messageId) =>
        await ScalarAsync(factory, "SELECT COUNT(*) FROM secure_keys WHERE envelope_id IN (SELECT id FROM secure_envelopes WHERE message_id = $id)", messageId);

    internal static async Task<long> ScalarAsync(ClinicMailFactory factory, string sql, string id)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Test SQL written in this file.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Parameters.AddWithValue("$id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    internal static async Task ExecuteSqlAsync(ClinicMailFactory factory, string sql, string id, params (string Name, object Value)[] more)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Test SQL written in this file.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Parameters.AddWithValue("$id", id);
        foreach (var (name, value) in more)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<List<AuditEventType>> EventsAsync(ClinicMailFactory factory, string messageId)
    {
        var events = new List<AuditEventType>();
        await foreach (var record in factory.Services.GetRequiredService<IAuditReader>().ReadAllAsync())
        {
            if (record.SubjectId == messageId)
            {
                events.Add(record.Event);
            }
        }

        return events;
    }

    /// <summary>Neither the log lines nor any audit record (data included) holds these strings.</summary>
    internal static async Task AssertNoLeakAsync(ClinicMailFactory factory, IEnumerable<string> secrets)
    {
        var audit = new List<string>();
        await foreach (var record in factory.Services.GetRequiredService<IAuditReader>().ReadAllAsync())
        {
            audit.Add(JsonSerializer.Serialize(record));
        }

        foreach (var secret in secrets)
        {
            Assert.That(factory.Logs.Where(l => l.Contains(secret, StringComparison.OrdinalIgnoreCase)), Is.Empty, $"a log line holds a secret ({secret.Length} chars)");
            Assert.That(audit.Where(a => a.Contains(secret, StringComparison.OrdinalIgnoreCase)), Is.Empty, $"an audit record holds a secret ({secret.Length} chars)");
        }
    }
}
