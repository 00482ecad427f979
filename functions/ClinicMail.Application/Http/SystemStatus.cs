using ClinicMail.Core.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicMail.Application.Http;

/// <summary>Liveness and readiness, the same answer on every host.</summary>
public static class SystemStatus
{
    /// <summary>Liveness only: no data, no dependency (Azure and load balancers probe it).</summary>
    public static Ok<HealthResponse> Health() => TypedResults.Ok(new HealthResponse("ok"));

    /// <summary>Readiness: the stores answer. Says nothing but up or down.</summary>
    public static async Task<Results<Ok<ReadyResponse>, JsonHttpResult<ReadyResponse>>> ReadyAsync(IAuditStore audit, CancellationToken ct) =>
        await audit.PingAsync(ct).ConfigureAwait(false)
            ? TypedResults.Ok(new ReadyResponse("ready"))
            : TypedResults.Json(new ReadyResponse("unavailable"), statusCode: 503);

    public sealed record HealthResponse(string Status);

    public sealed record ReadyResponse(string Status);
}
