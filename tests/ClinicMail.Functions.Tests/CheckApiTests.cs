using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClinicMail.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests;

/// <summary><c>POST /api/v1/check</c> and its override against the demo registry: decisions, the audit
/// record written before the answer, limits and errors as localised ProblemDetails.</summary>
public sealed class CheckApiTests
{
    private const string Physician = "Physician";
    private ClinicMailFactory _factory = null!;

    [OneTimeSetUp]
    public void Start() => _factory = new ClinicMailFactory();

    [OneTimeTearDown]
    public void Stop() => _factory.Dispose();

    [Test]
    public async Task Check_AppointmentToConsentedPatient_AllowsAndIsAuditedAsync()
    {
        using var client = _factory.ClientWithRoles(Physician);

        var response = await client.PostAsJsonAsync("/api/v1/check", Drafts.Appointment("marie.tremblay@videotron.ca"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.GetProperty("decision").GetString(), Is.EqualTo("allow"));
        var checkId = body.GetProperty("checkId").GetString()!;
        var record = await _factory.Services.GetRequiredService<IAuditReader>().FindByCheckIdAsync(checkId, AuditEventType.CheckPerformed);
        Assert.That(record, Is.Not.Null);
        Assert.That(record!.Decision, Is.EqualTo("allow"));
        Assert.That(record.DataJson, Does.Contain("demo-p01"), "the patient's registry id is audited");
    }

    [Test]
    public async Task Check_SensitiveTopicOutsideConsent_BlocksWithOverridableReasonAsync()
    {
        using var client = _factory.ClientWithRoles(Physician);

        var body = await CheckAsync(client, Drafts.StiResult("jf.gagnon@gmail.com"));

        Assert.That(body.GetProperty("decision").GetString(), Is.EqualTo("block"));
        var reason = Reasons(body).Single(r => r.GetProperty("code").GetString() == "TOPIC_OUTSIDE_CONSENT");
        Assert.That(reason.GetProperty("overridable").GetBoolean(), Is.True);
        Assert.That(reason.GetProperty("message").GetProperty("fr").GetString(), Is.Not.Empty);
        Assert.That(reason.GetProperty("message").GetProperty("en").GetString(), Is.Not.Empty);
        Assert.That(body.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("category").GetString()), Does.Contain("sexual_health"));
    }

