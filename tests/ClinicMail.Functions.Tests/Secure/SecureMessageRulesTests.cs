using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ClinicMail.Core.Crypto;
using ClinicMail.Infrastructure.Keys;
using Microsoft.Extensions.DependencyInjection;
using static ClinicMail.Functions.Tests.Secure.SecureMessageFlowTests;
using static ClinicMail.Functions.Tests.Secure.SecureTestKit;

namespace ClinicMail.Functions.Tests.Secure;

/// <summary>Physician endpoints, limits, integrity failures, rate limits and the purge trigger.</summary>
[TestFixture]
public sealed class SecureMessageRulesTests
{
    [Test]
    public async Task Reader_TamperedCiphertext_ClearErrorPageNeverGarbageAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (created, token) = await CreateForAsync(factory, physician, Marie);
        var messageId = created.GetProperty("messageId").GetString()!;
        using var browser = new PatientBrowser(factory, token);
        await browser.OpenAsync(Marie);
        // Flip one byte near the end (inside the message part's ciphertext or tag).
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={factory.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT ciphertext FROM secure_envelopes WHERE id = $id";
            read.Parameters.AddWithValue("$id", messageId);
            var blob = (byte[])(await read.ExecuteScalarAsync())!;
            blob[^20] ^= 0x01;
            await ExecuteSqlAsync(factory, "UPDATE secure_envelopes SET ciphertext = $blob WHERE id = $id", messageId, ("$blob", blob));
        }

