using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Filing;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Filing;

/// <summary>The clinic page's record-filing section (ClinicAdmin): counts, the to-confirm list, failed
/// filings; confirming a patient, dismissing, retrying. And the compliance page's hash verification.
/// Answers hold ids, codes, dates and the candidates' registry entries — never an exchange's content.</summary>
public sealed class FilingQueryHandler(IFilingOutboxStore outbox, IPatientStore patients, IAuditWriter audit, IAuditReader auditReader, FilingSignal signal, IOptions<RecordFilingOptions> options, TimeProvider time)
{
    public const int ListLimit = 200;

    public async Task<Ok<FilingStatusResponse>> StatusAsync(CancellationToken cancellationToken)
    {
        var counts = await outbox.CountAsync(cancellationToken).ConfigureAwait(false);
        var toConfirm = await outbox.ListAsync(FilingStates.ToConfirm, ListLimit, cancellationToken).ConfigureAwait(false);
        var failed = await outbox.ListAsync(FilingStates.Failed, ListLimit, cancellationToken).ConfigureAwait(false);
        var confirmItems = new List<FilingItem>();
        foreach (var entry in toConfirm)
        {
            var candidates = new List<FilingCandidate>();
            foreach (var id in entry.Candidates)
            {
                if (await patients.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } patient)
                {
                    candidates.Add(new FilingCandidate(patient.Id, patient.ClinicPatientId, patient.FamilyName + ", " + patient.GivenName));
                }
            }

            confirmItems.Add(Item(entry) with { Candidates = candidates });
        }

        return TypedResults.Ok(new FilingStatusResponse(
            counts.Pending, counts.Delivered, counts.Failed, counts.ToConfirm, counts.NotRegistered, counts.OldestPendingAt,
            IsDegraded(counts), confirmItems, [.. failed.Select(Item)]));
    }

    /// <summary>A person picks the patient (one of the candidates) or dismisses the exchange.</summary>
    public async Task<Results<NoContent, ProblemHttpResult>> ConfirmAsync(string id, FilingConfirmRequest request, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var entry = await outbox.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (entry is null || entry.State != FilingStates.ToConfirm)
        {
            return NotWaiting();
        }

        if (!request.Dismiss && (request.PatientId is null || !entry.Candidates.Contains(request.PatientId, StringComparer.Ordinal)))
        {
            return TypedResults.Problem(Problem.Create(400, "filing_patient_not_candidate", ProblemTexts.ValidationTitle, new(
                "Choisissez l'un des patients proposés pour cet échange, ou écartez-le (dismiss: true).",
                "Choose one of the patients offered for this exchange, or dismiss it (dismiss: true).")));
        }

        var patientId = request.Dismiss ? null : request.PatientId;
        if (!await outbox.ResolveAsync(id, patientId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return NotWaiting();
        }

        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.RecordFilingConfirmed,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            SubjectId = id,
            Data = new Dictionary<string, object?> { ["patientId"] = patientId, ["dismissed"] = request.Dismiss, ["reason"] = entry.ConfirmReason },
        }, cancellationToken).ConfigureAwait(false);
        signal.Wake();
        return TypedResults.NoContent();
    }

    public async Task<Results<NoContent, ProblemHttpResult>> RetryAsync(string id, CancellationToken cancellationToken)
    {
        if (!await outbox.RetryAsync(id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.Problem(Problem.Create(409, "filing_not_failed", new("Rien à relancer.", "Nothing to retry."), new(
                "Ce classement n'est pas en échec : il est déjà livré, en attente ou à confirmer.",
                "This filing has not failed: it is already delivered, pending or waiting for confirmation.")));
        }

        signal.Wake();
        return TypedResults.NoContent();
    }

    /// <summary>The compliance page sends the SHA-256 it computed of a filed document (the file never leaves the reviewer's machine).</summary>
    public async Task<Results<Ok<FilingVerification>, ProblemHttpResult>> VerifyAsync(FilingVerifyRequest request, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        if (!FilingVerifier.IsSha256(request.Sha256))
        {
            return TypedResults.Problem(Problem.Create(400, "filing_hash_invalid", ProblemTexts.ValidationTitle, new(
                "sha256 doit être l'empreinte SHA-256 du document, en 64 chiffres hexadécimaux.",
                "sha256 must be the document's SHA-256, as 64 hexadecimal digits.")));
        }

        var result = await FilingVerifier.VerifyAsync(auditReader, request.Sha256!, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.RecordFilingVerified,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            SubjectId = result.FilingId,
            Data = new Dictionary<string, object?> { ["matched"] = result.Matched, ["part"] = result.Part },
        }, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(result);
    }

    /// <summary>Degraded: a filing failed for good, or one waits longer than RecordFiling:PendingAlarm.</summary>
    public bool IsDegraded(FilingCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return counts.Failed > 0 || (counts.OldestPendingAt is { } oldest && time.GetUtcNow() - oldest > options.Value.PendingAlarm);
    }

    private static ProblemHttpResult NotWaiting() =>
        TypedResults.Problem(Problem.Create(404, "filing_not_waiting", ProblemTexts.NotFoundTitle, new LocalizedText(
            "Aucun échange n'attend de confirmation sous cet identifiant (déjà confirmé, écarté ou inconnu).",
            "No exchange waits for confirmation under this id (already confirmed, dismissed or unknown).")));

    private static FilingItem Item(FilingOutboxEntry e) =>
        new(e.Id, e.SourceKind, e.Direction == ExchangeDirection.Outgoing ? "outgoing" : "incoming", e.CreatedAt, e.Attempts, e.ConfirmReason, e.LastError, []);
}

public sealed record FilingStatusResponse(long Pending, long Delivered, long Failed, long ToConfirm, long NotRegistered, DateTimeOffset? OldestPendingAt, bool Degraded, IReadOnlyList<FilingItem> ToConfirmItems, IReadOnlyList<FilingItem> FailedItems);

public sealed record FilingItem(string Id, string SourceKind, string Direction, DateTimeOffset CreatedAt, int Attempts, string? ConfirmReason, string? Error, IReadOnlyList<FilingCandidate> Candidates);

public sealed record FilingCandidate(string PatientId, string ClinicPatientId, string Name);

public sealed record FilingConfirmRequest(string? PatientId, bool Dismiss = false);

public sealed record FilingVerifyRequest(string? Sha256);
