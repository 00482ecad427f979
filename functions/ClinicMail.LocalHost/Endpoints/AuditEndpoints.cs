using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>The compliance reviewer's API (docs/audit.md). One line per route: the handler does the work.
/// Reading is open to reviewers and to physicians (their own records only); verification to reviewers.</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/audit").WithTags("Audit");

        api.MapGet("/records", ([AsParameters] AuditQuery query, HttpContext http, AuditReviewHandler handler, CancellationToken ct) =>
                handler.SearchAsync(query, http.User, ct))
            .WithName("AuditRecords").RequireAuthorization(IdentitySetup.AuditReadPolicy)
            .WithSummary("Search the audit log (cursor pagination, newest first by default).");

        api.MapGet("/records/{seq:long}", (long seq, HttpContext http, AuditReviewHandler handler, CancellationToken ct) =>
                handler.DetailAsync(seq, http.User, ct))
            .WithName("AuditRecord").RequireAuthorization(IdentitySetup.AuditReadPolicy)
            .WithSummary("One audit record, with an override's justification and whether it still matches the chain.");

        api.MapGet("/stats", ([AsParameters] AuditQuery query, HttpContext http, AuditReviewHandler handler, CancellationToken ct) =>
                handler.StatisticsAsync(query, http.User, ct))
            .WithName("AuditStats").RequireAuthorization(IdentitySetup.AuditReadPolicy)
            .WithSummary("Aggregates for the reviewer's charts, over the same filters.");

        api.MapGet("/export", ([AsParameters] AuditQuery query, HttpContext http, AuditReviewHandler handler, CancellationToken ct) =>
                handler.ExportAsync(query, http.User, ct))
            .WithName("AuditExport").RequireAuthorization(IdentitySetup.AuditReadPolicy)
            .WithSummary("Export the records matching the filters as CSV or JSON Lines (streamed); the export is itself audited.");

        api.MapGet("/verify", (HttpContext http, AuditReviewHandler handler, CancellationToken ct) =>
                handler.VerifyAsync(http.User, ct))
            .WithName("AuditVerify").RequireAuthorization(IdentitySetup.ComplianceReviewerPolicy)
            .WithSummary("Recompute the chain, check signed checkpoints and the head; report the first broken link.");

        return routes;
    }

    /// <summary><c>/review</c> without the slash: the page's relative links need the folder form.</summary>
    public static IApplicationBuilder UseReviewPageRedirect(this IApplicationBuilder app) => app.UseStaticPageFolder("/review");
}
