using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;
using ClinicMail.Core.Drafts;
using ClinicMail.Functions.Http;

namespace ClinicMail.Functions.Routes;

/// <summary>The check and its override. One line per function: the application layer does the work.</summary>
public sealed class CheckFunctions(FunctionHttp http, CheckHandler check, OverrideHandler overrides)
{
    public const string ClientHeader = "X-ClinicMail-Client";

    private static readonly FunctionHttp.Limit CheckLimit = new("MaxCheckRequestBytes", static l => l.MaxCheckRequestBytes);

    [Function("Check")]
    public Task CheckAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/check")] HttpRequest req) =>
        http.RunGuardedAsync<Draft>(req, IdentitySetup.PhysicianPolicy, async (c, draft) =>
            await check.HandleAsync(draft, Actor.From(c.User), ClientInfo.Parse(c.Request.Headers[ClientHeader]), c.RequestAborted).ConfigureAwait(false), CheckLimit);

    [Function("OverrideCheck")]
    public Task OverrideAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/checks/{checkId}/override")] HttpRequest req, string checkId) =>
        http.RunAsync<OverrideRequest>(req, IdentitySetup.PhysicianPolicy, async (c, body) =>
            await overrides.HandleAsync(checkId, body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));
}
