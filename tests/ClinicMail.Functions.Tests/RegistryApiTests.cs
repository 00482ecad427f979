using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClinicMail.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests;

/// <summary>The registry management API through the real app (its own SQLite file): roles,
/// conflicts as 409, search, look-up, consent, restriction, history, audit without values, and the
/// CSV import. Every test uses its own clinic ids and addresses (a GUID marker).</summary>
public sealed class RegistryApiTests
{
    private const string Admin = "ClinicAdmin";
    private const string Physician = "Physician";
    private ClinicMailFactory _factory = null!;
    private string _m = null!;

    [OneTimeSetUp]
    public void Start() => _factory = new ClinicMailFactory();

    [OneTimeTearDown]
    public void Stop() => _factory.Dispose();

    [SetUp]
    public void Marker() => _m = "q" + Guid.NewGuid().ToString("N")[..10];

    private object NewPatient(string suffix, string family = "Côté", string kind = "personal", string? address = null) => new
    {
        clinicPatientId = $"{_m}-{suffix}",
        familyName = family + _m,
        givenName = "Émilie",
        language = "fr",
        addresses = new[] { new { address = address ?? $"emilie.{suffix}.{_m}@example.com", kind, thirdPartyConsented = kind != "personal" } },
        consent = new { status = "granted", method = "signed_form", recordedOn = "2025-01-15", uses = new[] { "appointments" } },
    };

    private async Task<JsonElement> CreateAsync(HttpClient client, object patient)
    {
        var response = await client.PostAsJsonAsync("/api/v1/registry/patients", patient);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<List<AuditRecord>> AuditOfAsync(string patientId)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in _factory.Services.GetRequiredService<IAuditReader>().ReadAllAsync())
        {
            if (record.SubjectId == patientId)
            {
                records.Add(record);
            }
        }

