using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Secure;
using ClinicMail.Functions.Http;

namespace ClinicMail.Functions.Routes;

/// <summary>Secure delivery, the physician's side: create, status, revoke, expiry.</summary>
public sealed class SecureMessageFunctions(FunctionHttp http, SecureMessageHandler secure)
{
    private const string Physician = IdentitySetup.PhysicianPolicy;
    private static readonly FunctionHttp.Limit CreateLimit = new("MaxSecureRequestBytes", static l => l.MaxSecureRequestBytes);

    [Function("CreateSecureMessage")]
    public Task CreateAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/secure-messages")] HttpRequest req) =>
        http.RunGuardedAsync<SecureMessageRequest>(req, Physician, async (c, body) =>
            await secure.CreateAsync(body, Actor.From(c.User), PhysicianMailbox.From(c.User), c.RequestAborted).ConfigureAwait(false), CreateLimit);

    [Function("SecureMessageStatus")]
    public Task StatusAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/secure-messages/{messageId}")] HttpRequest req, string messageId) =>
        http.RunAsync(req, Physician, async c => await secure.StatusAsync(messageId, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RevokeSecureMessage")]
    public Task RevokeAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/secure-messages/{messageId}/revoke")] HttpRequest req, string messageId) =>
        http.RunAsync(req, Physician, async c => await secure.RevokeAsync(messageId, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("ChangeSecureMessageExpiry")]
    public Task ExpiryAsync([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/v1/secure-messages/{messageId}/expiry")] HttpRequest req, string messageId) =>
        http.RunAsync<ExpiryChangeRequest>(req, Physician, async (c, body) =>
            await secure.ChangeExpiryAsync(messageId, body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));
}
