using System.Text.Json;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Localization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Handlers;

/// <summary>The documented justification codes (docs/api.md). A code says why in a way reports can count;
/// the free text says the rest.</summary>
public static class JustificationCodes
{
    /// <summary>The patient explicitly asked for this content by e-mail.</summary>
    public const string PatientRequest = "patient_request";
    /// <summary>Exceptional clinical circumstances (« À moins de circonstances exceptionnelles »).</summary>
    public const string ClinicalNecessity = "clinical_necessity";
    /// <summary>The physician verified the address with the patient (a look-alike that is really theirs).</summary>
    public const string AddressVerified = "address_verified";
    /// <summary>Urgent care: no other channel reaches the patient in time.</summary>
    public const string UrgentCare = "urgent_care";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [PatientRequest, ClinicalNecessity, AddressVerified, UrgentCare, Other];
}

public sealed record OverrideRequest
{
    public string JustificationCode { get; init; } = "";

    public string Justification { get; init; } = "";

    /// <summary>The reason codes to override; omitted: every overridable reason of the check.</summary>
    public IReadOnlyList<string>? ReasonCodes { get; init; }
}

public sealed record OverrideResponse
{
    public required string OverrideId { get; init; }

    public required string CheckId { get; init; }

    public required IReadOnlyList<string> Overridden { get; init; }

    /// <summary>Blocking reasons an override cannot lift (they have a fix instead, such as sending securely).</summary>
    public required IReadOnlyList<string> Remaining { get; init; }

    /// <summary>allow when nothing blocks any more; block when <see cref="Remaining"/> still does.</summary>
    public required string Decision { get; init; }
}

/// <summary><c>POST /api/v1/checks/{checkId}/override</c>: a physician lifts overridable reasons of their
/// own recent check with a justification. A non-overridable reason is refused (409) and the refusal is audited.</summary>
public sealed class OverrideHandler(
    IAuditReader reader,
    IAuditWriter audit,
    IOverrideJustificationStore justifications,
    DraftFingerprint fingerprint,
    IOptions<LimitsOptions> limits,
    TimeProvider time)
{
    public async Task<Ok<OverrideResponse>> HandleAsync(string checkId, OverrideRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var check = await reader.FindByCheckIdAsync(checkId, AuditEventType.CheckPerformed, cancellationToken).ConfigureAwait(false);

        // Another physician's check is reported exactly like a missing one: ids reveal nothing.
        if (check is null || check.ActorTenantId != actor.TenantId || check.ActorObjectId != actor.ObjectId)
        {
            throw new ApiProblemException(404, "check_not_found", ProblemTexts.NotFoundTitle, Texts.CheckNotFound);
        }

        if (time.GetUtcNow() - check.At > limits.Value.OverrideWindow)
        {
            throw new ApiProblemException(409, "check_expired", Texts.ConflictTitle, Texts.CheckExpired(limits.Value.OverrideWindow));
        }

        var data = JsonDocument.Parse(check.DataJson).RootElement;
        var overridable = Strings(data, "overridableCodes");
        var blocking = Strings(data, "blockingCodes");
        var requested = request.ReasonCodes?.Distinct(StringComparer.Ordinal).ToList() ?? overridable;

        var refused = requested.Where(code => !overridable.Contains(code, StringComparer.Ordinal)).ToList();
        if (requested.Count == 0 || refused.Count > 0)
        {
            await audit.AppendAsync(new AuditEntry
            {
                Event = AuditEventType.OverrideRefused,
                ActorTenantId = actor.TenantId,
                ActorObjectId = actor.ObjectId,
                CheckId = checkId,
                Data = new Dictionary<string, object?> { ["refusedCodes"] = refused, ["justificationCode"] = request.JustificationCode },
            }, cancellationToken).ConfigureAwait(false);
            throw requested.Count == 0
                ? new ApiProblemException(409, "nothing_to_override", Texts.ConflictTitle, Texts.NothingToOverride)
                : new ApiProblemException(409, "not_overridable", Texts.ConflictTitle, Texts.NotOverridable(refused),
                    new Dictionary<string, object?> { ["notOverridable"] = refused });
        }

        var overrideId = "ovr_" + Guid.CreateVersion7().ToString("N");
        var now = time.GetUtcNow();
        await justifications.SaveAsync(new OverrideJustification(overrideId, checkId, request.JustificationCode, request.Justification, now), cancellationToken)
            .ConfigureAwait(false);
        var remaining = blocking.Where(code => !requested.Contains(code, StringComparer.Ordinal)).ToList();
        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.OverrideRecorded,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            CheckId = checkId,
            SubjectId = overrideId,
            Decision = remaining.Count == 0 ? "allow" : "block",
            Data = new Dictionary<string, object?>
            {
                ["overriddenCodes"] = requested,
                ["remainingCodes"] = remaining,
                ["justificationCode"] = request.JustificationCode,
                // The text itself is stored beside the chain; its keyed hash here detects any edit.
                ["justificationHmac"] = fingerprint.ComputeText(request.Justification),
            },
        }, cancellationToken).ConfigureAwait(false);

        return TypedResults.Ok(new OverrideResponse
        {
            OverrideId = overrideId,
            CheckId = checkId,
            Overridden = requested,
            Remaining = remaining,
            Decision = remaining.Count == 0 ? "allow" : "block",
        });
    }

    private static List<string> Strings(JsonElement data, string name) =>
        data.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Select(e => e.GetString() ?? "")]
            : [];

    private static class Texts
    {
        public static LocalizedText ConflictTitle { get; } = new("Dérogation impossible.", "Override not possible.");

        public static LocalizedText CheckNotFound { get; } = new(
            "Aucune vérification de ce numéro ne vous appartient. Relancez la vérification du brouillon.",
            "No check with this id belongs to you. Check the draft again.");

        public static LocalizedText CheckExpired(TimeSpan window) => new(
            $"Cette vérification date de plus de {window.TotalMinutes:0} minutes. Relancez la vérification du brouillon.",
            $"This check is more than {window.TotalMinutes:0} minutes old. Check the draft again.");

        public static LocalizedText NothingToOverride { get; } = new(
            "Cette vérification ne contient aucun motif pouvant faire l'objet d'une dérogation.",
            "This check has no reason that may be overridden.");

        public static LocalizedText NotOverridable(IEnumerable<string> codes) => new(
            $"Ces motifs ne peuvent pas faire l'objet d'une dérogation : {string.Join(", ", codes)}. Corrigez le brouillon (par exemple, envoi sécurisé ou Cci).",
            $"These reasons cannot be overridden: {string.Join(", ", codes)}. Fix the draft instead (for example, send securely or use Bcc).");
    }
}