    [Test]
    public async Task Override_OverridableReasons_IsRecordedAndLeavesSecureDeliveryAsync()
    {
        using var client = _factory.ClientWithRoles(Physician);
        var check = await CheckAsync(client, Drafts.StiResult("jf.gagnon@gmail.com"));
        var checkId = check.GetProperty("checkId").GetString();

        var response = await client.PostAsJsonAsync($"/api/v1/checks/{checkId}/override",
            new { justificationCode = "patient_request", justification = "Le patient a demandé ses résultats par courriel." });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.GetProperty("overridden").EnumerateArray().Select(e => e.GetString()), Does.Contain("TOPIC_OUTSIDE_CONSENT"));
        Assert.That(body.GetProperty("remaining").EnumerateArray().Select(e => e.GetString()), Does.Contain("SECURE_DELIVERY_REQUIRED"),
            "an override never lifts the encryption requirement: the fix is to send securely");
        var record = await _factory.Services.GetRequiredService<IAuditReader>().FindByCheckIdAsync(checkId!, AuditEventType.OverrideRecorded);
        Assert.That(record!.DataJson, Does.Contain("patient_request"));
        Assert.That(record.DataJson, Does.Not.Contain("demandé ses résultats"), "the free text stays out of the chain");
    }

    [Test]
    public async Task Override_NonOverridableReason_Is409AndAuditedAsync()
    {
        using var client = _factory.ClientWithRoles(Physician);
        var check = await CheckAsync(client, Drafts.Appointment("luc.cote@example.org"));
        var checkId = check.GetProperty("checkId").GetString();

        var response = await client.PostAsJsonAsync($"/api/v1/checks/{checkId}/override",
            new { justificationCode = "other", justification = "Je veux envoyer quand même.", reasonCodes = new[] { "CONSENT_MISSING" } });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(problem.GetProperty("notOverridable").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "CONSENT_MISSING" }));
        Assert.That(await _factory.Services.GetRequiredService<IAuditReader>().FindByCheckIdAsync(checkId!, AuditEventType.OverrideRefused), Is.Not.Null);
    }

    [Test]
    public async Task Override_AnotherPhysiciansCheck_Is404Async()
    {
        using var mine = _factory.ClientWithRoles(Physician);
        var check = await CheckAsync(mine, Drafts.StiResult("jf.gagnon@gmail.com"));
        using var other = _factory.ClientWithToken(_factory.Issuer.Mint(new Infrastructure.Identity.TokenRequest { Roles = [Physician], ObjectId = Guid.NewGuid().ToString() }));

        var response = await other.PostAsJsonAsync($"/api/v1/checks/{check.GetProperty("checkId").GetString()}/override",
            new { justificationCode = "clinical_necessity", justification = "Situation exceptionnelle documentée." });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Check_TooManyRecipients_Is400NamingTheLimitAsync()
    {
        using var client = _factory.ClientWithRoles(Physician);
        var draft = new { subject = "s", body = "b", to = Enumerable.Range(0, 501).Select(i => $"p{i}@example.com").ToArray() };

        var response = await client.PostAsJsonAsync("/api/v1/check", draft);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("errors").ToString(), Does.Contain("MaxRecipients"));
    }

    [Test]
    public async Task Check_BodyOverTheRequestLimit_Is413NamingTheLimitAsync()
    {
        using var client = _factory.ClientWithRoles(Physician);
        using var content = new StringContent(JsonSerializer.Serialize(new { subject = "s", body = new string('a', 1_100_000) }), Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/api/v1/check", content);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(problem.GetProperty("limit").GetString(), Is.EqualTo("MaxCheckRequestBytes"));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
    }

    [TestCase("fr-CA", "La requête contient des erreurs.")]
    [TestCase("en-US", "The request has errors.")]
    public async Task Check_InvalidDraft_ProblemIsInTheCallersLanguageAsync(string language, string title)
    {
        using var client = _factory.ClientWithRoles(Physician);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        var response = await client.PostAsJsonAsync("/api/v1/check", new { subject = new string('x', 1_001), body = "" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo(title));
    }

    [Test]
    public async Task Check_MalformedJson_Is400WithThePathAsync()
    {
        using var client = _factory.ClientWithRoles(Physician);
        using var content = new StringContent("{\"subject\":\"s\",\"to\":[42]}", Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/api/v1/check", content);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("invalid_json"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("$.to[0]"));
    }

    [Test]
    public async Task Check_AuditStoreFailing_Is503AndReturnsNoDecisionAsync()
    {
        using var factory = new ClinicMailFactory();
        using var client = factory.ClientWithRoles(Physician);
        await CheckAsync(client, Drafts.Appointment("marie.tremblay@videotron.ca"));
        await ExecuteOnDatabaseAsync(factory, "DROP TABLE audit_records");

        var response = await client.PostAsJsonAsync("/api/v1/check", Drafts.Appointment("marie.tremblay@videotron.ca"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(text, Does.Contain("audit_unavailable"));
        Assert.That(text, Does.Not.Contain("\"decision\""));
    }

    [Test]
    public async Task Check_RegistryUnreadable_Is503AndTheFailureIsAuditedAsync()
    {
        using var factory = new ClinicMailFactory();
        using var client = factory.ClientWithRoles(Physician);
        await CheckAsync(client, Drafts.Appointment("marie.tremblay@videotron.ca"));
        // The registry's tables disappear (a botched restore, say); the audit tables stay.
        await ExecuteOnDatabaseAsync(factory, "PRAGMA foreign_keys = OFF; DROP TABLE patient_addresses;");

        var response = await client.PostAsJsonAsync("/api/v1/check", Drafts.Appointment("marie.tremblay@videotron.ca"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(text, Does.Contain("registry_unavailable"));
        Assert.That(text, Does.Not.Contain("\"decision\""), "nothing was decided");
        var failures = new List<AuditRecord>();
        await foreach (var record in factory.Services.GetRequiredService<IAuditReader>().ReadAllAsync())
        {
            if (record.Event == AuditEventType.CheckFailed)
            {
                failures.Add(record);
            }
        }

        Assert.That(failures.Single().DataJson, Does.Contain("registry_unavailable"));
    }

    [Test]
    public async Task Check_ConcurrentRequests_ChainHasNoGapsOrForksAsync()
    {
        // Forty at once from one caller: the per-user concurrency guard is raised, the chain is what is tested.
        using var factory = new ClinicMailFactory(new Dictionary<string, string?> { ["RequestGuards:ConcurrentRequestsPerUser"] = "100" });
        using var client = factory.ClientWithRoles(Physician);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.PostAsJsonAsync("/api/v1/check", Drafts.Appointment("marie.tremblay@videotron.ca"))));
        var records = new List<AuditRecord>();
        await foreach (var record in factory.Services.GetRequiredService<IAuditReader>().ReadAllAsync())
        {
            records.Add(record);
        }

        var verification = AuditChain.Verify(records);
        Assert.That(verification.Ok, Is.True, $"broken at {verification.BrokenAt}: {verification.Problem}");
        Assert.That(records.Count(r => r.Event == AuditEventType.CheckPerformed), Is.EqualTo(40));
    }

    /// <summary>Breaks the app's own SQLite file from outside, as an operator's mistake would.</summary>
    private static async Task ExecuteOnDatabaseAsync(ClinicMailFactory factory, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed statements written in this file, never input.
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<JsonElement> CheckAsync(HttpClient client, object draft)
    {
        var response = await client.PostAsJsonAsync("/api/v1/check", draft);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        return body;
    }

    private static IEnumerable<JsonElement> Reasons(JsonElement body) => body.GetProperty("reasons").EnumerateArray();
}

/// <summary>Drafts a physician of the demo clinic would write (demo registry: docs/demo-registry.md).</summary>
internal static class Drafts
{
    public const string Signature = "Cordialement,\n\nDre Isabelle Tremblay, M.D.\nMédecine familiale\n514 555-0100";

    public static object Appointment(string to) => new
    {
        from = "dre.tremblay@clinique.med",
        subject = "Confirmation de rendez-vous",
        body = $"Bonjour,\n\nVotre rendez-vous de suivi est confirmé pour mardi à 9 h 30.\n\n{Signature}",
        to = new[] { to },
    };

    public static object StiResult(string to) => new
    {
        from = "dre.tremblay@clinique.med",
        subject = "Vos résultats",
        body = $"Bonjour,\n\nVotre test de dépistage ITSS est positif pour la chlamydia; un traitement d'azithromycine est prescrit.\n\n{Signature}",
        to = new[] { to },
    };
}
