using System.Text.Json;
using ClinicMail.Application.Identity;

namespace ClinicMail.Functions.Tests.Worker;

/// <summary>Every HTTP function of the worker, invoked in process through its real DI and a real
/// HttpContext: the role rules of the local host (401 without a token, 403 in the wrong role, a
/// ProblemDetails for a bad body), and a success per area.</summary>
[NonParallelizable]
public sealed class WorkerRouteTests
{
    private const string Id = "pat_unknown";
    private WorkerHarness _worker = null!;

    /// <summary>Protected routes: method, a concrete path, and a role the route refuses.</summary>
    private static readonly (string Method, string Path, string WrongRole)[] Protected =
    [
        ("POST", "/api/v1/check", Roles.ComplianceReviewer),
        ("POST", "/api/v1/checks/chk_x/override", Roles.ClinicAdmin),
        ("GET", "/api/v1/audit/records", Roles.ClinicAdmin),
        ("GET", "/api/v1/audit/records/1", Roles.ClinicAdmin),
        ("GET", "/api/v1/audit/stats", Roles.ClinicAdmin),
        ("GET", "/api/v1/audit/export", Roles.ClinicAdmin),
        ("GET", "/api/v1/audit/verify", Roles.Physician),
        ("POST", "/api/v1/secure-messages", Roles.ClinicAdmin),
        ("GET", "/api/v1/secure-messages/sm_x", Roles.ClinicAdmin),
        ("POST", "/api/v1/secure-messages/sm_x/revoke", Roles.ComplianceReviewer),
        ("PUT", "/api/v1/secure-messages/sm_x/expiry", Roles.ClinicAdmin),
        ("POST", "/api/v1/registry/patients", Roles.Physician),
        ("POST", "/api/v1/registry/patients/search", Roles.ComplianceReviewer),
        ("GET", $"/api/v1/registry/patients/{Id}", Roles.ComplianceReviewer),
        ("PUT", $"/api/v1/registry/patients/{Id}", Roles.Physician),
        ("PUT", $"/api/v1/registry/patients/{Id}/addresses", Roles.Physician),
        ("POST", $"/api/v1/registry/patients/{Id}/addresses/remove", Roles.Physician),
        ("PUT", $"/api/v1/registry/patients/{Id}/consent", Roles.Physician),
        ("POST", $"/api/v1/registry/patients/{Id}/consent/revoke", Roles.Physician),
        ("POST", $"/api/v1/registry/patients/{Id}/restrict", Roles.Physician),
        ("POST", $"/api/v1/registry/patients/{Id}/unrestrict", Roles.Physician),
        ("GET", $"/api/v1/registry/patients/{Id}/history", Roles.Physician),
        ("GET", "/api/v1/registry/imports", Roles.Physician),
        ("POST", "/api/v1/registry/lookup", Roles.ComplianceReviewer),
        ("POST", "/api/v1/registry/import", Roles.Physician),
        ("GET", "/api/v1/consent/policy", Roles.ComplianceReviewer),
        ("GET", "/api/v1/consent/policy/versions/1", Roles.ComplianceReviewer),
        ("PUT", "/api/v1/consent/policy", Roles.Physician),
        ("POST", $"/api/v1/registry/patients/{Id}/consent-invitations", Roles.ComplianceReviewer),
        ("POST", $"/api/v1/registry/patients/{Id}/consent/verbal", Roles.Physician),
        ("GET", "/api/v1/registry/consent-attention", Roles.Physician),
        ("GET", "/api/v1/registry/look-alikes", Roles.Physician),
        ("GET", "/api/v1/mail/awaiting", Roles.ComplianceReviewer),
        ("GET", "/api/v1/record-filing", Roles.Physician),
        ("POST", "/api/v1/record-filing/fil_x/confirm", Roles.Physician),
        ("POST", "/api/v1/record-filing/fil_x/retry", Roles.ComplianceReviewer),
        ("POST", "/api/v1/record-filing/verify", Roles.ClinicAdmin),
    ];

