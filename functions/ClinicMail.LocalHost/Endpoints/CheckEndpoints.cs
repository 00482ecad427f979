using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Validation;
using ClinicMail.Core.Drafts;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>The check and its override. One line per route: the handler does the work.</summary>
public static class CheckEndpoints
{
    public const string ClientHeader = "X-ClinicMail-Client";

    public static IEndpointRouteBuilder MapCheckEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Check");

        api.MapPost("/check", (Draft draft, HttpContext http, CheckHandler handler, CancellationToken ct) =>
                handler.HandleAsync(draft, Actor.From(http.User), ClientInfo.Parse(http.Request.Headers[ClientHeader]), ct))
            .WithName("Check")
            .RequireAuthorization(IdentitySetup.PhysicianPolicy)
            .AddEndpointFilter<ValidationFilter<Draft>>()
            .WithRequestLimit("MaxCheckRequestBytes", static limits => limits.MaxCheckRequestBytes)
            .WithRequestGuards()
            .WithSummary("Check a draft against the rules; the decision is recorded in the audit chain before it is returned.");

        api.MapPost("/checks/{checkId}/override", (string checkId, OverrideRequest request, HttpContext http, OverrideHandler handler, CancellationToken ct) =>
                handler.HandleAsync(checkId, request, Actor.From(http.User), ct))
            .WithName("OverrideCheck")
            .RequireAuthorization(IdentitySetup.PhysicianPolicy)
            .AddEndpointFilter<ValidationFilter<OverrideRequest>>()
            .WithSummary("Override the overridable reasons of one's own recent check, with a justification.");

        return routes;
    }
}
