using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicMail.Application.Http;

/// <summary>Liveness and readiness, the same answer on every host.</summary>
public static class SystemStatus
{
    /// <summary>Liveness only: no data, no dependency (Azure and load balancers probe it).</summary>
    public static Ok<HealthResponse> Health() => TypedResults.Ok(new HealthResponse("ok"));

    /// <summary>Readiness: see <see cref="ReadinessProbe"/>. Says up or down and, when down, the reason codes.</summary>
    public static Task<Results<Ok<ReadyResponse>, JsonHttpResult<ReadyResponse>>> ReadyAsync(ReadinessProbe probe, CancellationToken ct) =>
        probe.ReadyAsync(ct);

    /// <summary>Reason code while the host's background services are still starting (the local host
    /// starts them once it listens; docs/api.md).</summary>
    public const string StartingReason = "starting";

    public sealed record HealthResponse(string Status);

    public sealed record ReadyResponse(string Status)
    {
        /// <summary>When not ready: store_unavailable, database_file_missing, disk_full, keys_unavailable.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<string>? Reasons { get; init; }

        /// <summary>When ready but a background duty is behind (still serving, 200): "record-filing" when a
        /// filing failed for good or waits too long (docs/record-filing.md): never silent, and no content.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<string>? Degraded { get; init; }
    }
}