    /// <summary>Routes with a JSON body and one that breaks a validation rule.</summary>
    private static readonly (string Method, string Path, string Role, string Body)[] Invalid =
    [
        ("POST", "/api/v1/check", Roles.Physician, """{"subject":"x","body":"y","to":[{"address":""}]}"""),
        ("POST", "/api/v1/checks/chk_x/override", Roles.Physician, """{"justificationCode":"nope","reasonCodes":[]}"""),
        ("POST", "/api/v1/secure-messages", Roles.Physician, """{"checkId":"","subject":"","body":"","recipients":[]}"""),
        ("PUT", "/api/v1/secure-messages/sm_x/expiry", Roles.Physician, """{"expiresInDays":-4}"""),
        ("POST", "/api/v1/registry/patients", Roles.ClinicAdmin, """{"clinicPatientId":"","addresses":[]}"""),
        ("POST", "/api/v1/registry/patients/search", Roles.ClinicAdmin, """{"limit":100000}"""),
        ("PUT", $"/api/v1/registry/patients/{Id}", Roles.ClinicAdmin, """{"clinicPatientId":"","addresses":[]}"""),
        ("PUT", $"/api/v1/registry/patients/{Id}/addresses", Roles.ClinicAdmin, """{"address":"not an address"}"""),
        ("POST", $"/api/v1/registry/patients/{Id}/addresses/remove", Roles.ClinicAdmin, """{"address":""}"""),
        ("PUT", $"/api/v1/registry/patients/{Id}/consent", Roles.ClinicAdmin, """{"status":"granted"}"""),
        ("POST", $"/api/v1/registry/patients/{Id}/restrict", Roles.ClinicAdmin, """{"reason":""}"""),
        ("POST", "/api/v1/registry/lookup", Roles.ClinicAdmin, """{"addresses":[]}"""),
        ("PUT", "/api/v1/consent/policy", Roles.ClinicAdmin, """{"responseDelayBusinessDays":40,"readBy":[]}"""),
        ("POST", $"/api/v1/registry/patients/{Id}/consent-invitations", Roles.ClinicAdmin, """{"address":"not an address"}"""),
        ("POST", $"/api/v1/registry/patients/{Id}/consent/verbal", Roles.ClinicAdmin, """{"policyVersion":1,"checklist":["risks"]}"""),
    ];

    [OneTimeSetUp]
    public async Task StartAsync() => _worker = await WorkerHarness.StartAsync();

    [OneTimeTearDown]
    public void Stop() => _worker.Dispose();

    [Test]
    public void ProtectedTable_CoversEveryFunctionThatIsNotAnonymous()
    {
        var anonymous = new HashSet<string>(StringComparer.Ordinal)
        {
            "Health", "Ready", "OpenApi", "SignInConfig", "AddinFiles", "SecureReader", "SecureReaderSendCode", "SecureReaderVerify", "SecureReaderAttachment", "SecureReaderReply", "SecureReaderStylesheet",
            "ConsentPage", "ConsentPageSendCode", "ConsentPageVerify", "ConsentPageSign", "ConsentPageWithdraw", "ConsentPageCopy",
            "MailNotifications", "MailLifecycle",
        };
        var covered = Protected.Select(p => _worker.SendAsync(p.Method, p.Path).GetAwaiter().GetResult().Function).ToHashSet(StringComparer.Ordinal);
        var all = FunctionsLayoutTests.HttpFunctions().Select(f => f.Name).Where(n => !anonymous.Contains(n));

        Assert.That(all.Where(n => !covered.Contains(n)), Is.Empty, "a protected function the 401/403 table does not exercise");
    }

    [TestCaseSource(nameof(ProtectedCases))]
    public async Task Function_WithoutToken_Is401Async(string method, string path, string wrongRole)
    {
        var response = await _worker.SendAsync(method, path, body: "{}");
        Assert.That(response.Status, Is.EqualTo(401), $"{response.Function}: {response.Body}");
        Assert.That(response.Headers.WWWAuthenticate.ToString(), Does.StartWith("Bearer"));
    }

    [TestCaseSource(nameof(ProtectedCases))]
    public async Task Function_InTheWrongRole_Is403Async(string method, string path, string wrongRole)
    {
        var response = await _worker.SendAsync(method, path, _worker.Token(wrongRole), body: "{}");
        Assert.That(response.Status, Is.EqualTo(403), $"{response.Function}: {response.Body}");
    }

    [TestCaseSource(nameof(InvalidCases))]
    public async Task Function_WithAnInvalidBody_IsAValidationProblemAsync(string method, string path, string role, string body)
    {
        var response = await _worker.SendAsync(method, path, _worker.Token(role), body, acceptLanguage: "en");
        Assert.That(response.Status, Is.EqualTo(400), $"{response.Function}: {response.Body}");
        Assert.That(response.ContentType, Does.StartWith("application/problem+json"));
        using var problem = JsonDocument.Parse(response.Body);
        Assert.That(problem.RootElement.GetProperty("code").GetString(), Is.EqualTo("validation"));
        Assert.That(problem.RootElement.GetProperty("errors").EnumerateObject(), Is.Not.Empty);
    }

    [Test]
    public async Task Function_WithMalformedJson_IsAProblemInTheCallersLanguageAsync()
    {
        var english = await _worker.SendAsync("POST", "/api/v1/check", _worker.Token(Roles.Physician), "{\"subject\":", acceptLanguage: "en");
        var french = await _worker.SendAsync("POST", "/api/v1/check", _worker.Token(Roles.Physician), "{\"subject\":", acceptLanguage: "fr-CA");

        Assert.That(english.Status, Is.EqualTo(400));
        Assert.That(JsonDocument.Parse(english.Body).RootElement.GetProperty("code").GetString(), Is.EqualTo("invalid_json"));
        Assert.That(JsonDocument.Parse(english.Body).RootElement.GetProperty("title").GetString(), Is.Not.EqualTo(JsonDocument.Parse(french.Body).RootElement.GetProperty("title").GetString()));
    }

