using ClinicMail.Application.Filing;
using ClinicMail.Application.Identity;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>Record filing (docs/record-filing.md): the clinic page's section (ClinicAdmin) and the
/// compliance page's verification (ComplianceReviewer). One line per route.</summary>
public static class RecordFilingEndpoints
{
    public static IEndpointRouteBuilder MapRecordFilingEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/record-filing").WithTags("RecordFiling");
        // On the route builder, not the group: a group's "" maps "/api/v1/record-filing/" (trailing slash).
        routes.MapGet("/api/v1/record-filing", (FilingQueryHandler h, CancellationToken ct) => h.StatusAsync(ct))
            .WithName("RecordFilingStatus").WithTags("RecordFiling").RequireAuthorization(IdentitySetup.ClinicAdminPolicy)
            .WithSummary("Counts, the exchanges waiting for a person to confirm the patient, and failed filings (ids and codes, no content).");
        api.MapPost("/{id}/confirm", (string id, FilingConfirmRequest request, HttpContext c, FilingQueryHandler h, CancellationToken ct) => h.ConfirmAsync(id, request, Actor.From(c.User), ct))
            .WithName("RecordFilingConfirm").RequireAuthorization(IdentitySetup.ClinicAdminPolicy)
            .WithSummary("Choose the patient of an exchange on the to-confirm list, or dismiss it.");
        api.MapPost("/{id}/retry", (string id, FilingQueryHandler h, CancellationToken ct) => h.RetryAsync(id, ct))
            .WithName("RecordFilingRetry").RequireAuthorization(IdentitySetup.ClinicAdminPolicy)
            .WithSummary("Deliver a failed filing again.");
        api.MapPost("/verify", (FilingVerifyRequest request, HttpContext c, FilingQueryHandler h, CancellationToken ct) => h.VerifyAsync(request, Actor.From(c.User), ct))
            .WithName("RecordFilingVerify").RequireAuthorization(IdentitySetup.ComplianceReviewerPolicy)
            .WithSummary("Compare a filed document's SHA-256 with the audit log's filing records.");
        return routes;
    }
}
