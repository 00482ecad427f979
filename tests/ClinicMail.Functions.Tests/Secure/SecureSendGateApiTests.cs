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
}