    [Test]
    public async Task Function_OverTheBodyLimit_Is413NamingTheLimitAsync()
    {
        using var worker = await WorkerHarness.StartAsync(settings: new Dictionary<string, string?> { ["Limits:MaxCheckRequestBytes"] = "100" });
        var response = await worker.SendAsync("POST", "/api/v1/check", worker.Token(Roles.Physician), "{\"subject\":\"" + new string('x', 200) + "\"}");

        Assert.That(response.Status, Is.EqualTo(413));
        Assert.That(JsonDocument.Parse(response.Body).RootElement.GetProperty("limit").GetString(), Is.EqualTo("MaxCheckRequestBytes"));
    }

    [Test]
    public async Task Check_AsAPhysician_ReturnsARecordedDecisionAsync()
    {
        var response = await _worker.SendAsync("POST", "/api/v1/check", _worker.Token(Roles.Physician),
            """{"subject":"Rendez-vous","body":"Bonjour, votre rendez-vous est mardi.","to":[{"address":"collegue@clinique.med"}]}""");

        Assert.That(response.Status, Is.EqualTo(200), response.Body);
        using var body = JsonDocument.Parse(response.Body);
        Assert.That(body.RootElement.GetProperty("checkId").GetString(), Does.StartWith("chk_"));
        var audit = await _worker.SendAsync("GET", "/api/v1/audit/records?limit=5", _worker.Token(Roles.ComplianceReviewer));
        Assert.That(audit.Status, Is.EqualTo(200), audit.Body);
        Assert.That(audit.Body, Does.Contain(body.RootElement.GetProperty("checkId").GetString()!), "the decision is in the audit chain");
    }

    [Test]
    public async Task Registry_CreateThenReadThenSearch_SucceedsAsync()
    {
        var admin = _worker.Token(Roles.ClinicAdmin);
        var created = await _worker.SendAsync("POST", "/api/v1/registry/patients", admin,
            """{"clinicPatientId":"W-1","familyName":"Test","givenName":"Jeanne","addresses":[{"address":"jeanne.test@example.org"}]}""");
        Assert.That(created.Status, Is.EqualTo(201), created.Body);
        var id = JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetString()!;

        var read = await _worker.SendAsync("GET", $"/api/v1/registry/patients/{id}", _worker.Token(Roles.Physician));
        var history = await _worker.SendAsync("GET", $"/api/v1/registry/patients/{id}/history", admin);
        var missing = await _worker.SendAsync("GET", "/api/v1/registry/patients/pat_nobody", admin);

        Assert.That(read.Status, Is.EqualTo(200), read.Body);
        Assert.That(history.Status, Is.EqualTo(200), history.Body);
        Assert.That(missing.Status, Is.EqualTo(404));
        Assert.That(missing.ContentType, Does.StartWith("application/problem+json"));
    }

    [Test]
    public async Task SystemAndReaderFunctions_AnswerAnonymouslyAsync()
    {
        var health = await _worker.SendAsync("GET", "/api/health");
        var ready = await _worker.SendAsync("GET", "/api/ready");
        var css = await _worker.SendAsync("GET", "/secure-assets/reader.css");
        var reader = await _worker.SendAsync("GET", "/secure/not-a-real-token?lang=en");
        var review = await _worker.SendAsync("GET", "/review");

        Assert.That((health.Status, health.Body), Is.EqualTo((200, """{"status":"ok"}""")));
        Assert.That((ready.Status, ready.Body), Is.EqualTo((200, """{"status":"ready"}""")));
        Assert.That(css.Status, Is.EqualTo(200));
        Assert.That(reader.Status, Is.EqualTo(404).Or.EqualTo(400), "an unknown link is refused without a token check");
        Assert.That((review.Status, review.Headers.Location.ToString()), Is.EqualTo((302, "/review/")));
    }

    [Test]
    public async Task AuditQuery_WithAValueThatDoesNotParse_IsA400ProblemAsync()
    {
        var response = await _worker.SendAsync("GET", "/api/v1/audit/records?limit=many", _worker.Token(Roles.ComplianceReviewer));

        Assert.That(response.Status, Is.EqualTo(400), response.Body);
        Assert.That(response.ContentType, Does.StartWith("application/problem+json"));
    }

    private static IEnumerable<TestCaseData> ProtectedCases() =>
        Protected.Select(p => new TestCaseData(p.Method, p.Path, p.WrongRole).SetArgDisplayNames(p.Method, p.Path));

    private static IEnumerable<TestCaseData> InvalidCases() =>
        Invalid.Select(p => new TestCaseData(p.Method, p.Path, p.Role, p.Body).SetArgDisplayNames(p.Method, p.Path));
}
