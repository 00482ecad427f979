using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>Registry routes the clinic's page needs beyond docs/registry.md's management API. One line per route.</summary>
public static class ClinicPageApiEndpoints
{
    public static IEndpointRouteBuilder MapClinicPageApiEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/registry").WithTags("Registry");
        api.MapGet("/imports", (int? limit, RegistryImportHistoryHandler h, CancellationToken ct) => h.ListAsync(limit, ct))
            .WithName("RegistryImports").RequireAuthorization(IdentitySetup.ClinicAdminPolicy)
            .WithSummary("The last written imports, newest first (counts only, from the audit chain).");
        return routes;
    }
}
