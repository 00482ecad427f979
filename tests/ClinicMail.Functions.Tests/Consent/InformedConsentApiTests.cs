using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Filing;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Functions.Tests.Secure;
using ClinicMail.Infrastructure.Filing;
using ClinicMail.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests.Consent;

/// <summary>Informed consent through the real app (its own SQLite file, the pickup folder, real
/// crypto): the policy versions, the invitation → code → sign → check → withdraw → check path,
/// expired and reused links, a wrong date of birth, hostile input on every field, the verbal
/// consent's checklist, the clinic page's list, and an audit without names or addresses.</summary>
[NonParallelizable]
public sealed class InformedConsentApiTests
{
    private const string Admin = "ClinicAdmin";
    private ClinicMailFactory _factory = null!;
    private HttpClient _admin = null!;
    private string _m = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _factory = SecureTestKit.Factory();
        _admin = _factory.ClientWithRoles(Admin);
        var published = await _admin.PutAsJsonAsync("/api/v1/consent/policy", Policy());
        Assert.That(published.StatusCode, Is.EqualTo(HttpStatusCode.OK), await published.Content.ReadAsStringAsync());
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _admin.Dispose();
        _factory.Dispose();
    }

    [SetUp]
    public void Marker() => _m = "k" + Guid.NewGuid().ToString("N")[..10];

    private static object Policy(int delay = 2) => new
    {
        responseDelayBusinessDays = delay,
        openDays = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" },
        opensAt = "08:00:00",
        closesAt = "17:00:00",
        readBy = new[] { "physicians", "gmf_nurses", "administrative_staff" },
        textingAllowed = false,
        textingRules = Array.Empty<string>(),
        usesOffered = new[] { "appointments", "general_advice", "normal_results" },
        categoriesOffered = new[] { "mental_health" },
        secureMessaging = true,
        record = "electronic",
        clinicPhone = "514 555-0100",
    };

    private string Address => $"camille.{_m}@example.com";

    private async Task<string> NewPatientAsync(object? consent = null, bool withAddress = false)
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/registry/patients", new
        {
            clinicPatientId = $"{_m}-1",
            familyName = "Bélanger",
            givenName = "Camille-Éve",
            language = "fr",
            addresses = new[] { new { address = Address, kind = "personal" } }.Take(withAddress ? 1 : 0).ToArray(),
            consent,
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<PatientBrowser> InviteAsync(string patientId)
    {
        var response = await _admin.PostAsJsonAsync($"/api/v1/registry/patients/{patientId}/consent-invitations", new { address = Address.ToUpperInvariant(), birthDate = "1984-02-29" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var mail = SecureTestKit.LatestMail(_factory, Address, "consent-invitation");
        Assert.That(mail, Is.Not.Null, "the invitation is in the pickup folder");
        var token = System.Text.RegularExpressions.Regex.Match(mail!, @"/secure/consent/([A-Za-z0-9_-]{43})").Groups[1].Value;
        return new PatientBrowser(_factory, "consent/" + token);
    }

    private async Task<string> OpenAsync(PatientBrowser browser)
    {
        var code = await browser.PostAsync("/code", ("lang", "fr"));
        Assert.That(code.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await code.Content.ReadAsStringAsync());
        var mail = SecureTestKit.LatestMail(_factory, Address, "consent-code");
        var verify = await browser.PostAsync("/verify", ("lang", "fr"), ("code", SecureTestKit.CodeFrom(mail!)));
        Assert.That(verify.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await verify.Content.ReadAsStringAsync());
        var page = await browser.GetAsync();
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await page.Content.ReadAsStringAsync();
    }

    private async Task<string> CheckDecisionAsync()
    {
        using var physician = _factory.ClientWithRoles("Physician");
        var response = await physician.PostAsJsonAsync("/api/v1/check", Drafts.Appointment(Address));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        return body.GetProperty("decision").GetString()!;
    }

    [Test]
    public async Task Policy_SameSettingsSameVersion_ChangeIsANewVersionWithItsHash()
    {
        var current = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/consent/policy");
        var again = await (await _admin.PutAsJsonAsync("/api/v1/consent/policy", Policy())).Content.ReadFromJsonAsync<JsonElement>();
        var changed = await (await _admin.PutAsJsonAsync("/api/v1/consent/policy", Policy(delay: 3))).Content.ReadFromJsonAsync<JsonElement>();
        await _admin.PutAsJsonAsync("/api/v1/consent/policy", Policy());

        Assert.Multiple(() =>
        {
            Assert.That(again.GetProperty("version").GetInt32(), Is.EqualTo(current.GetProperty("version").GetInt32()));
            Assert.That(changed.GetProperty("version").GetInt32(), Is.EqualTo(current.GetProperty("version").GetInt32() + 1));
            Assert.That(changed.GetProperty("hash").GetString(), Has.Length.EqualTo(64).And.Not.EqualTo(current.GetProperty("hash").GetString()));
            Assert.That(current.GetProperty("textFr").ToString(), Does.Contain("infirmières et infirmiers du GMF").And.Contain("514 555-0100"));
            Assert.That(current.GetProperty("textEn").ToString(), Does.Contain("Texting is not allowed"));
        });
    }

    [TestCase("""{"responseDelayBusinessDays":-1}""", "délai")]
    [TestCase("""{"openDays":[]}""", "jours")]
    [TestCase("""{"opensAt":"18:00:00","closesAt":"08:00:00"}""", "fermeture")]
    [TestCase("""{"readBy":[]}""", "lit les courriels")]
    [TestCase("""{"textingAllowed":false,"textingRules":["no_photos"]}""", "textos")]
    [TestCase("""{"usesOffered":[]}""", "utilisation")]
    [TestCase("""{"usesOffered":["appointments","appointments"]}""", "utilisation")]
    [TestCase("""{"clinicPhone":"<script>alert(1)</script>"}""", "téléphone")]
    [TestCase("""{"usesOffered":["telepathy"]}""", "")]
    [TestCase("""{"record":"stone_tablet"}""", "")]
    public async Task PublishPolicy_HostileOrInvalidField_400InFrench(string json, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/consent/policy") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.AcceptLanguage.ParseAdd("fr-CA");
        var response = await _admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(text, Does.Contain(expected));
    }

    [Test]
    public async Task OnlineConsent_PartialScope_CheckFollows_WithdrawBlocks_LinkSpent()
    {
        var patientId = await NewPatientAsync();
        Assert.That(await CheckDecisionAsync(), Is.Not.EqualTo("allow"), "unregistered address, no consent");
        using var browser = await InviteAsync(patientId);

        var page = await OpenAsync(browser);
        Assert.That(page, Does.Contain("Qui lit vos messages").And.Contain("data-testid=\"consent-form\""));
        var sign = await browser.PostAsync("/sign", ("lang", "fr"), ("choice", "some"), ("use", "appointments"), ("category", "mental_health"),
            ("fullName", "  camille-eve   BELANGER "), ("birthDate", "1984-02-29"));
        Assert.That(sign.StatusCode, Is.EqualTo(HttpStatusCode.OK), await sign.Content.ReadAsStringAsync());

        var patient = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/registry/patients/{patientId}");
        var consent = patient.GetProperty("consent");
        Assert.Multiple(() =>
        {
            Assert.That(consent.GetProperty("method").GetString(), Is.EqualTo("electronic_signature"));
            Assert.That(consent.GetProperty("uses").ToString(), Is.EqualTo("""["appointments"]"""));
            Assert.That(consent.GetProperty("categories").ToString(), Is.EqualTo("""["mental_health"]"""));
            Assert.That(consent.GetProperty("documentReference").GetString(), Does.StartWith("cev_"));
            Assert.That(patient.GetProperty("addresses")[0].GetProperty("address").GetString(), Is.EqualTo(Address));
            Assert.That(patient.GetProperty("addresses")[0].GetProperty("verificationMethod").GetString(), Is.EqualTo("consent_code"));
        });
        Assert.That(await CheckDecisionAsync(), Is.EqualTo("allow"), "the next check follows the new scope");

        var again = await browser.PostAsync("/sign", ("lang", "fr"), ("choice", "all"), ("fullName", "Camille-Éve Bélanger"), ("birthDate", "1984-02-29"));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "a link signs once");

        var withdraw = await browser.PostAsync("/withdraw", ("lang", "fr"));
        Assert.That(withdraw.StatusCode, Is.EqualTo(HttpStatusCode.OK), await withdraw.Content.ReadAsStringAsync());
        Assert.That(await CheckDecisionAsync(), Is.EqualTo("block"), "the withdrawal applies to the next check at once");
        var reused = await browser.GetAsync();
        Assert.That(reused.StatusCode, Is.EqualTo(HttpStatusCode.Gone), "a withdrawn link is spent");

        var audit = new List<AuditRecord>();
        await foreach (var record in _factory.Services.GetRequiredService<IAuditReader>().ReadAllAsync())
        {
            if (record.SubjectId == patientId)
            {
                audit.Add(record);
            }
        }

        var text = string.Join("\n", audit.Select(r => JsonSerializer.Serialize(r)));
        Assert.Multiple(() =>
        {
            Assert.That(audit.Select(r => r.Event), Does.Contain(AuditEventType.ConsentSigned).And.Contain(AuditEventType.ConsentWithdrawn).And.Contain(AuditEventType.ConsentInvitationSent));
            Assert.That(text, Does.Contain("policyHash"));
            Assert.That(text, Does.Not.Contain(_m + "@").And.Not.Contain("Bélanger").And.Not.Contain("Camille").And.Not.Contain("1984"));
        });
    }

    /// <summary>The copy opens as a PDF (PdfPig reads it back) and says, in the language asked for,
    /// the scope chosen, the policy's version and hash, and the day it was signed.</summary>
    [TestCase("fr", "Vous avez accepté le courriel pour : rendez-vous", "Politique, version", "fr-CA")]
    [TestCase("en", "You accepted e-mail for: appointments", "Policy, version", "en-CA")]
    public async Task Copy_AfterSigning_IsAPdf(string lang, string scope, string versionLabel, string culture)
    {
        var patientId = await NewPatientAsync();
        using var browser = await InviteAsync(patientId);
        await OpenAsync(browser);
        var sign = await browser.PostAsync("/sign", ("lang", "fr"), ("choice", "some"), ("use", "appointments"), ("fullName", "Camille-Éve Bélanger"), ("birthDate", "1984-02-29"));
        Assert.That(sign.StatusCode, Is.EqualTo(HttpStatusCode.OK), await sign.Content.ReadAsStringAsync());
        var copy = await browser.GetAsync("/copy.pdf", "?lang=" + lang);
        var bytes = await copy.Content.ReadAsByteArrayAsync();
        Assert.That(copy.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/pdf"), System.Text.Encoding.UTF8.GetString(bytes));
        var policy = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/consent/policy");
        var hash = policy.GetProperty("hash").GetString()!;
        var version = policy.GetProperty("version").GetInt32();
        using var document = UglyToad.PdfPig.PdfDocument.Open(bytes);
        // PdfPig gives each page's words; spaces between them are restored for the comparison.
        var text = string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("America/Toronto"));
        var month = System.Globalization.CultureInfo.GetCultureInfo(culture).DateTimeFormat.GetMonthName(today.Month);
        Assert.Multiple(() =>
        {
            Assert.That(document.NumberOfPages, Is.GreaterThanOrEqualTo(1));
            Assert.That(text, Does.Contain(scope));
            Assert.That(text, Does.Contain($"{versionLabel} {version}"));
            Assert.That(text, Does.Contain(hash));
            Assert.That(text, Does.Contain(month + (lang == "en" ? " " + today.Day.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")).And.Contain(today.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(text, Does.Contain("Camille-Éve Bélanger"), "the font covers French accents");
        });
    }

    [Test]
    public async Task Refusal_RecordsRefusedAndTheCheckBlocks()
    {
        var patientId = await NewPatientAsync(withAddress: true);
        using var browser = await InviteAsync(patientId);
        await OpenAsync(browser);
        var sign = await browser.PostAsync("/sign", ("lang", "en"), ("choice", "none"), ("fullName", "Bélanger Camille-Éve"), ("birthDate", "1984-02-29"));
        Assert.That(sign.StatusCode, Is.EqualTo(HttpStatusCode.OK), await sign.Content.ReadAsStringAsync());
        var patient = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/registry/patients/{patientId}");
        Assert.That(patient.GetProperty("consent").GetProperty("status").GetString(), Is.EqualTo("refused"));
        Assert.That(await CheckDecisionAsync(), Is.EqualTo("block"));
    }

    [Test]
    public async Task WrongBirthDate_NothingRecorded_SessionEnded()
    {
        var patientId = await NewPatientAsync();
        using var browser = await InviteAsync(patientId);
        await OpenAsync(browser);
        var sign = await browser.PostAsync("/sign", ("lang", "fr"), ("choice", "all"), ("fullName", "Camille-Éve Bélanger"), ("birthDate", "1984-03-01"));
        var text = await sign.Content.ReadAsStringAsync();
        Assert.That(sign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(text, Does.Contain("signature-mismatch"));
        var retry = await browser.PostAsync("/sign", ("lang", "fr"), ("choice", "all"), ("fullName", "Camille-Éve Bélanger"), ("birthDate", "1984-02-29"));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "another try needs another code");
        var patient = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/registry/patients/{patientId}");
        Assert.That(patient.TryGetProperty("consent", out var consent) && consent.ValueKind != JsonValueKind.Null, Is.False);
    }

    [TestCase("choice", "all<script>")]
    [TestCase("use", "telepathy")]
    [TestCase("use", "treatment_adjustment")]
    [TestCase("category", "oncology")]
    [TestCase("fullName", "")]
    [TestCase("birthDate", "1984-13-45")]
    [TestCase("birthDate", "'; DROP TABLE patients; --")]
    public async Task Sign_HostileField_400AndNothingRecorded(string field, string value)
    {
        var patientId = await NewPatientAsync();
        using var browser = await InviteAsync(patientId);
        await OpenAsync(browser);
        var fields = new Dictionary<string, string> { ["lang"] = "fr", ["choice"] = "some", ["use"] = "appointments", ["fullName"] = "Camille-Éve Bélanger", ["birthDate"] = "1984-02-29" };
        fields[field] = value;
        var sign = await browser.PostAsync("/sign", [.. fields.Select(f => (f.Key, f.Value))]);
        var text = await sign.Content.ReadAsStringAsync();
        Assert.That(sign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(text, Does.Not.Contain("<script>"), "nothing typed is echoed unencoded");
        var patient = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/registry/patients/{patientId}");
        Assert.That(patient.TryGetProperty("consent", out var consent) && consent.ValueKind != JsonValueKind.Null, Is.False);
    }

    [Test]
    public async Task Sign_HugeName_400()
    {
        var patientId = await NewPatientAsync();
        using var browser = await InviteAsync(patientId);
        await OpenAsync(browser);
        var sign = await browser.PostAsync("/sign", ("lang", "fr"), ("choice", "all"), ("fullName", new string('x', 10_000)), ("birthDate", "1984-02-29"));
        Assert.That(sign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task ExpiredLink_Gone_BadToken_NotFound()
    {
        var patientId = await NewPatientAsync();
        using var browser = await InviteAsync(patientId);
        var backend = _factory.Services.GetRequiredService<StorageBackend>();
        await using (var connection = await backend.Sqlite!.OpenConnectionAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE consent_invitations SET expires_at = 0 WHERE patient_id = $p;";
            command.Parameters.AddWithValue("$p", patientId);
            await command.ExecuteNonQueryAsync();
        }

        Assert.That((await browser.GetAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That((await browser.PostAsync("/code", ("lang", "fr"))).StatusCode, Is.EqualTo(HttpStatusCode.Gone), "no code for an expired link");
        using var forged = new PatientBrowser(_factory, "consent/" + new string('A', 43));
        Assert.That((await forged.GetAsync()).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var malformed = new PatientBrowser(_factory, "consent/%3Cscript%3E");
        Assert.That((await malformed.GetAsync()).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("""{"address":"a@b.c\r\nBcc: x@evil.example"}""")]
    [TestCase("""{"address":"not an address"}""")]
    [TestCase("""{"address":"ok@example.com","language":"de"}""")]
    [TestCase("""{"address":"ok@example.com","birthDate":"1850-01-01"}""")]
    public async Task Invite_HostileField_400(string json)
    {
        var patientId = await NewPatientAsync();
        var response = await _admin.PostAsync($"/api/v1/registry/patients/{patientId}/consent-invitations", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Invite_NoBirthDateKnown_409_OtherPatientsAddress_409()
    {
        var patientId = await NewPatientAsync();
        var response = await _admin.PostAsJsonAsync($"/api/v1/registry/patients/{patientId}/consent-invitations", new { address = Address });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("birth_date_required"));
        var taken = await _admin.PostAsJsonAsync($"/api/v1/registry/patients/{patientId}/consent-invitations", new { address = SecureTestKit.Marie, birthDate = "1984-02-29" });
        Assert.That(taken.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Verbal_ChecklistIncomplete_400NamesMissing_Complete_DocumentedAndOffList()
    {
        var patientId = await NewPatientAsync(withAddress: true);
        var version = (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/consent/policy")).GetProperty("version").GetInt32();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/registry/patients/{patientId}/consent/verbal")
        {
            Content = JsonContent.Create(new { policyVersion = version, checklist = new[] { "intended_uses", "risks" }, uses = new[] { "appointments" } }),
        };
        request.Headers.AcceptLanguage.ParseAdd("en");
        var incomplete = await _admin.SendAsync(request);
        var problem = await incomplete.Content.ReadAsStringAsync();
        Assert.That(incomplete.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem);
        Assert.That(problem, Does.Contain("Whether texting is allowed").And.Contain("kept in the medical record"));

        var all = InformedConsentItems.All.Select(ConsentVocabulary.Code).ToArray();
        var notOffered = await _admin.PostAsJsonAsync($"/api/v1/registry/patients/{patientId}/consent/verbal", new { policyVersion = version, checklist = all, uses = new[] { "treatment_adjustment" } });
        Assert.That(notOffered.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var unknownVersion = await _admin.PostAsJsonAsync($"/api/v1/registry/patients/{patientId}/consent/verbal", new { policyVersion = 9999, checklist = all });
        Assert.That(unknownVersion.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        var attention = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/registry/consent-attention?limit=500");
        Assert.That(attention.ToString(), Does.Contain(patientId), "no consent yet: listed as missing");
        var recorded = await _admin.PostAsJsonAsync($"/api/v1/registry/patients/{patientId}/consent/verbal", new { policyVersion = version, checklist = all, uses = new[] { "appointments" } });
        Assert.That(recorded.StatusCode, Is.EqualTo(HttpStatusCode.OK), await recorded.Content.ReadAsStringAsync());
        Assert.That(await CheckDecisionAsync(), Is.EqualTo("allow"));
        attention = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/registry/consent-attention?limit=500");
        Assert.That(attention.ToString(), Does.Not.Contain(patientId));
    }

    /// <summary>« une note au dossier »: the verbal consent goes to the record through record filing
    /// (the local destination of the embedded default), as a PDF and a FHIR DocumentReference of kind
    /// consent-note that the Firely profile validator accepts.</summary>
    [Test]
    public async Task Verbal_FiledToTheRecordAsANote_PdfAndValidDocumentReference()
    {
        var patientId = await NewPatientAsync(withAddress: true);
        var policy = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/consent/policy");
        var all = InformedConsentItems.All.Select(ConsentVocabulary.Code).ToArray();
        var recorded = await _admin.PostAsJsonAsync($"/api/v1/registry/patients/{patientId}/consent/verbal",
            new { policyVersion = policy.GetProperty("version").GetInt32(), checklist = all, uses = new[] { "appointments", "normal_results" } });
        Assert.That(recorded.StatusCode, Is.EqualTo(HttpStatusCode.OK), await recorded.Content.ReadAsStringAsync());
        var evidenceId = (await recorded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("evidenceId").GetString()!;

        var (resource, text) = (await FiledNotesAsync(1)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(new FhirResourceValidator().Errors(resource), Is.Empty);
            Assert.That(resource.Type?.Coding.Single().Code, Is.EqualTo(ExchangeSources.ConsentNote));
            Assert.That(resource.Subject?.Identifier?.Value, Is.EqualTo($"{_m}-1"));
            Assert.That(text, Does.Contain("consentement verbal / verbal consent"));
            Assert.That(text, Does.Contain(evidenceId));
            Assert.That(text, Does.Contain(policy.GetProperty("hash").GetString()));
            Assert.That(text, Does.Contain("rendez-vous / appointments"));
            Assert.That(text, Does.Contain(InformedConsentItems.Label(InformedConsentItem.WhoHasAccess).Fr));
            Assert.That(text, Does.Contain(InformedConsentItems.Label(InformedConsentItem.KeptInRecord).En));
            Assert.That(text, Does.Contain("514 555-0100"), "the policy text read to the patient is in the note");
        });
    }

    [Test]
    public async Task SignedOnline_AndWithdrawn_EachFiledToTheRecord()
    {
        var patientId = await NewPatientAsync();
        using var browser = await InviteAsync(patientId);
        await OpenAsync(browser);
        var sign = await browser.PostAsync("/sign", ("lang", "fr"), ("choice", "all"), ("fullName", "Camille-Éve Bélanger"), ("birthDate", "1984-02-29"));
        Assert.That(sign.StatusCode, Is.EqualTo(HttpStatusCode.OK), await sign.Content.ReadAsStringAsync());
        var withdraw = await browser.PostAsync("/withdraw", ("lang", "fr"));
        Assert.That(withdraw.StatusCode, Is.EqualTo(HttpStatusCode.OK), await withdraw.Content.ReadAsStringAsync());

        var notes = await FiledNotesAsync(2);
        var texts = notes.Select(n => n.Text).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(notes.Select(n => new FhirResourceValidator().Errors(n.Resource)), Has.All.Empty);
            Assert.That(texts.Count(t => t.Contains("signature électronique", StringComparison.Ordinal) && t.Contains("accordé / granted", StringComparison.Ordinal)
                && t.Contains("adresse confirmée / address confirmed : oui / yes", StringComparison.Ordinal)), Is.EqualTo(1), "the signed consent");
            Assert.That(texts.Count(t => t.Contains("retiré par le patient / withdrawn by the patient", StringComparison.Ordinal)), Is.EqualTo(1), "the withdrawal");
            Assert.That(string.Join("\n", texts), Does.Not.Contain("1984"), "the note holds no date of birth");
        });
    }

    /// <summary>The consent notes delivered to the local record folder of this test's patient (the
    /// delivery worker runs in the background: waits up to 60 s for <paramref name="count"/>).</summary>
    private async Task<List<(Hl7.Fhir.Model.DocumentReference Resource, string Text)>> FiledNotesAsync(int count)
    {
        var folder = Path.Combine(_factory.DataDirectory, "record-filing", $"{_m}-1");
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var notes = new List<(Hl7.Fhir.Model.DocumentReference, string)>();
            // A delivery writes to "<id>.partial-…" and renames it into place: only finished folders count.
            foreach (var filing in (Directory.Exists(folder) ? Directory.GetDirectories(folder) : []).Where(d => !Path.GetFileName(d).Contains(".partial", StringComparison.Ordinal)))
            {
                var json = Path.Combine(filing, "resource.json");
                var pdf = Path.Combine(filing, FhirFilingResource.RenditionName);
                if (!File.Exists(json) || !File.Exists(pdf))
                {
                    continue;
                }

                var resource = JsonSerializer.Deserialize<Hl7.Fhir.Model.DocumentReference>(await File.ReadAllBytesAsync(json), FhirFilingResource.Json)!;
                if (resource.Type?.Coding.FirstOrDefault()?.Code != ExchangeSources.ConsentNote)
                {
                    continue;
                }

                using var document = UglyToad.PdfPig.PdfDocument.Open(await File.ReadAllBytesAsync(pdf));
                notes.Add((resource, string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text))));
            }

            if (notes.Count >= count || DateTime.UtcNow > deadline)
            {
                var status = notes.Count == count ? "" : await _admin.GetStringAsync("/api/v1/record-filing");
                Assert.That(notes, Has.Count.EqualTo(count), $"consent notes filed in {folder}; record filing: {status}");
                return notes;
            }

            await Task.Delay(250);
        }
    }

    [Test]
    public async Task VerbalWithoutChecklist_ThroughTheOldRoute_ListedNotDocumented()
    {
        var patientId = await NewPatientAsync(new { status = "granted", method = "verbal_noted", recordedOn = "2025-01-15", uses = new[] { "appointments" } });
        var attention = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/registry/consent-attention?limit=500");
        var row = attention.GetProperty("patients").EnumerateArray().Single(r => r.GetProperty("patientId").GetString() == patientId);
        Assert.That(row.GetProperty("reason").GetString(), Is.EqualTo("not_documented"));
        var electronic = await _admin.PutAsJsonAsync($"/api/v1/registry/patients/{patientId}/consent", new { status = "granted", method = "electronic_signature", recordedOn = "2025-01-15" });
        Assert.That(electronic.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "an electronic signature comes only from the patient's page");
    }
}
