using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Functions.Http;

namespace ClinicMail.Functions.Routes;

/// <summary>Informed consent (docs/consent.md): the same routes, methods and policies as the local
/// host's ConsentEndpoints. The patient's page is anonymous on purpose (link token + one-time code).</summary>
public sealed class ConsentFunctions(FunctionHttp http, InformedConsentHandler consent, ConsentPageHandler page)
{
    private const string Admin = IdentitySetup.ClinicAdminPolicy;
    private const string Read = IdentitySetup.RegistryReadPolicy;
    private const string Policy = "api/v1/consent/policy";
    private const string Patients = "api/v1/registry/patients";
    private const string Page = "secure/consent/{token}";

    [Function("ConsentPolicyCurrent")]
    public Task CurrentPolicyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Policy)] HttpRequest req) =>
        http.RunAsync(req, Read, async c => await consent.CurrentPolicyAsync(c.RequestAborted).ConfigureAwait(false));

    [Function("ConsentPolicyVersion")]
    public Task PolicyVersionAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Policy + "/versions/{version:int}")] HttpRequest req, int version) =>
        http.RunAsync(req, Read, async c => await consent.PolicyVersionAsync(version, c.RequestAborted).ConfigureAwait(false));

    [Function("ConsentPolicyPublish")]
    public Task PublishPolicyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Policy)] HttpRequest req) =>
        http.RunAsync<ClinicEmailPolicy>(req, Admin, async (c, body) => await consent.PublishPolicyAsync(body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("ConsentInvite")]
    public Task InviteAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Patients + "/{id}/consent-invitations")] HttpRequest req, string id) =>
        http.RunAsync<ConsentInvitationRequest>(req, Read, async (c, body) => await consent.InviteAsync(id, body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("ConsentRecordVerbal")]
    public Task RecordVerbalAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Patients + "/{id}/consent/verbal")] HttpRequest req, string id) =>
        http.RunAsync<VerbalConsentRequest>(req, Admin, async (c, body) => await consent.RecordVerbalAsync(id, body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("ConsentAttention")]
    public Task AttentionAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/registry/consent-attention")] HttpRequest req) =>
        http.RunAsync(req, Admin, async c => await consent.AttentionAsync(QueryBinding.Int(c.Request.Query, "limit"), c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryLookAlikes")]
    public Task LookAlikesAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/registry/look-alikes")] HttpRequest req) =>
        http.RunAsync(req, Admin, async c => await consent.LookAlikesAsync(QueryBinding.Int(c.Request.Query, "limit"), c.RequestAborted).ConfigureAwait(false));

    [Function("ConsentPage")]
    public Task LandingAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Page)] HttpRequest req, string token) =>
        http.RunAsync(req, null, c => page.LandingAsync(token, Query(c, "lang"), Query(c, "sent") == "1", c, c.RequestAborted));

    [Function("ConsentPageSendCode")]
    public Task SendCodeAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Page + "/code")] HttpRequest req, string token) =>
        http.RunAsync(req, null, async c => await page.SendCodeAsync(token, (await QueryBinding.FormAsync(c).ConfigureAwait(false))["lang"], c.RequestAborted).ConfigureAwait(false));

    [Function("ConsentPageVerify")]
    public Task VerifyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Page + "/verify")] HttpRequest req, string token) =>
        http.RunAsync(req, null, async c =>
        {
            var form = await QueryBinding.FormAsync(c).ConfigureAwait(false);
            return await page.VerifyAsync(token, form["lang"], form["code"], c, c.RequestAborted).ConfigureAwait(false);
        });

    [Function("ConsentPageSign")]
    public Task SignAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Page + "/sign")] HttpRequest req, string token) =>
        http.RunAsync(req, null, async c => await page.SignAsync(token, await QueryBinding.FormAsync(c).ConfigureAwait(false), c, c.RequestAborted).ConfigureAwait(false));

    [Function("ConsentPageWithdraw")]
    public Task WithdrawAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Page + "/withdraw")] HttpRequest req, string token) =>
        http.RunAsync(req, null, async c => await page.WithdrawAsync(token, (await QueryBinding.FormAsync(c).ConfigureAwait(false))["lang"], c, c.RequestAborted).ConfigureAwait(false));

    [Function("ConsentPageCopy")]
    public Task CopyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Page + "/copy.pdf")] HttpRequest req, string token) =>
        http.RunAsync(req, null, c => page.CopyAsync(token, Query(c, "lang"), c, c.RequestAborted));

    private static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
}
