using ClinicMail.Application.Configuration;
using ClinicMail.Application.Filing;
using ClinicMail.Application.Http;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Infrastructure.Filing;
using ClinicMail.Infrastructure.Identity;
using ClinicMail.LocalHost.Background;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>Liveness, readiness, and the development issuer's endpoints.</summary>
public static class SystemEndpoints
{
    public static IEndpointRouteBuilder MapSystemEndpoints(this IEndpointRouteBuilder routes)
    {
        // Anonymous: Azure and load balancers probe them.
        routes.MapGet("/api/health", SystemStatus.Health)
            .WithName("Health").WithTags("System").AllowAnonymous();

        routes.MapGet("/api/ready", ReadyAsync)
            .WithName("Ready").WithTags("System").AllowAnonymous();

        // Anonymous: the web pages read it before anyone is signed in (no secret in it).
        routes.MapGet("/api/sign-in-config", (IOptions<IdentityOptions> identity) => TypedResults.Ok(PageSignIn.Config(identity.Value)))
            .WithName("SignInConfig").WithTags("System").AllowAnonymous();
        return routes;
    }

    /// <summary>How long /api/ready waits for the background services that start once the server listens
    /// (<see cref="DeferredBackgroundServices"/>) before answering 503 "starting".</summary>
    public static readonly TimeSpan DeferredStartWait = TimeSpan.FromSeconds(5);

    /// <summary>The application layer's readiness and, on this host, the background services started
    /// once the server listens: while they are starting the answer is 503 with the reason "starting",
    /// beside whatever else the probe found.</summary>
    public static async Task<Results<Ok<SystemStatus.ReadyResponse>, JsonHttpResult<SystemStatus.ReadyResponse>>> ReadyAsync(
        ReadinessProbe probe, DeferredBackgroundServices deferred, CancellationToken ct)
    {
        var started = await deferred.WaitAsync(DeferredStartWait, ct).ConfigureAwait(false);
        var answer = await SystemStatus.ReadyAsync(probe, ct).ConfigureAwait(false);
        if (started)
        {
            return answer;
        }

        var reasons = answer.Result is JsonHttpResult<SystemStatus.ReadyResponse> { Value.Reasons: { } found } ? found : [];
        return TypedResults.Json(new SystemStatus.ReadyResponse("unavailable") { Reasons = [.. reasons, SystemStatus.StartingReason] }, statusCode: 503);
    }

    /// <summary>Only mapped when the configuration says Development (see Program).</summary>
    public static IEndpointRouteBuilder MapDevelopmentIssuer(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/dev-issuer/{tenantId}/v2.0/.well-known/openid-configuration", (string tenantId, DevelopmentIssuer issuer) =>
                TypedResults.Json(issuer.DiscoveryDocument(tenantId)))
            .WithName("DevIssuerDiscovery").WithTags("Development").AllowAnonymous().ExcludeFromDescription();
        routes.MapGet("/dev-issuer/discovery/v2.0/keys", (DevelopmentIssuer issuer) => TypedResults.Json(issuer.Jwks()))
            .WithName("DevIssuerKeys").WithTags("Development").AllowAnonymous().ExcludeFromDescription();
        // Mints a token for any role: only a caller on this machine (loopback connection, not a forwarded address) gets one.
        routes.MapPost("/api/dev/token", Results<Ok<DevTokenResponse>, ProblemHttpResult> (DevTokenRequest request, DevelopmentIssuer issuer, HttpContext http) =>
                !IsLoopbackCaller(http)
                    ? TypedResults.Problem(Problem.Create(403, "loopback_only", new("Réservé à cet ordinateur.", "This machine only."),
                        new("Les jetons de développement ne sont remis qu'aux appels venant de cet ordinateur (loopback).", "Development tokens are given only to calls from this machine (loopback).")))
                : Roles.All.Contains(request.Role, StringComparer.Ordinal)
                    ? TypedResults.Ok(new DevTokenResponse(issuer.Mint(new TokenRequest { Roles = [request.Role] }), 3600))
                    : TypedResults.Problem(Problem.Create(400, "unknown_role", ProblemTexts.ValidationTitle,
                        new($"Rôle inconnu; rôles : {string.Join(", ", Roles.All)}.", $"Unknown role; roles: {string.Join(", ", Roles.All)}."))))
            .WithName("DevToken").WithTags("Development").AllowAnonymous().ExcludeFromDescription();
        // The sandbox's Send drops the mail where record filing watches (docs/record-filing.md): development only, loopback only.
        routes.MapPost("/api/dev/mail-sent", Results<NoContent, ProblemHttpResult> (DevSentMail mail, HttpContext http, IOptions<ClinicMailOptions> clinic, IOptions<RecordFilingOptions> filing, TimeProvider time) =>
            {
                if (!IsLoopbackCaller(http))
                {
                    return TypedResults.Problem(Problem.Create(403, "loopback_only", new("Réservé à cet ordinateur.", "This machine only."),
                        new("Le dépôt de courriels envoyés du bac à sable n'accepte que les appels venant de cet ordinateur (loopback).", "The sandbox's sent-mail drop accepts only calls from this machine (loopback).")));
                }

                if (mail.To is not { Count: > 0 and <= 100 } || mail.To.Concat(mail.Cc ?? []).Any(a => !MimeKit.MailboxAddress.TryParse(a, out _)))
                {
                    return TypedResults.Problem(Problem.Create(400, "sent_mail_invalid", ProblemTexts.ValidationTitle,
                        new("Indiquez de 1 à 100 destinataires, chacun une adresse valide.", "Give 1 to 100 recipients, each a valid address.")));
                }

                var folder = filing.Value.MailSentFolder ?? Path.Combine(clinic.Value.DataDirectory, "mail-sent");
                var from = "medecin@" + (clinic.Value.InternalDomains.FirstOrDefault() ?? "clinicmail.local");
                SentMailDrop.Write(folder, from, mail.To, mail.Cc ?? [], mail.Subject ?? "", mail.BodyText ?? "", mail.CheckId, time.GetUtcNow());
                return TypedResults.NoContent();
            })
            .WithName("DevMailSent").WithTags("Development").AllowAnonymous().ExcludeFromDescription();
        return routes;
    }

    /// <summary>The connection itself is loopback and no proxy rewrote it (ForwardedHeaders keeps the
    /// original in X-Original-For when it does).</summary>
    public static bool IsLoopbackCaller(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } remote && System.Net.IPAddress.IsLoopback(remote)
        && !http.Request.Headers.ContainsKey("X-Original-For");

    public sealed record DevSentMail(IReadOnlyList<string>? To, IReadOnlyList<string>? Cc, string? Subject, string? BodyText, string? CheckId);

    public sealed record DevTokenRequest(string Role);

    public sealed record DevTokenResponse(string AccessToken, int ExpiresIn);
}
