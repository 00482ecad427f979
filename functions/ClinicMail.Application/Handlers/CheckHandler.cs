using ClinicMail.Application.Checking;
using ClinicMail.Application.Identity;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Json;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;
using ClinicMail.Infrastructure.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicMail.Application.Handlers;

/// <summary>What the add-in says about itself (header <c>X-ClinicMail-Client: name/version</c>).</summary>
public sealed record ClientInfo(string Name, string Version)
{
    public static ClientInfo Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return new("unknown", "unknown");
        }

        // Bounded and restricted to a safe alphabet: it goes into the audit record.
        var clean = new string([.. header.Trim().Take(64).Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or '+')]);
        var slash = clean.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new(clean, "unknown") : new(clean[..slash], clean[(slash + 1)..]);
    }
}

/// <summary><c>POST /api/v1/check</c>: runs the check, records it in the audit chain, and only then answers.</summary>
public sealed class CheckHandler(
    DecisionService decisions,
    IPatientDirectory directory,
    IAuditWriter audit,
    DraftFingerprint fingerprint,
    TimeProvider time,
    ILogger<CheckHandler> logger)
{
    public async Task<Ok<CheckResponse>> HandleAsync(Draft draft, Actor actor, ClientInfo client, CancellationToken cancellationToken)
    {
        var checkId = NewCheckId();

        CheckResult result;
        using var activity = ClinicMailTelemetry.StartCheck();
        var started = time.GetTimestamp();
        try
        {
            result = await decisions.DecideAsync(draft, directory, today: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing was decided; the failure itself is recorded (ids and a failure kind only) and the
            // caller gets a 503 or 500 ProblemDetails, which the add-in treats with its failure policy.
            var failure = ex is RegistryUnavailableException ? "registry_unavailable" : "internal";
            ClinicMailTelemetry.RecordCheckFailure(activity, failure);
            logger.LogWarning("Check {CheckId} failed: {Failure} ({ExceptionType})", checkId, failure, ex.GetType().Name);
            await audit.AppendAsync(new AuditEntry
            {
                Event = AuditEventType.CheckFailed,
                ActorTenantId = actor.TenantId,
                ActorObjectId = actor.ObjectId,
                CheckId = checkId,
                Data = new Dictionary<string, object?> { ["failure"] = failure, ["client"] = client.Name, ["clientVersion"] = client.Version },
            }, cancellationToken).ConfigureAwait(false);
            throw;
        }

        // Past the request timeout (RequestGuards), the decision is neither recorded nor returned: the caller gets a 503.
        cancellationToken.ThrowIfCancellationRequested();

        // A decision that is not recorded is not returned: AppendAsync throws AuditUnavailableException.
        await audit.AppendAsync(AuditEntryFor(checkId, actor, client, draft, result), cancellationToken).ConfigureAwait(false);
        ClinicMailTelemetry.RecordCheck(activity, time.GetElapsedTime(started), Codes.Of(result.Decision), Codes.Of(result.SecureDelivery),
            [.. result.Reasons.Select(r => Codes.Of(r.Code))], (draft.To?.Count ?? 0) + (draft.Cc?.Count ?? 0) + (draft.Bcc?.Count ?? 0));
        logger.LogInformation(
            "Check {CheckId}: {Decision}, secure delivery {SecureDelivery}, {ReasonCount} reasons",
            checkId, result.Decision, result.SecureDelivery, result.Reasons.Count);
        return TypedResults.Ok(CheckResponse.From(checkId, result));
    }

    private AuditEntry AuditEntryFor(string checkId, Actor actor, ClientInfo client, Draft draft, CheckResult result)
    {
        var blocking = result.Reasons.Where(r => r.Severity != Severity.Info).ToList();
        var entry = new AuditEntry
        {
            Event = AuditEventType.CheckPerformed,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            CheckId = checkId,
            Decision = Codes.Of(result.Decision),
            Data = new Dictionary<string, object?>
            {
                ["draftHmac"] = fingerprint.Compute(draft),
                ["categories"] = result.Topics.Select(t => Codes.Of(t.Category)).ToList(),
                ["identifierKinds"] = result.Identifiers.Select(i => Codes.Of(i.Kind)).ToList(),
                ["patientIds"] = result.Recipients.SelectMany(r => r.PatientIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                ["internalCount"] = result.Recipients.Count(r => r.Scope == RecipientScope.Internal),
                ["externalCount"] = result.Recipients.Count(r => r.Scope == RecipientScope.External),
                ["unknownCount"] = result.Recipients.Count(r => r.Status is RecipientStatus.Unknown or RecipientStatus.Lookalike or RecipientStatus.Invalid),
                ["reasonCodes"] = result.Reasons.Select(r => Codes.Of(r.Code)).Distinct(StringComparer.Ordinal).ToList(),
                ["overridableCodes"] = blocking.Where(r => r.Overridable).Select(r => Codes.Of(r.Code)).Distinct(StringComparer.Ordinal).ToList(),
                ["blockingCodes"] = blocking.Where(r => r.Severity == Severity.Block).Select(r => Codes.Of(r.Code)).Distinct(StringComparer.Ordinal).ToList(),
                ["secureDelivery"] = Codes.Of(result.SecureDelivery),
                ["isReply"] = draft.IsReply,
                ["client"] = client.Name,
                ["clientVersion"] = client.Version,
            },
        };

        // What a secure send of this draft must carry unchanged (Core.Secure.SecureSendGate).
        var data = (Dictionary<string, object?>)entry.Data;
        foreach (var (key, value) in Core.Secure.SendBinding.Of(draft, fingerprint).ToAuditData())
        {
            data[key] = value;
        }

        return entry;
    }

    /// <summary>Time-ordered (UUID v7) so check ids sort by creation.</summary>
    private static string NewCheckId() => "chk_" + Guid.CreateVersion7().ToString("N");
}

/// <summary>The response of <c>POST /api/v1/check</c>: the check result plus its id.</summary>
public sealed record CheckResponse
{
    public required string CheckId { get; init; }

    public required Decision Decision { get; init; }

    public required SecureDelivery SecureDelivery { get; init; }

    public required bool Clinical { get; init; }

    public required IReadOnlyList<TopicFinding> Topics { get; init; }

    public required IReadOnlyList<IdentifierFinding> Identifiers { get; init; }

    public required IReadOnlyList<RecipientReport> Recipients { get; init; }

    public required IReadOnlyList<Reason> Reasons { get; init; }

    public required IReadOnlyList<Fix> Fixes { get; init; }

    public required IReadOnlyList<EtiquetteWarning> Etiquette { get; init; }

    /// <summary>The uses of e-mail the draft falls under, compared with each patient's consented uses.</summary>
    public required IReadOnlyList<ConsentUse> Uses { get; init; }

    /// <summary>Whether each attachment's text could be read (never the text itself).</summary>
    public required IReadOnlyList<AttachmentReport> Attachments { get; init; }

    public static CheckResponse From(string checkId, CheckResult result) => new()
    {
        CheckId = checkId,
        Decision = result.Decision,
        SecureDelivery = result.SecureDelivery,
        Clinical = result.Clinical,
        Topics = result.Topics,
        Identifiers = result.Identifiers,
        Recipients = result.Recipients,
        Reasons = result.Reasons,
        Fixes = result.Fixes,
        Etiquette = result.Etiquette,
        Uses = result.Uses,
        Attachments = result.Attachments,
    };
}
