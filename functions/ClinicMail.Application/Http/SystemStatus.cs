using ClinicMail.Application.Filing;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Filing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicMail.Application.Http;

/// <summary>Liveness and readiness, the same answer on every host.</summary>
public static class SystemStatus
{
    /// <summary>Liveness only: no data, no dependency (Azure and load balancers probe it).</summary>
    public static Ok<HealthResponse> Health() => TypedResults.Ok(new HealthResponse("ok"));

    /// <summary>Readiness: the stores answer. Says up, down, or "degraded" (still serving, 200) with the
    /// names of what is degraded — "record-filing" when a filing failed for good or waits too long
    /// (docs/record-filing.md): never silent, and no content.</summary>
    public static async Task<Results<Ok<ReadyResponse>, JsonHttpResult<ReadyResponse>>> ReadyAsync(IAuditStore audit, IFilingOutboxStore? filing, FilingQueryHandler? filingStatus, CancellationToken ct)
    {
        if (!await audit.PingAsync(ct).ConfigureAwait(false))
        {
            return TypedResults.Json(new ReadyResponse("unavailable"), statusCode: 503);
        }

        if (filing is not null && filingStatus is not null && filingStatus.IsDegraded(await filing.CountAsync(ct).ConfigureAwait(false)))
        {
            return TypedResults.Ok(new ReadyResponse("degraded", ["record-filing"]));
        }

        return TypedResults.Ok(new ReadyResponse("ready"));
    }

    public sealed record HealthResponse(string Status);

    public sealed record ReadyResponse(string Status, IReadOnlyList<string>? Degraded = null);
}
