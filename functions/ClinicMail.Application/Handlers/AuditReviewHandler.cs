using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Localization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicMail.Application.Handlers;

/// <summary>The reviewer's query string (<c>GET /api/v1/audit/records</c>, <c>/stats</c>, <c>/export</c>).
/// Every filter is optional. <c>physician</c> is an <c>oid</c> or <c>tid/oid</c>.</summary>
public sealed class AuditQuery
{
    public DateTimeOffset? From { get; set; }

    public DateTimeOffset? To { get; set; }

    public string? Physician { get; set; }

    public string? Patient { get; set; }

    public string? Decision { get; set; }

    public string? Reason { get; set; }

    public string? Category { get; set; }

    public bool? Override { get; set; }

    /// <summary>An event code (e.g. 1000), or several separated by commas.</summary>
    public string? Event { get; set; }

    /// <summary>The <c>next</c> value of the previous page.</summary>
    public string? Cursor { get; set; }

    public int? Limit { get; set; }

    /// <summary><c>desc</c> (newest first, the default) or <c>asc</c>.</summary>
    public string? Order { get; set; }

    /// <summary>Export only: <c>csv</c> or <c>jsonl</c>.</summary>
    public string? Format { get; set; }
}

/// <summary>One record as the reviewer API returns it: the stored fields, data as JSON.</summary>
public sealed record AuditRecordDto
{
    public required long Seq { get; init; }

    public required DateTimeOffset At { get; init; }

    public required int Event { get; init; }

    public required string EventName { get; init; }

    public string? ActorTenantId { get; init; }

    public string? ActorObjectId { get; init; }

    public string? CheckId { get; init; }

    public string? SubjectId { get; init; }

    public string? Decision { get; init; }

    public required JsonElement Data { get; init; }

    public required string PreviousHash { get; init; }

    public required string Hash { get; init; }

    public static AuditRecordDto From(AuditRecord record)
    {
        using var data = JsonDocument.Parse(record.DataJson);
        return new AuditRecordDto
        {
            Seq = record.Sequence,
            At = record.At,
            Event = (int)record.Event,
            EventName = record.Event.ToString(),
            ActorTenantId = record.ActorTenantId,
            ActorObjectId = record.ActorObjectId,
            CheckId = record.CheckId,
            SubjectId = record.SubjectId,
            Decision = record.Decision,
            Data = data.RootElement.Clone(),
            PreviousHash = record.PreviousHash,
            Hash = record.Hash,
        };
    }
}

public sealed record AuditPageDto(IReadOnlyList<AuditRecordDto> Items, string? Next, bool ScopedToCaller);

/// <summary>An override's justification beside the chain: the text and whether it still matches the keyed hash in the chain.</summary>
public sealed record JustificationDto(string Code, string? Text, bool Retained, bool? MatchesChain);

public sealed record AuditRecordDetailDto(AuditRecordDto Record, JustificationDto? Justification);

public sealed record AuditVerificationDto
{
    public required bool Ok { get; init; }

    public required long RecordsVerified { get; init; }

    public long HeadSequence { get; init; }

    public string? HeadHash { get; init; }

    public long? BrokenAt { get; init; }

    /// <summary>altered | missing | inserted | previous_hash_mismatch | checkpoint_mismatch | head_mismatch | unsigned.</summary>
    public string? Problem { get; init; }

    public string? Detail { get; init; }

    public long AnchorSequence { get; init; }

    public int CheckpointsVerified { get; init; }

    public long LastCheckpointSequence { get; init; }

    public long UnsignedRecords { get; init; }

    /// <summary>One sentence for the reviewer, in the caller's language.</summary>
    public required string Message { get; init; }

    /// <summary>False when the verification could not itself be recorded in the chain (event 1401).</summary>
    public bool Recorded { get; init; } = true;

    public static AuditVerificationDto From(AuditVerification v) => new()
    {
        Ok = v.Ok,
        RecordsVerified = v.RecordsVerified,
        HeadSequence = v.HeadSequence,
        HeadHash = v.HeadHash,
        BrokenAt = v.BrokenAt,
        Problem = v.Problem is { } p ? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.ToString()) : null,
        Detail = v.Detail,
        AnchorSequence = v.AnchorSequence,
        CheckpointsVerified = v.CheckpointsVerified,
        LastCheckpointSequence = v.LastCheckpointSequence,
        UnsignedRecords = v.UnsignedRecords,
        Message = AuditTexts.Verification(v).For(Problems.Problem.Language),
    };
}