        var response = await browser.GetAsync("", "?lang=en");
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(html, Does.Contain("data-testid=\"unreadable\"").And.Contain("could not be verified").And.Not.Contain("data-testid=\"body\""));
    }

    [Test]
    public async Task Reader_DataKeyWrappedByAnotherKey_ClearErrorPageAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (created, token) = await CreateForAsync(factory, physician, Marie);
        var messageId = created.GetProperty("messageId").GetString()!;
        var folder = Directory.CreateTempSubdirectory("clinicmail-otherkey-");
        try
        {
            using var other = LocalKeyFileKek.OpenOrCreate(Path.Combine(folder.FullName, "kek.pem"), allowDevelopmentKeys: true);
            var json = await StringAsync(factory, "SELECT record FROM secure_keys WHERE envelope_id = $id", messageId);
            var record = WrappedDataKey.FromJson(json);
            var foreign = record with { WrappedKey = await other.WrapAsync(RandomNumberGenerator.GetBytes(32)) };
            await ExecuteSqlAsync(factory, "UPDATE secure_keys SET record = $record, kek_id = $kek WHERE envelope_id = $id", messageId,
                ("$record", foreign.ToJson()), ("$kek", foreign.WrappedKey.KeyId));
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        using var browser = new PatientBrowser(factory, token);
        var code = await browser.RequestCodeAsync(Marie);
        Assert.That((await browser.PostAsync("/verify", ("code", code))).StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        var html = await browser.GetAsync();

        Assert.That(html.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(await html.Content.ReadAsStringAsync(), Does.Contain("data-testid=\"unreadable\"").And.Not.Contain(Secret));
    }

    [Test]
    public async Task Status_OtherPhysician_NotFoundLikeAMissingMessageAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        using var colleague = Physician(factory, "0b6f3c1e-5d1a-4c7e-9a52-other0000002");
        var (created, _) = await CreateForAsync(factory, physician, Marie);
        var messageId = created.GetProperty("messageId").GetString()!;

        var theirs = await colleague.GetAsync($"/api/v1/secure-messages/{messageId}");
        var missing = await physician.GetAsync("/api/v1/secure-messages/sm_missing");
        var revoke = await colleague.PostAsync($"/api/v1/secure-messages/{messageId}/revoke", null);

        Assert.That(theirs.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await KeyRowsAsync(factory, messageId), Is.EqualTo(1));
    }

    [Test]
    public async Task Expiry_ShortenExtendWithinMaximum_RefusesBeyondAndAfterRevokeAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (created, _) = await CreateForAsync(factory, physician, Marie);
        var messageId = created.GetProperty("messageId").GetString()!;
        var status = await physician.GetFromJsonAsync<JsonElement>($"/api/v1/secure-messages/{messageId}");
        var createdAt = status.GetProperty("createdAt").GetDateTimeOffset();
        Assert.That(status.GetProperty("expiresAt").GetDateTimeOffset() - createdAt, Is.EqualTo(TimeSpan.FromDays(30)), "default 30 days");

        var shorter = await physician.PutAsJsonAsync($"/api/v1/secure-messages/{messageId}/expiry", new { expiresAt = createdAt.AddDays(7) });
        var longer = await physician.PutAsJsonAsync($"/api/v1/secure-messages/{messageId}/expiry", new { expiresAt = createdAt.AddDays(90) });
        var tooLong = await physician.PutAsJsonAsync($"/api/v1/secure-messages/{messageId}/expiry", new { expiresAt = createdAt.AddDays(91) });
        var past = await physician.PutAsJsonAsync($"/api/v1/secure-messages/{messageId}/expiry", new { expiresAt = createdAt.AddDays(-1) });

        Assert.That(shorter.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(longer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await longer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("expiresAt").GetDateTimeOffset(), Is.EqualTo(createdAt.AddDays(90)));
        Assert.That(tooLong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await tooLong.Content.ReadAsStringAsync(), Does.Contain("MaxExpiryDays"));
        Assert.That(past.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await EventsAsync(factory, messageId)).Count(e => e == Core.Audit.AuditEventType.SecureExpiryChanged), Is.EqualTo(2));

        Assert.That((await physician.PostAsync($"/api/v1/secure-messages/{messageId}/revoke", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await physician.PostAsync($"/api/v1/secure-messages/{messageId}/revoke", null)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        var afterRevoke = await physician.PutAsJsonAsync($"/api/v1/secure-messages/{messageId}/expiry", new { expiresAt = createdAt.AddDays(10) });
        Assert.That(afterRevoke.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [TestCase("Limits:MaxSecureAttachmentBytes", "1000", 2000, 1, 413, "MaxSecureAttachmentBytes")]
    [TestCase("Limits:MaxSecureTotalBytes", "3000", 2000, 2, 413, "MaxSecureTotalBytes")]
    [TestCase("Limits:MaxSecureAttachments", "2", 10, 3, 400, "MaxSecureAttachments")]
    [TestCase("Limits:MaxSecureRequestBytes", "5000", 8000, 1, 413, "MaxSecureRequestBytes")]
    public async Task Create_OverALimit_ProblemNamesTheLimitAsync(string setting, string value, int attachmentBytes, int attachmentCount, int expectedStatus, string limit)
    {
        using var factory = Factory(new Dictionary<string, string?> { [setting] = value });
        using var physician = Physician(factory);
        var attachments = Enumerable.Range(0, attachmentCount)
            .Select(i => (object)new { name = $"f{i}.bin", contentType = "application/octet-stream", contentBase64 = Convert.ToBase64String(new byte[attachmentBytes]) })
            .ToArray();
        var checkId = await CheckIdAsync(factory, attachments: attachments);

        var response = await physician.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, [Marie], attachments: attachments));

        Assert.That((int)response.StatusCode, Is.EqualTo(expectedStatus));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(limit));
    }

    /// <summary>Issue 22 #1 and #3: 15,000 nested elements (75 KB, far under the size limit) were
    /// accepted and crashed the API on every open; 20,000 attributes on a tag cost seconds per
    /// view. Both are refused at creation, in the caller's language, naming the limit; nothing is
    /// stored.</summary>
    [TestCase("div", 15_000, 0, "MaxHtmlDepth", "levels of HTML nesting", "niveaux d'imbrication HTML")]
    [TestCase("p", 1, 20_000, "MaxHtmlAttributesPerElement", "attributes per HTML element", "attributs par élément HTML")]
    [TestCase("br", 25_000, 0, "MaxHtmlElements", "HTML elements", "éléments HTML")]
    public async Task Create_HtmlOverAShapeLimit_BadRequestNamesTheLimitAsync(string tag, int count, int attributes, string limit, string en, string fr)
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var checkId = await CheckIdAsync(factory);
        var attributeText = string.Concat(Enumerable.Range(0, attributes).Select(i => $" a{i}=\"x\""));
        var html = string.Concat(Enumerable.Repeat($"<{tag}{attributeText}>", count)) + Secret + string.Concat(Enumerable.Repeat($"</{tag}>", count));

        physician.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-CA");
        var english = await physician.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, [Marie], body: html, format: "html"));
        physician.DefaultRequestHeaders.AcceptLanguage.Clear();
        physician.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr-CA");
        var french = await physician.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, [Marie], body: html, format: "html"));

        Assert.That(english.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(english.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await english.Content.ReadAsStringAsync(), Does.Contain(limit).And.Contain(en));
        Assert.That(french.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await ReadableAsync(french), Does.Contain(limit).And.Contain(fr));
        await foreach (var record in factory.Services.GetRequiredService<Core.Audit.IAuditReader>().ReadAllAsync())
        {
            Assert.That(record.Event, Is.Not.EqualTo(Core.Audit.AuditEventType.SecureMessageCreated), "nothing was created");
        }
    }

    private static async Task<string> ReadableAsync(HttpResponseMessage response) =>
        JsonSerializer.Serialize(await response.Content.ReadFromJsonAsync<JsonElement>(), new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Real HTML under the limits is still accepted and rendered.</summary>
    [Test]
    public async Task Create_NestedHtmlUnderTheLimit_CreatedAndRenderedAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var html = string.Concat(Enumerable.Repeat("<div>", 200)) + "<p lang=\"fr\">" + Secret + "</p>" + string.Concat(Enumerable.Repeat("</div>", 200));
        var (_, token) = await CreateForAsync(factory, physician, Marie, body: html, format: "html");
        using var browser = new PatientBrowser(factory, token);

        var page = await browser.OpenAsync(Marie);

        Assert.That(page, Does.Contain("<div><div><p lang=\"fr\">"));
    }

    [Test]
    public async Task Create_AttachmentLargerThanTheCheckLimit_AcceptedUnderItsOwnLimitAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 * 1_048_576);
        var (_, token) = await CreateForAsync(factory, physician, Marie,
            attachments: [new { name = "irm.bin", contentType = "application/octet-stream", contentBase64 = Convert.ToBase64String(bytes) }]);
        using var browser = new PatientBrowser(factory, token);
        await browser.OpenAsync(Marie);

        var download = await browser.GetAsync("/attachments/0");

        Assert.That(await download.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes), "a 4 MB request passes the 1 MB global cap: the endpoint has its own limit");
    }

    [Test]
    public async Task Create_RecipientWithoutConsentOrUnknownCheck_RefusedAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var checkId = await CheckIdAsync(factory);
        var colleagueCheck = await CheckIdAsync(factory, "0b6f3c1e-5d1a-4c7e-9a52-other0000002");

        var noConsent = await physician.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, [Marie, NoConsent]));
        var unknown = await physician.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, ["inconnu@example.com"]));
        var notMine = await physician.PostAsJsonAsync("/api/v1/secure-messages", Request(colleagueCheck, [Marie]));
        var tooLong = await physician.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, [Marie], expiresInDays: 91));

        Assert.That(noConsent.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await noConsent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("recipient_not_eligible"));
        Assert.That(problem.GetProperty("recipients")[0].GetProperty("index").GetInt32(), Is.EqualTo(1));
        Assert.That(problem.GetProperty("recipients")[0].GetProperty("status").GetString(), Is.EqualTo("patient_without_consent"));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(notMine.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(tooLong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await tooLong.Content.ReadAsStringAsync(), Does.Contain("MaxExpiryDays"));
        Assert.That(Directory.Exists(PickupDirectory(factory)) ? Directory.GetFiles(PickupDirectory(factory)) : [], Is.Empty);
    }

    [Test]
    public async Task Create_WithoutPhysicianRole_ForbiddenAsync()
    {
        using var factory = Factory();
        using var admin = factory.ClientWithRoles("ClinicAdmin");
        using var anonymous = factory.CreateClient();

        var checkId = await CheckIdAsync(factory);
        Assert.That((await admin.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, [Marie]))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await anonymous.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, [Marie]))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Create_SeveralPatients_EachGetsAPersonalLinkByMailAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var created = await CreateAsync(physician, Request(await CheckIdAsync(factory), [Marie, David]));

        var deliveries = created.GetProperty("deliveries").EnumerateArray().ToList();
        Assert.That(deliveries, Has.Count.EqualTo(2));
        Assert.That(created.GetProperty("notice").GetProperty("text").GetProperty("fr").GetString(), Does.Contain("courriel distinct"));
        foreach (var (address, delivery) in new[] { (Marie, deliveries[0]), (David, deliveries[1]) })
        {
            var mail = LatestMail(factory, address, "secure-notice");
            Assert.That(mail, Does.Contain(delivery.GetProperty("link").GetString()!), "each patient's own link, to their own address");
        }

        Assert.That(LatestMail(factory, Marie, "secure-notice"), Does.Not.Contain(deliveries[1].GetProperty("link").GetString()!));
    }

    [Test]
    public async Task SendCode_OverThePerLinkLimit_TooManyRequestsWithRetryAfterAsync()
    {
        using var factory = Factory(new Dictionary<string, string?> { ["Secure:CodesPerToken"] = "2" });
        using var physician = Physician(factory);
        var (_, token) = await CreateForAsync(factory, physician, Marie);
        using var browser = new PatientBrowser(factory, token);

        await browser.RequestCodeAsync(Marie);
        await browser.RequestCodeAsync(Marie);
        var third = await browser.PostAsync("/code", ("lang", "fr"));

        Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(third.Headers.RetryAfter, Is.Not.Null);
        Assert.That(await third.Content.ReadAsStringAsync(), Does.Contain("data-testid=\"too-many\""));
    }

    [Test]
    public async Task Verify_CodeReplacedByANewOne_OldCodeNoLongerWorksAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (_, token) = await CreateForAsync(factory, physician, Marie);
        using var browser = new PatientBrowser(factory, token);
        var first = await browser.RequestCodeAsync(Marie);
        var second = await browser.RequestCodeAsync(Marie);
        Assume.That(first, Is.Not.EqualTo(second));

        var old = await browser.PostAsync("/verify", ("code", first));
        var current = await browser.PostAsync("/verify", ("code", second));

        Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(current.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
    }

    private static async Task<string> StringAsync(ClinicMailFactory factory, string sql, string id)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Test SQL written in this file.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Parameters.AddWithValue("$id", id);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
