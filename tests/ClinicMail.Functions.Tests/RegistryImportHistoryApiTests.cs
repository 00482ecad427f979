using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ClinicMail.Functions.Tests;

/// <summary><c>GET /api/v1/registry/imports</c> (the clinic page's last imports) through the real
/// app: written imports only, newest first, counts and ids only; ClinicAdmin only; a bad limit is a
/// localized 400 ProblemDetails.</summary>
public sealed class RegistryImportHistoryApiTests
{
    private ClinicMailFactory _factory = null!;

    [OneTimeSetUp]
    public void Start() => _factory = new ClinicMailFactory();

    [OneTimeTearDown]
    public void Stop() => _factory.Dispose();

    private static string Csv(string m, int patients) =>
        "clinic_patient_id;family_name;given_name;language;email;address_kind;third_party_consented;consent_status;consent_method;consent_date;consent_uses;consent_categories;sms_consent;restricted;declared_sensitive\n"
        + string.Join("\n", Enumerable.Range(1, patients).Select(i => $"{m}-{i};Lavoie;Rémi;fr;remi{i}.{m}@example.com;personal;no;granted;signed_form;2025-01-15;appointments;;no;no;")) + "\n";

    private Task<HttpResponseMessage> ImportAsync(string csv, bool dryRun = false) =>
        _factory.ClientWithRoles("ClinicAdmin").PostAsync("/api/v1/registry/import" + (dryRun ? "?dryRun=true" : ""), new StringContent(csv, Encoding.UTF8, "text/csv"));

    [Test]
    public async Task WrittenImports_NewestFirst_CountsOnly_DryRunsLeftOut()
    {
        var m = "h" + Guid.NewGuid().ToString("N")[..10];
        Assert.That((await ImportAsync(Csv(m, 2))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ImportAsync(Csv(m, 3))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ImportAsync(Csv(m + "x", 4), dryRun: true)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var response = await _factory.ClientWithRoles("ClinicAdmin").GetAsync("/api/v1/registry/imports?limit=2");
        var text = await response.Content.ReadAsStringAsync();
        var imports = JsonDocument.Parse(text).RootElement.GetProperty("imports");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
            Assert.That(imports.GetArrayLength(), Is.EqualTo(2));
            Assert.That(imports[0].GetProperty("rows").GetInt32(), Is.EqualTo(3), "newest first; the dry run is not listed");
            Assert.That(imports[0].GetProperty("inserted").GetInt32(), Is.EqualTo(1));
            Assert.That(imports[0].GetProperty("unchanged").GetInt32(), Is.EqualTo(2));
            Assert.That(imports[1].GetProperty("inserted").GetInt32(), Is.EqualTo(2));
            Assert.That(imports[0].GetProperty("sequence").GetInt64(), Is.GreaterThan(imports[1].GetProperty("sequence").GetInt64()));
            Assert.That(text, Does.Not.Contain("Lavoie").And.Not.Contain("example.com"), "counts and ids only");
        });
    }

    [TestCase("Physician")]
    [TestCase("ComplianceReviewer")]
    public async Task OtherRoles_403(string role)
    {
        var response = await _factory.ClientWithRoles(role).GetAsync("/api/v1/registry/imports");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("0", "fr", "limit va de 1 à 50.")]
    [TestCase("51", "en", "limit is from 1 to 50.")]
    public async Task BadLimit_Localized400Problem(string limit, string language, string detail)
    {
        var client = _factory.ClientWithRoles("ClinicAdmin");
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        var response = await client.GetAsync($"/api/v1/registry/imports?limit={limit}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("validation"));
            Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo(detail));
            Assert.That(problem.GetProperty("errors").GetProperty("limit").GetArrayLength(), Is.EqualTo(1));
        });
    }
}
