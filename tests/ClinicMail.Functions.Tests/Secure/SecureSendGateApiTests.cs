using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static ClinicMail.Functions.Tests.Secure.SecureTestKit;

namespace ClinicMail.Functions.Tests.Secure;

/// <summary>Issue 17, defect 1: « Send securely » satisfies SECURE_DELIVERY_REQUIRED and nothing else, and
/// sends only the content that was checked.</summary>
[TestFixture]
public sealed class SecureSendGateApiTests
{
    [Test]
    public async Task Create_CheckBlockedForATopicOutsideConsent_RefusedUntilOverriddenAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var checkId = await CheckIdAsync(factory, blockingCodes: ["TOPIC_OUTSIDE_CONSENT", "SECURE_DELIVERY_REQUIRED"]);

        var response = await physician.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, [Marie]));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("blocking_reasons_unresolved"));
        Assert.That(problem.GetProperty("unresolved").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "TOPIC_OUTSIDE_CONSENT" }));
    }

    [Test]
    public async Task Create_ChangedBodyOrUncheckedRecipient_RefusedAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var checkId = await CheckIdAsync(factory);

        var changed = await physician.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, [Marie], body: "Autre contenu, jamais vérifié."));
        var stranger = await physician.PostAsJsonAsync("/api/v1/secure-messages", Request(checkId, ["autre.patient@gmail.com"]));

        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(JsonDocument.Parse(await changed.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString(), Is.EqualTo("draft_changed"));
        Assert.That(stranger.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(JsonDocument.Parse(await stranger.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString(), Is.EqualTo("recipient_not_checked"));
    }

    /// <summary>The task pane's « Send securely » as it runs (issue 17, known defect 1): the draft is checked by
    /// <c>POST /api/v1/check</c> exactly as the pane reads it from Outlook (HTML body, sender, display names, a file
    /// attachment with its content), and the secure send carries the same subject, body and attachment. The
    /// fingerprints agree; what refuses the sandbox's blocked draft is its other blocking reason, which the
    /// physician must justify first (on the previous check of the same content) — never a draft_changed.</summary>
    [Test]
    public async Task Create_AfterRealChecksOfThePanesDraft_RefusesTheUnjustifiedTopicThenAcceptsAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var draft = PaneDraft(PaneBody);

        var first = await RealCheckAsync(physician, draft);
        var unjustified = await physician.PostAsJsonAsync("/api/v1/secure-messages", PaneRequest(first, PaneBody));
        var problem = JsonDocument.Parse(await unjustified.Content.ReadAsStringAsync()).RootElement;
        var justified = await physician.PostAsJsonAsync($"/api/v1/checks/{first.GetProperty("checkId").GetString()}/override",
            new { justificationCode = "patient_request", justification = "Le patient a demandé ses résultats par courriel." });
        var second = await RealCheckAsync(physician, draft);
        var sent = await physician.PostAsJsonAsync("/api/v1/secure-messages",
            PaneRequest(second, PaneBody, overrideCheckId: first.GetProperty("checkId").GetString()));

        Assert.That(unjustified.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("blocking_reasons_unresolved"), "the content is the checked content");
        Assert.That(problem.GetProperty("unresolved").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "TOPIC_OUTSIDE_CONSENT" }));
        Assert.That(justified.StatusCode, Is.EqualTo(HttpStatusCode.OK), await justified.Content.ReadAsStringAsync());
        Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.Created), await sent.Content.ReadAsStringAsync());
        var created = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement;
        Assert.That(created.GetProperty("attachmentsNotCarried").GetInt32(), Is.Zero, "the checked file is carried");
    }

    /// <summary>The gate is not weakened: after the same real checks and override, a body edited after the check
    /// (one word) or an attachment swapped is refused as a changed draft.</summary>
    [Test]
    public async Task Create_AfterARealCheck_EditedBodyOrSwappedAttachment_RefusedAsChangedAsync()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var check = await RealCheckAsync(physician, PaneDraft(PaneBody));
        var checkId = check.GetProperty("checkId").GetString()!;
        await physician.PostAsJsonAsync($"/api/v1/checks/{checkId}/override",
            new { justificationCode = "patient_request", justification = "Le patient a demandé ses résultats par courriel." });

        var edited = await physician.PostAsJsonAsync("/api/v1/secure-messages", PaneRequest(check, PaneBody.Replace("positif", "négatif", StringComparison.Ordinal)));
        var swapped = await physician.PostAsJsonAsync("/api/v1/secure-messages", PaneRequest(check, PaneBody, attachment: "Autre fichier."));

        foreach (var response in new[] { edited, swapped })
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString(), Is.EqualTo("draft_changed"));
        }
    }

    /// <summary>The sandbox's « sensitive » demo draft as Outlook's body.getAsync(Html) hands it over.</summary>
    private const string PaneBody =
        "<p>Bonjour Monsieur Gagnon,</p><p>Vos r\u00e9sultats de d\u00e9pistage ITSS sont arriv\u00e9s : le test de chlamydia est positif.<br>"
        + "Votre num\u00e9ro d'assurance maladie : GAGJ 8503 1234.</p><p>Cordialement,<br>Dre Isabelle Tremblay, M.D.<br>514 555-0100</p>";

    private const string PaneAttachment = "R\u00e9sultat ITSS : chlamydia positif.";

    private static object PaneDraft(string body) => new
    {
        from = "dre.tremblay@clinique.med",
        subject = "R\u00e9sultats",
        body,
        bodyFormat = "html",
        to = new[] { new { address = "JF.Gagnon@gmail.com", name = "Jean-Fran\u00e7ois Gagnon" } },
        cc = Array.Empty<object>(),
        bcc = Array.Empty<object>(),
        attachments = new[] { new { name = "resultat.txt", size = 40, contentType = "text/plain", kind = "file", contentBase64 = Base64(PaneAttachment) } },
        isReply = false,
        client = new { name = "clinicmail-outlook-pane", version = "1.0.0" },
    };

    /// <summary>What the pane uploads: the draft's subject and body, the send_securely fix's addresses, the files.</summary>
    private static object PaneRequest(JsonElement check, string body, string? overrideCheckId = null, string attachment = PaneAttachment) => new
    {
        checkId = check.GetProperty("checkId").GetString(),
        overrideCheckId,
        subject = "R\u00e9sultats",
        body,
        bodyFormat = "html",
        recipients = check.GetProperty("fixes").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "send_securely")
            .GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!).ToArray(),
        attachments = new[] { new { name = "resultat.txt", contentType = "text/plain", contentBase64 = Base64(attachment) } },
    };

    private static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    private static async Task<JsonElement> RealCheckAsync(HttpClient physician, object draft)
    {
        var response = await physician.PostAsJsonAsync("/api/v1/check", draft);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var result = JsonDocument.Parse(text).RootElement.Clone();
        Assert.That(result.GetProperty("decision").GetString(), Is.EqualTo("block"), text);
        return result;
    }
}
