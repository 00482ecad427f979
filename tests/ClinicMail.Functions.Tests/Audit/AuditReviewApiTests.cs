using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClinicMail.Application.Identity;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests.Audit;

/// <summary>The reviewer API through the real app: roles, filters, pagination, exports, verification.
/// Each test writes its own records under its own physician ids, so no test depends on another's data.</summary>
public sealed class AuditReviewApiTests
{
    private ClinicMailFactory _factory = null!;

    [OneTimeSetUp]
    public void Start()
    {
        // The background checkpoint service is tested on its own (AuditMaintenanceTests); here it would
        // add records at unpredictable moments.
        _factory = new ClinicMailFactory(new Dictionary<string, string?> { ["Audit:RunMaintenance"] = "false" });
        _ = _factory.Server;
    }

    [OneTimeTearDown]
    public void Stop() => _factory.Dispose();

    [Test]
    public async Task Records_Reviewer_SeesEveryPhysiciansRecords()
    {
        var (a, b) = (NewOid(), NewOid());
        await WriteChecksAsync(a, 3);
        await WriteChecksAsync(b, 2);
        using var reviewer = _factory.ClientWithRoles(Roles.ComplianceReviewer);

        var mine = await PageAsync(reviewer, $"physician={a}");
        var theirs = await PageAsync(reviewer, $"physician={DevelopmentIssuer.TenantId}/{b}");

        Assert.That(mine.Items.Select(i => i.ActorObjectId), Is.EqualTo(new[] { a, a, a }));
        Assert.That(theirs.Items.Select(i => i.ActorObjectId), Is.EqualTo(new[] { b, b }));
        Assert.That(mine.ScopedToCaller, Is.False);
    }

    [Test]
    public async Task Records_Physician_SeesOnlyOwnRecordsWhateverTheFilter()
    {
        var (me, other) = (NewOid(), NewOid());
        await WriteChecksAsync(me, 2);
        await WriteChecksAsync(other, 4);
        using var physician = ClientFor(me, Roles.Physician);

        var own = await PageAsync(physician, "limit=500");
        var snooping = await PageAsync(physician, $"physician={other}");

        Assert.That(own.Items, Has.Count.EqualTo(2));
        Assert.That(own.Items.Select(i => i.ActorObjectId), Is.All.EqualTo(me));
        Assert.That(own.ScopedToCaller, Is.True);
        Assert.That(snooping.Items.Select(i => i.ActorObjectId), Is.All.EqualTo(me), "the caller's identity replaces the physician filter");
    }