/// <summary>The reviewer API. A compliance reviewer sees every record; a physician sees only records
/// where they are the actor (tid and oid), whatever filter they send — and another physician's record
/// is answered exactly like a missing one.</summary>
public sealed class AuditReviewHandler(
    IAuditReviewStore store,
    IAuditWriter audit,
    AuditCheckpointer checkpointer,
    AuditVerifier verifier,
    DraftFingerprint fingerprint,
    TimeProvider time)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public async Task<Ok<AuditPageDto>> SearchAsync(AuditQuery query, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (filter, scoped) = FilterFor(query, user);
        var limit = query.Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit)
        {
            throw Invalid("limit", AuditTexts.BadLimit);
        }

        var newestFirst = !string.Equals(query.Order, "asc", StringComparison.OrdinalIgnoreCase);
        if (query.Order is not null && !string.Equals(query.Order, "asc", StringComparison.OrdinalIgnoreCase) && !string.Equals(query.Order, "desc", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("order", AuditTexts.BadOrder);
        }

        var page = await store.SearchAsync(filter, DecodeCursor(query.Cursor), limit, newestFirst, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new AuditPageDto([.. page.Records.Select(AuditRecordDto.From)], page.NextAfter is { } n ? EncodeCursor(n) : null, scoped));
    }

    public async Task<Ok<AuditRecordDetailDto>> DetailAsync(long seq, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var record = await store.FindAsync(seq, cancellationToken).ConfigureAwait(false);
        var actor = Actor.From(user);
        if (record is null || (!IsReviewer(user) && (record.ActorTenantId != actor.TenantId || record.ActorObjectId != actor.ObjectId)))
        {
            throw new ApiProblemException(404, "audit_record_not_found", ProblemTexts.NotFoundTitle, AuditTexts.RecordNotFound);
        }

        JustificationDto? justification = null;
        if (record.Event == AuditEventType.OverrideRecorded && record.SubjectId is { } overrideId)
        {
            using var data = JsonDocument.Parse(record.DataJson);
            var code = data.RootElement.TryGetProperty("justificationCode", out var c) ? c.GetString() ?? "" : "";
            var hmac = data.RootElement.TryGetProperty("justificationHmac", out var h) ? h.GetString() : null;
            var stored = await store.FindJustificationAsync(overrideId, cancellationToken).ConfigureAwait(false);
            // The text is the physician's justification, not message content; the keyed hash in the
            // chain shows whether it was edited after the fact.
            justification = stored is null
                ? new JustificationDto(code, null, false, null)
                : new JustificationDto(code, stored.Text, true, hmac is not null && string.Equals(fingerprint.ComputeText(stored.Text), hmac, StringComparison.Ordinal));
        }

        return TypedResults.Ok(new AuditRecordDetailDto(AuditRecordDto.From(record), justification));
    }

    public async Task<Ok<AuditStatistics>> StatisticsAsync(AuditQuery query, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (filter, _) = FilterFor(query, user);
        return TypedResults.Ok(await store.StatisticsAsync(filter, 10, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Signs the head first (what is exported is covered by a signature), records the export
    /// with the filter's shape only, then streams. A failed audit append means no export.</summary>
    public async Task<IResult> ExportAsync(AuditQuery query, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (filter, scoped) = FilterFor(query, user);
        var format = query.Format?.ToLowerInvariant() switch
        {
            "csv" => AuditExportFormat.Csv,
            "jsonl" or "ndjson" => AuditExportFormat.JsonLines,
            _ => throw Invalid("format", AuditTexts.BadFormat),
        };

        var checkpoint = await checkpointer.CheckpointAsync("export", cancellationToken).ConfigureAwait(false);
        var actor = Actor.From(user);
        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.AuditExported,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            Data = new Dictionary<string, object?>
            {
                ["format"] = AuditExportWriter.Extension(format),
                ["filterShape"] = filter.Shape().Where(f => !scoped || f is not ("physician" or "physicianTenant")).ToList(),
                ["scopedToCaller"] = scoped,
                ["coveredByCheckpoint"] = checkpoint?.Sequence ?? 0,
            },
        }, cancellationToken).ConfigureAwait(false);

        var name = string.Create(CultureInfo.InvariantCulture, $"clinicmail-audit-{time.GetUtcNow():yyyyMMdd-HHmmss}.{AuditExportWriter.Extension(format)}");
        return Results.Stream(
            stream => AuditExportWriter.WriteAsync(store.StreamAsync(filter, CancellationToken.None), stream, format, cancellationToken),
            AuditExportWriter.ContentType(format),
            name);
    }

    public async Task<Ok<AuditVerificationDto>> VerifyAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var result = await verifier.VerifyAsync(cancellationToken).ConfigureAwait(false);
        var actor = Actor.From(user);
        var data = new Dictionary<string, object?>
        {
            ["ok"] = result.Ok,
            ["recordsVerified"] = result.RecordsVerified,
            ["checkpointsVerified"] = result.CheckpointsVerified,
        };
        if (!result.Ok)
        {
            data["brokenAt"] = result.BrokenAt;
            data["problem"] = result.Problem?.ToString();
            data["detail"] = result.Detail;
        }

        var recorded = true;
        try
        {
            await audit.AppendAsync(new AuditEntry
            {
                Event = AuditEventType.AuditVerified,
                ActorTenantId = actor.TenantId,
                ActorObjectId = actor.ObjectId,
                Data = data,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            // The answer matters more than its record: forged rows may be what the append collides with
            // (issue 22), and a 503 would hide "tampered" from the reviewer.
            recorded = false;
        }

        return TypedResults.Ok(AuditVerificationDto.From(result) with { Recorded = recorded });
    }

    private static bool IsReviewer(ClaimsPrincipal user) => user.IsInRole(Roles.ComplianceReviewer);

    private static (AuditFilter Filter, bool Scoped) FilterFor(AuditQuery query, ClaimsPrincipal user)
    {
        string? tenant = null;
        var physician = Clean(query.Physician);
        if (physician is not null && physician.Contains('/', StringComparison.Ordinal))
        {
            tenant = physician[..physician.IndexOf('/', StringComparison.Ordinal)];
            physician = physician[(physician.IndexOf('/', StringComparison.Ordinal) + 1)..];
        }

        var decision = Clean(query.Decision)?.ToLowerInvariant();
        if (decision is not null and not ("allow" or "warn" or "block"))
        {
            throw Invalid("decision", AuditTexts.BadDecision);
        }

        if (query.From is { } from && query.To is { } to && to <= from)
        {
            throw Invalid("to", AuditTexts.BadPeriod);
        }

        var events = new List<AuditEventType>();
        foreach (var part in (query.Event ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || !Enum.IsDefined((AuditEventType)code))
            {
                throw Invalid("event", AuditTexts.BadEvent);
            }

            events.Add((AuditEventType)code);
        }

        var filter = new AuditFilter
        {
            From = query.From,
            To = query.To,
            ActorTenantId = tenant,
            ActorObjectId = physician,
            PatientId = Clean(query.Patient),
            Decision = decision,
            ReasonCode = Clean(query.Reason)?.ToUpperInvariant(),
            Category = Clean(query.Category)?.ToLowerInvariant(),
            Override = query.Override,
            Events = events,
        };

        if (IsReviewer(user))
        {
            return (filter, false);
        }

        // A physician reads only their own records: the caller's identity replaces any physician filter.
        var actor = Actor.From(user);
        return (filter with { ActorTenantId = actor.TenantId, ActorObjectId = actor.ObjectId }, true);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Opaque to clients; today a versioned sequence number.</summary>
    internal static string EncodeCursor(long after) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"c1:{after}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static long? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
            if (text.StartsWith("c1:", StringComparison.Ordinal) && long.TryParse(text.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var after))
            {
                return after;
            }
        }
        catch (FormatException)
        {
            // Reported below like any other malformed cursor.
        }

        throw Invalid("cursor", AuditTexts.BadCursor);
    }

    private static ApiProblemException Invalid(string parameter, LocalizedText detail) =>
        new(400, "invalid_audit_query", ProblemTexts.ValidationTitle, detail, new Dictionary<string, object?> { ["parameter"] = parameter });
}

