using System.Text.Json;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicMail.Application.Handlers;

/// <summary><c>GET /api/v1/registry/imports</c>: the last written imports (newest first) for the
/// clinic's page, read from the audit chain's <see cref="AuditEventType.RegistryImported"/> records —
/// counts and the actor's ids only, as the chain holds them. A read, not audited (like the other
/// registry reads).</summary>
public sealed class RegistryImportHistoryHandler(IAuditReviewStore audit)
{
    public const int MaxLimit = 50;

    public async Task<Ok<ImportHistoryResponse>> ListAsync(int? limit, CancellationToken cancellationToken)
    {
        var count = limit ?? 10;
        if (count is < 1 or > MaxLimit)
        {
            throw new ApiProblemException(400, "validation", ProblemTexts.ValidationTitle,
                new($"limit va de 1 à {MaxLimit}.", $"limit is from 1 to {MaxLimit}."),
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["limit"] = [$"1–{MaxLimit}"] } });
        }

        var page = await audit.SearchAsync(new AuditFilter { Events = [AuditEventType.RegistryImported] }, null, count, newestFirst: true, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ImportHistoryResponse([.. page.Records.Select(Entry)]));
    }

    private static ImportHistoryEntry Entry(AuditRecord record)
    {
        using var data = JsonDocument.Parse(record.DataJson);
        int Count(string name) => data.RootElement.TryGetProperty(name, out var v) && v.TryGetInt32(out var n) ? n : 0;
        return new ImportHistoryEntry(record.Sequence, record.At, record.ActorObjectId, Count("rows"), Count("patients"), Count("inserted"), Count("updated"), Count("unchanged"));
    }
}

public sealed record ImportHistoryResponse(IReadOnlyList<ImportHistoryEntry> Imports);

/// <summary>One written import: when, who (object id), and its counts.</summary>
public sealed record ImportHistoryEntry(long Sequence, DateTimeOffset At, string? ActorId, int Rows, int Patients, int Inserted, int Updated, int Unchanged);