    [Test]
    public async Task Record_PhysicianAsksForAnotherPhysiciansRecord_NotFoundLikeAMissingOne()
    {
        var other = NewOid();
        var records = await WriteChecksAsync(other, 1);
        using var physician = ClientFor(NewOid(), Roles.Physician);

        var theirs = await physician.GetAsync($"/api/v1/audit/records/{records[0].Sequence}");
        var missing = await physician.GetAsync("/api/v1/audit/records/999999999");

        Assert.That(theirs.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("/api/v1/audit/records")]
    [TestCase("/api/v1/audit/stats")]
    [TestCase("/api/v1/audit/export?format=csv")]
    [TestCase("/api/v1/audit/verify")]
    public async Task AuditRoutes_ClinicAdmin_Forbidden(string route)
    {
        using var admin = _factory.ClientWithRoles(Roles.ClinicAdmin);
        using var anonymous = _factory.CreateClient();

        Assert.That((await admin.GetAsync(route)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await anonymous.GetAsync(route)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Verify_Physician_Forbidden()
    {
        using var physician = _factory.ClientWithRoles(Roles.Physician);

        Assert.That((await physician.GetAsync("/api/v1/audit/verify")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Records_PagedWhileNewRecordsArrive_EveryRecordOnceInStableOrder()
    {
        var oid = NewOid();
        var written = await WriteChecksAsync(oid, 23);
        using var reviewer = _factory.ClientWithRoles(Roles.ComplianceReviewer);

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await PageAsync(reviewer, $"physician={oid}&limit=5" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.Items.Select(i => i.Seq));
            cursor = page.Next;
            pages++;
            // New records land between pages: newest-first paging must not repeat or skip the old ones.
            await WriteChecksAsync(oid, 1);
        }
        while (cursor is not null && pages < 20);

        Assert.That(seen, Is.EqualTo(written.Select(r => r.Sequence).OrderDescending().ToList()));
        Assert.That(pages, Is.EqualTo(5));
    }

    [Test]
    public async Task Records_AscendingOrder_SameRecordsOldestFirst()
    {
        var oid = NewOid();
        var written = await WriteChecksAsync(oid, 4);
        using var reviewer = _factory.ClientWithRoles(Roles.ComplianceReviewer);

        var page = await PageAsync(reviewer, $"physician={oid}&order=asc");

        Assert.That(page.Items.Select(i => i.Seq), Is.EqualTo(written.Select(r => r.Sequence)));
    }

    [TestCase("cursor=not-a-cursor", "cursor")]
    [TestCase("limit=0", "limit")]
    [TestCase("decision=maybe", "decision")]
    [TestCase("event=42", "event")]
    [TestCase("from=2025-02-01&to=2025-01-01", "to")]
    public async Task Records_InvalidQuery_ProblemNamesTheParameterInFrench(string query, string parameter)
    {
        using var reviewer = _factory.ClientWithRoles(Roles.ComplianceReviewer);
        reviewer.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("fr-CA"));

        var response = await reviewer.GetAsync("/api/v1/audit/records?" + query);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("parameter").GetString(), Is.EqualTo(parameter));
        Assert.That(problem.GetProperty("title").GetString(), Does.Contain("erreurs"));
    }

    [Test]
    public async Task Records_EachFilter_SelectsExactlyTheMatchingRecords()
    {
        var oid = NewOid();
        var patient = "P-" + Guid.NewGuid().ToString("N")[..8];
        var writer = _factory.Services.GetRequiredService<IAuditWriter>();
        var checkA = await writer.AppendAsync(Check(oid, "block", [patient], ["CONSENT_MISSING"], ["mental_health"], ["CONSENT_MISSING"]));
        var checkB = await writer.AppendAsync(Check(oid, "warn", ["P-other"], ["ETIQUETTE"], [], []));
        var checkC = await writer.AppendAsync(Check(oid, "allow", [patient], [], ["oncology"], []));
        var overrideA = await writer.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.OverrideRecorded,
            ActorTenantId = DevelopmentIssuer.TenantId,
            ActorObjectId = oid,
            CheckId = checkA.CheckId,
            SubjectId = "ovr_" + Guid.NewGuid().ToString("N"),
            Decision = "allow",
            Data = new Dictionary<string, object?> { ["overriddenCodes"] = new[] { "CONSENT_MISSING" }, ["justificationCode"] = "patient_request" },
        });
        using var reviewer = _factory.ClientWithRoles(Roles.ComplianceReviewer);

        async Task<List<long>> Seqs(string query) =>
            [.. (await PageAsync(reviewer, $"physician={oid}&order=asc&{query}")).Items.Select(i => i.Seq)];

        Assert.That(await Seqs($"patient={patient}"), Is.EqualTo(new[] { checkA.Sequence, checkC.Sequence }));
        Assert.That(await Seqs("decision=block"), Is.EqualTo(new[] { checkA.Sequence }));
        Assert.That(await Seqs("reason=consent_missing"), Is.EqualTo(new[] { checkA.Sequence, overrideA.Sequence }));
        Assert.That(await Seqs("category=oncology"), Is.EqualTo(new[] { checkC.Sequence }));
        Assert.That(await Seqs("override=true"), Is.EqualTo(new[] { checkA.Sequence, overrideA.Sequence }));
        Assert.That(await Seqs("override=false"), Is.EqualTo(new[] { checkB.Sequence, checkC.Sequence }));
        Assert.That(await Seqs("event=1100"), Is.EqualTo(new[] { overrideA.Sequence }));
        var from = checkB.At;
        var to = checkC.At.AddMilliseconds(1);
        var inPeriod = new[] { checkA, checkB, checkC }.Where(r => r.At >= from && r.At < to).Select(r => r.Sequence).ToList();
        Assert.That(await Seqs($"from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}&event=1000"),
            Is.EqualTo(inPeriod));
        Assert.That(inPeriod, Does.Contain(checkB.Sequence).And.Contain(checkC.Sequence));
        Assert.That(await Seqs("from=2000-01-01&to=2000-01-02"), Is.Empty);
    }

    [Test]
    public async Task Stats_CountDecisionsReasonsAndOverridesOfTheFilter()
    {
        var oid = NewOid();
        var writer = _factory.Services.GetRequiredService<IAuditWriter>();
        await writer.AppendAsync(Check(oid, "block", ["P-1"], ["CONSENT_MISSING"], ["mental_health"], []));
        await writer.AppendAsync(Check(oid, "block", ["P-2"], ["CONSENT_MISSING", "BULK_VISIBLE"], ["mental_health"], []));
        await writer.AppendAsync(Check(oid, "allow", ["P-3"], [], [], []));
        await writer.AppendAsync(new AuditEntry { Event = AuditEventType.OverrideRecorded, ActorTenantId = DevelopmentIssuer.TenantId, ActorObjectId = oid, CheckId = "chk_x" });
        using var reviewer = _factory.ClientWithRoles(Roles.ComplianceReviewer);

        var stats = await reviewer.GetFromJsonAsync<JsonElement>($"/api/v1/audit/stats?physician={oid}");

        var day = stats.GetProperty("decisionsPerDay").EnumerateArray().Single();
        Assert.That((day.GetProperty("allow").GetInt64(), day.GetProperty("warn").GetInt64(), day.GetProperty("block").GetInt64()), Is.EqualTo((1L, 0L, 2L)));
        var reasons = stats.GetProperty("topReasons").EnumerateArray().Select(r => (r.GetProperty("code").GetString(), r.GetProperty("count").GetInt64())).ToList();
        Assert.That(reasons, Is.EqualTo(new[] { ("CONSENT_MISSING", 2L), ("BULK_VISIBLE", 1L) }));
        Assert.That(stats.GetProperty("overridesByPhysician").EnumerateArray().Single().GetProperty("code").GetString(), Is.EqualTo($"{DevelopmentIssuer.TenantId}/{oid}"));
        Assert.That(stats.GetProperty("categoriesPerDay").EnumerateArray().Single().GetProperty("count").GetInt64(), Is.EqualTo(2));
    }

    [Test]
    public async Task Export_Csv_OneRowPerMatchingRecordWithTheStoredFields()
    {
        var oid = NewOid();
        var written = await WriteChecksAsync(oid, 6);
        using var reviewer = _factory.ClientWithRoles(Roles.ComplianceReviewer);

        var response = await reviewer.GetAsync($"/api/v1/audit/export?format=csv&physician={oid}");
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        Assert.That(response.Content.Headers.ContentDisposition!.FileName, Does.EndWith(".csv"));
        Assert.That(lines[0], Is.EqualTo(string.Join(',', AuditExportWriter.Columns)));
        Assert.That(lines, Has.Length.EqualTo(7));
        Assert.That(lines.Skip(1).Select(l => long.Parse(l[..l.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture)),
            Is.EqualTo(written.Select(r => r.Sequence)));
        Assert.That(lines[1], Does.EndWith("," + written[0].Hash));
    }

    [Test]
    public async Task Export_JsonLines_EveryLineRehashesToItsStoredHash()
    {
        var oid = NewOid();
        await WriteChecksAsync(oid, 5);
        using var reviewer = _factory.ClientWithRoles(Roles.ComplianceReviewer);

        var body = await reviewer.GetStringAsync($"/api/v1/audit/export?format=jsonl&physician={oid}");
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines, Has.Length.EqualTo(5));
        foreach (var line in lines)
        {
            // An export can be re-verified outside ClinicMail: the fields are the hashed ones.
            using var json = JsonDocument.Parse(line);
            var r = json.RootElement;
            var record = new AuditRecord
            {
                Sequence = r.GetProperty("seq").GetInt64(),
                At = DateTimeOffset.Parse(r.GetProperty("at").GetString()!, CultureInfo.InvariantCulture),
                Event = (AuditEventType)r.GetProperty("event").GetInt32(),
                ActorTenantId = r.GetProperty("actor_tid").GetString(),
                ActorObjectId = r.GetProperty("actor_oid").GetString(),
                CheckId = r.GetProperty("check_id").GetString(),
                SubjectId = r.GetProperty("subject_id").GetString(),
                Decision = r.GetProperty("decision").GetString(),
                DataJson = r.GetProperty("data").GetRawText(),
                PreviousHash = r.GetProperty("prev_hash").GetString()!,
                Hash = r.GetProperty("hash").GetString()!,
            };
            Assert.That(AuditChain.ComputeHash(record), Is.EqualTo(record.Hash));
        }
    }

    [Test]
    public async Task Export_IsAuditedWithTheFilterShapeOnlyAndCoveredByACheckpoint()
    {
        var oid = NewOid();
        var patient = "P-" + Guid.NewGuid().ToString("N");
        await WriteChecksAsync(oid, 2);
        using var reviewer = ClientFor(NewOid(), Roles.ComplianceReviewer, out var reviewerOid);

        var export = await reviewer.GetAsync($"/api/v1/audit/export?format=jsonl&physician={oid}&patient={patient}&decision=block");
        await export.Content.ReadAsStringAsync();

        var exported = (await PageAsync(reviewer, $"physician={reviewerOid}&event={(int)AuditEventType.AuditExported}")).Items.Single();
        Assert.That(exported.Data.GetProperty("format").GetString(), Is.EqualTo("jsonl"));
        Assert.That(exported.Data.GetProperty("filterShape").EnumerateArray().Select(e => e.GetString()), Is.EquivalentTo(new[] { "physician", "patient", "decision" }));
        Assert.That(exported.Data.GetRawText(), Does.Not.Contain(patient).And.Not.Contain(oid), "values never enter the chain, only the filter's shape");
        var checkpoint = exported.Data.GetProperty("coveredByCheckpoint").GetInt64();
        Assert.That(checkpoint, Is.GreaterThan(0));
        var checkpoints = await _factory.Services.GetRequiredService<IAuditReviewStore>().ReadCheckpointsAsync();
        Assert.That(checkpoints.Select(c => c.Sequence), Does.Contain(checkpoint));
    }

    [Test]
    public async Task Verify_Reviewer_IntactAndTheVerificationIsAudited()
    {
        using var reviewer = ClientFor(NewOid(), Roles.ComplianceReviewer, out var oid);
        await WriteChecksAsync(NewOid(), 3);

        var result = await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");

        Assert.That(result.GetProperty("ok").GetBoolean(), Is.True, result.ToString());
        Assert.That(result.GetProperty("recordsVerified").GetInt64(), Is.GreaterThanOrEqualTo(3));
        Assert.That(result.GetProperty("message").GetString(), Does.StartWith("Journal intact").Or.StartWith("Log intact"));
        var audited = (await PageAsync(reviewer, $"physician={oid}&event={(int)AuditEventType.AuditVerified}")).Items.Single();
        Assert.That(audited.Data.GetProperty("ok").GetBoolean(), Is.True);
    }

    [Test]
    public async Task Record_Override_ShowsJustificationTextAndThatItMatchesTheChain()
    {
        var oid = NewOid();
        using var physician = ClientFor(oid, Roles.Physician);
        var check = await _factory.Services.GetRequiredService<IAuditWriter>().AppendAsync(Check(oid, "block", ["P-1"], ["CONSENT_MISSING"], [], ["CONSENT_MISSING"]));
        var overridden = await physician.PostAsJsonAsync($"/api/v1/checks/{check.CheckId}/override",
            new { justificationCode = "patient_request", justification = "La patiente l'a demandé par écrit." });
        Assert.That(overridden.StatusCode, Is.EqualTo(HttpStatusCode.OK), await overridden.Content.ReadAsStringAsync());
        var overrideRecord = (await PageAsync(physician, $"event={(int)AuditEventType.OverrideRecorded}")).Items.Single();

        var detail = await physician.GetFromJsonAsync<JsonElement>($"/api/v1/audit/records/{overrideRecord.Seq}");

        var justification = detail.GetProperty("justification");
        Assert.That(justification.GetProperty("code").GetString(), Is.EqualTo("patient_request"));
        Assert.That(justification.GetProperty("text").GetString(), Is.EqualTo("La patiente l'a demandé par écrit."));
        Assert.That(justification.GetProperty("matchesChain").GetBoolean(), Is.True);
    }

    [Test]
    public async Task ReviewPage_ServedWithoutTokenWithAStrictContentSecurityPolicy()
    {
        using var anonymous = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var redirect = await anonymous.GetAsync("/review");
        var page = await anonymous.GetAsync("/review/");
        var script = await anonymous.GetAsync("/review/review.js");

        Assert.That(redirect.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'self'"));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("review.js"));
        Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    internal static AuditEntry Check(string oid, string decision, string[] patients, string[] reasons, string[] categories, string[] overridable) => new()
    {
        Event = AuditEventType.CheckPerformed,
        ActorTenantId = DevelopmentIssuer.TenantId,
        ActorObjectId = oid,
        CheckId = "chk_" + Guid.CreateVersion7().ToString("N"),
        Decision = decision,
        Data = new Dictionary<string, object?>
        {
            ["patientIds"] = patients,
            ["reasonCodes"] = reasons,
            ["categories"] = categories,
            ["overridableCodes"] = overridable,
            ["blockingCodes"] = overridable,
        },
    };

    private async Task<List<AuditRecord>> WriteChecksAsync(string oid, int count)
    {
        var writer = _factory.Services.GetRequiredService<IAuditWriter>();
        var records = new List<AuditRecord>();
        for (var i = 0; i < count; i++)
        {
            records.Add(await writer.AppendAsync(Check(oid, (i % 3) switch { 0 => "allow", 1 => "warn", _ => "block" }, ["P-" + i.ToString(CultureInfo.InvariantCulture)], [], [], [])));
        }

        return records;
    }

    private HttpClient ClientFor(string oid, string role) => ClientFor(oid, role, out _);

    private HttpClient ClientFor(string oid, string role, out string objectId)
    {
        objectId = oid;
        return _factory.ClientWithToken(_factory.Issuer.Mint(new TokenRequest { Roles = [role], ObjectId = oid }));
    }

    private static string NewOid() => Guid.NewGuid().ToString();

    private static async Task<Page> PageAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/audit/records?" + query);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Page>(Json))!;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Page(List<Item> Items, string? Next, bool ScopedToCaller);

    private sealed record Item(long Seq, DateTimeOffset At, int Event, string? ActorObjectId, string? CheckId, string? Decision, JsonElement Data, string Hash);
}