        return records;
    }

    [Test]
    public async Task Create_ThenGet_AdminWritesPhysicianReads()
    {
        var created = await CreateAsync(_factory.ClientWithRoles(Admin), NewPatient("a"));
        var id = created.GetProperty("id").GetString();

        var read = await _factory.ClientWithRoles(Physician).GetFromJsonAsync<JsonElement>($"/api/v1/registry/patients/{id}");
        var physicianWrite = await _factory.ClientWithRoles(Physician).PostAsJsonAsync("/api/v1/registry/patients", NewPatient("b"));

        Assert.Multiple(() =>
        {
            Assert.That(read.GetProperty("clinicPatientId").GetString(), Is.EqualTo($"{_m}-a"));
            Assert.That(read.GetProperty("addresses")[0].GetProperty("kind").GetString(), Is.EqualTo("personal"));
            Assert.That(read.GetProperty("consent").GetProperty("method").GetString(), Is.EqualTo("signed_form"));
            Assert.That(physicianWrite.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task Create_DuplicateClinicIdOrAddress_Conflict409()
    {
        var client = _factory.ClientWithRoles(Admin);
        await CreateAsync(client, NewPatient("c", address: $"shared.{_m}@example.com"));

        var sameId = await client.PostAsJsonAsync("/api/v1/registry/patients", NewPatient("c", address: $"other.{_m}@example.com"));
        var sameAddress = await client.PostAsJsonAsync("/api/v1/registry/patients", NewPatient("d", address: $"SHARED.{_m}@example.com"));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(sameId.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That((await sameId.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString(), Is.EqualTo("clinic_patient_id_conflict"));
            Assert.That(sameAddress.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That((await sameAddress.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString(), Is.EqualTo("address_conflict"));
        });
    }

    [Test]
    public async Task Create_FamilySharedOnBoth_Allowed()
    {
        var client = _factory.ClientWithRoles(Admin);
        await CreateAsync(client, NewPatient("e", kind: "family_shared", address: $"famille.{_m}@example.com"));

        var second = await client.PostAsJsonAsync("/api/v1/registry/patients", NewPatient("f", kind: "family_shared", address: $"famille.{_m}@example.com"));

        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Search_AccentAndCaseInsensitive_Paged()
    {
        var client = _factory.ClientWithRoles(Admin);
        await CreateAsync(client, NewPatient("g"));
        await CreateAsync(client, NewPatient("h"));

        var response = await _factory.ClientWithRoles(Physician).PostAsJsonAsync("/api/v1/registry/patients/search",
            new { name = "cote" + _m.ToUpperInvariant() + " emilie", pageSize = 1 });
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.GetProperty("total").GetInt32(), Is.EqualTo(2));
            Assert.That(page.GetProperty("patients").GetArrayLength(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Lookup_RegisteredAndUnknown_OnlyRegisteredReturned()
    {
        var created = await CreateAsync(_factory.ClientWithRoles(Admin), NewPatient("i"));

        var response = await _factory.ClientWithRoles(Physician).PostAsJsonAsync("/api/v1/registry/lookup",
            new { addresses = new[] { $"Emilie.i.{_m}@Example.com", $"nobody.{_m}@example.com" } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("matches").GetArrayLength(), Is.EqualTo(1));
            Assert.That(body.GetProperty("matches")[0].GetProperty("patients")[0].GetProperty("id").GetString(), Is.EqualTo(created.GetProperty("id").GetString()));
        });
    }

    [Test]
    public async Task ConsentRestrictionAddresses_Audited_WithFieldNamesOnly()
    {
        var client = _factory.ClientWithRoles(Admin);
        var id = (await CreateAsync(client, NewPatient("j"))).GetProperty("id").GetString()!;

        var revoke = await client.PostAsync($"/api/v1/registry/patients/{id}/consent/revoke", null);
        var restrict = await client.PostAsJsonAsync($"/api/v1/registry/patients/{id}/restrict", new { reason = "Motif " + _m });
        var unrestrict = await client.PostAsync($"/api/v1/registry/patients/{id}/unrestrict", null);
        var address = await client.PutAsJsonAsync($"/api/v1/registry/patients/{id}/addresses", new { address = $"travail.{_m}@employeur.example.com", kind = "employer", thirdPartyConsented = true });
        var remove = await client.PostAsJsonAsync($"/api/v1/registry/patients/{id}/addresses/remove", new { address = $"emilie.j.{_m}@example.com" });
        var history = await client.GetFromJsonAsync<JsonElement>($"/api/v1/registry/patients/{id}/history");
        var audit = await AuditOfAsync(id);

        Assert.Multiple(() =>
        {
            Assert.That(new[] { revoke, restrict, unrestrict, address, remove }.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(audit.Select(a => a.Event), Is.EquivalentTo(new[]
            {
                AuditEventType.PatientCreated, AuditEventType.AddressAdded, AuditEventType.ConsentRecorded, AuditEventType.ConsentRevoked,
                AuditEventType.PatientRestricted, AuditEventType.PatientUnrestricted, AuditEventType.AddressAdded, AuditEventType.AddressRemoved,
                AuditEventType.AddressUpdated, // the remaining address moved to position 0
            }));
            Assert.That(audit.Select(a => a.ActorObjectId), Is.All.Not.Null);
            var stored = string.Join("\n", audit.Select(a => a.DataJson)) + history.GetRawText();
            Assert.That(stored, Does.Not.Contain(_m), "no name, address or reason value in the audit chain or the history");
            Assert.That(history.GetProperty("changes").GetArrayLength(), Is.GreaterThanOrEqualTo(6));
        });
    }

    [TestCase("fr", "Adresse de courriel invalide.")]
    [TestCase("en", "Invalid e-mail address.")]
    public async Task Create_InvalidAddress_Localized400(string language, string message)
    {
        var client = _factory.ClientWithRoles(Admin);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        var response = await client.PostAsJsonAsync("/api/v1/registry/patients", NewPatient("k", address: "pas une adresse"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(problem.GetProperty("errors").GetRawText(), Does.Contain(message));
        });
    }

    [Test]
    public async Task Get_Unknown_404()
    {
        var response = await _factory.ClientWithRoles(Admin).GetAsync($"/api/v1/registry/patients/{_m}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private string Csv(params string[] rows) =>
        "\uFEFFclinic_patient_id;family_name;given_name;language;email;address_kind;third_party_consented;consent_status;consent_method;consent_date;consent_uses;consent_categories;sms_consent;restricted;declared_sensitive\n"
        + string.Join("\n", rows.Select(r => r.Replace("{m}", _m, StringComparison.Ordinal))) + "\n";

    private Task<HttpResponseMessage> ImportAsync(string csv, bool dryRun = false) =>
        _factory.ClientWithRoles(Admin).PostAsync("/api/v1/registry/import" + (dryRun ? "?dryRun=true" : ""), new StringContent(csv, Encoding.UTF8, "text/csv"));

    [Test]
    public async Task Import_SameFileTwice_SecondChangesNothing()
    {
        var csv = Csv(
            "{m}-1;Gagnon;Jean-François;fr;jf.{m}@gmail.com;personal;no;granted;signed_form;2025-01-15;appointments|normal_results;;no;no;",
            "{m}-1;Gagnon;Jean-François;fr;jf.{m}@employeur.example.com;employer;yes;granted;signed_form;2025-01-15;appointments|normal_results;;no;no;",
            "{m}-2;Roy;Sophie;en;sophie.{m}@example.com;personal;no;none;;;;;no;yes;mental_health|fausse couche");

        var dryResponse = await ImportAsync(csv, dryRun: true);
        Assert.That(dryResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK), await dryResponse.Content.ReadAsStringAsync());
        var dry = await dryResponse.Content.ReadFromJsonAsync<JsonElement>();
        var first = await (await ImportAsync(csv)).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await ImportAsync(csv)).Content.ReadFromJsonAsync<JsonElement>();
        var search = await (await _factory.ClientWithRoles(Admin).PostAsJsonAsync("/api/v1/registry/patients/search", new { clinicPatientId = $"{_m}-1" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That(dry.GetProperty("inserted").GetInt32(), Is.EqualTo(2));
            Assert.That(dry.GetProperty("written").GetBoolean(), Is.False);
            Assert.That(first.GetProperty("inserted").GetInt32(), Is.EqualTo(2));
            Assert.That(first.GetProperty("rows").GetInt32(), Is.EqualTo(3));
            Assert.That(second.GetProperty("unchanged").GetInt32(), Is.EqualTo(2));
            Assert.That(second.GetProperty("written").GetBoolean(), Is.False);
            Assert.That(search.GetProperty("patients")[0].GetProperty("addresses").GetArrayLength(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Import_BadRows_422EveryErrorAndNothingWritten()
    {
        var csv = Csv(
            "{m}-3;Roy;Luc;fr;luc.{m}@example.com;personal;no;granted;signed_form;2025-01-15;appointments;;no;no;",
            "{m}-4;Roy;Luc;de;pas-une-adresse;personal;no;granted;;15/01/2025;appointments;;maybe;no;",
            "{m}-5;Roy;Luc;fr;luc5.{m}@example.com;personal;no;granted;signed_form;2025-01-15;holidays;;no;no;");

        var response = await ImportAsync(csv);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = body.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("column").GetString())).ToList();
        var lookup = await (await _factory.ClientWithRoles(Admin).PostAsJsonAsync("/api/v1/registry/patients/search", new { clinicPatientId = $"{_m}-3" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(errors, Is.SupersetOf(new[] { (3, "language"), (3, "email"), (3, "consent_method"), (3, "consent_date"), (3, "sms_consent"), (4, "consent_uses") }));
            Assert.That(body.GetProperty("errors")[0].GetProperty("messageFr").GetString(), Is.Not.Empty);
            Assert.That(body.GetProperty("errors")[0].GetProperty("messageEn").GetString(), Is.Not.Empty);
            Assert.That(lookup.GetProperty("total").GetInt32(), Is.Zero, "one bad row: nothing of the file is written");
        });
    }

    [Test]
    public async Task Import_NotCsv_415()
    {
        var response = await _factory.ClientWithRoles(Admin).PostAsJsonAsync("/api/v1/registry/import", new { a = 1 });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }
}
