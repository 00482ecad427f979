using ClinicMail.Application.Identity;
using ClinicMail.Application.Incoming;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>Incoming patient mail (docs/incoming-mail.md). One line per route.</summary>
public static class IncomingMailEndpoints
{
    public static IEndpointRouteBuilder MapIncomingMailEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/mail").WithTags("Incoming mail");
        api.MapGet("/awaiting", (int? limit, int? weeks, HttpContext c, AwaitingAnswersHandler h, CancellationToken ct) => h.ListAsync(c.User, limit, weeks, ct))
            .WithName("MailAwaiting").RequireAuthorization(IdentitySetup.RegistryReadPolicy)
            .WithSummary("Messages awaiting an answer (overdue first) and the share answered within the delay per week; ClinicAdmin: every box, Physician: their own.");
        // Anonymous on purpose: Graph presents no token; the clientState is checked instead (docs/incoming-mail.md).
        api.MapPost("/notifications", (HttpRequest r, GraphNotificationHandler h, CancellationToken ct) => h.HandleAsync(r, ct))
            .WithName("MailNotifications").AllowAnonymous()
            .WithSummary("Microsoft Graph change notifications: validation handshake, clientState check, enqueue, 202.");
        // Anonymous on purpose, like the webhook: Graph's lifecycle notifications carry the subscription's clientState.
        api.MapPost("/lifecycle", (HttpRequest r, GraphLifecycleHandler h, CancellationToken ct) => h.HandleAsync(r, ct))
            .WithName("MailLifecycle").AllowAnonymous()
            .WithSummary("Microsoft Graph lifecycle notifications: validation handshake, clientState check; reauthorizationRequired, subscriptionRemoved and missed (delta catch-up) handled, 202.");
        return routes;
    }
}
