using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;
using ClinicMail.Functions.Http;

namespace ClinicMail.Functions.Routes;

/// <summary>The compliance reviewer's API (docs/audit.md). Reading: reviewers and physicians (their own
/// records); verification: reviewers.</summary>
public sealed class AuditFunctions(FunctionHttp http, AuditReviewHandler audit)
{
    private const string Read = IdentitySetup.AuditReadPolicy;

    [Function("AuditRecords")]
    public Task RecordsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/audit/records")] HttpRequest req) =>
        http.RunAsync(req, Read, async c => await audit.SearchAsync(QueryBinding.Audit(c.Request.Query), c.User, c.RequestAborted).ConfigureAwait(false));

    [Function("AuditRecord")]
    public Task RecordAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/audit/records/{seq:long}")] HttpRequest req, long seq) =>
        http.RunAsync(req, Read, async c => await audit.DetailAsync(seq, c.User, c.RequestAborted).ConfigureAwait(false));

    [Function("AuditStats")]
    public Task StatsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/audit/stats")] HttpRequest req) =>
        http.RunAsync(req, Read, async c => await audit.StatisticsAsync(QueryBinding.Audit(c.Request.Query), c.User, c.RequestAborted).ConfigureAwait(false));

    [Function("AuditExport")]
    public Task ExportAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/audit/export")] HttpRequest req) =>
        http.RunAsync(req, Read, c => audit.ExportAsync(QueryBinding.Audit(c.Request.Query), c.User, c.RequestAborted));

    [Function("AuditVerify")]
    public Task VerifyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/audit/verify")] HttpRequest req) =>
        http.RunAsync(req, IdentitySetup.ComplianceReviewerPolicy, async c => await audit.VerifyAsync(c.User, c.RequestAborted).ConfigureAwait(false));
}