/// <summary>The reviewer API's texts.</summary>
internal static class AuditTexts
{
    public static LocalizedText RecordNotFound { get; } = new("Aucun enregistrement d'audit de ce numéro ne vous est accessible.", "No audit record with this number is available to you.");

    public static LocalizedText BadLimit { get; } = new($"Le paramètre limit doit être entre 1 et {AuditReviewHandler.MaxLimit}.", $"The limit parameter must be between 1 and {AuditReviewHandler.MaxLimit}.");

    public static LocalizedText BadOrder { get; } = new("Le paramètre order doit être asc ou desc.", "The order parameter must be asc or desc.");

    public static LocalizedText BadFormat { get; } = new("Le paramètre format doit être csv ou jsonl.", "The format parameter must be csv or jsonl.");

    public static LocalizedText BadDecision { get; } = new("Le paramètre decision doit être allow, warn ou block.", "The decision parameter must be allow, warn or block.");

    public static LocalizedText BadPeriod { get; } = new("La fin de la période (to) doit suivre son début (from).", "The end of the period (to) must come after its start (from).");

    public static LocalizedText BadEvent { get; } = new("Le paramètre event doit être un ou plusieurs codes d'événement (docs/audit.md), séparés par des virgules.", "The event parameter must be one or more event codes (docs/audit.md), separated by commas.");

    public static LocalizedText BadCursor { get; } = new("Le curseur est invalide; reprenez la recherche depuis la première page.", "The cursor is invalid; start the search again from the first page.");

    public static LocalizedText Verification(AuditVerification v) => AuditVerificationMessages.Summary(v);
}
