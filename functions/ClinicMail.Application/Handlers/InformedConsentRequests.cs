using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Application.Handlers;

/// <summary>Send a consent invitation to the address to be registered. The date of birth is stored
/// with the patient when given (the registry has none yet for most patients); the patient's
/// signature is matched against it.</summary>
public sealed record ConsentInvitationRequest
{
    public string? Address { get; init; }

    /// <summary>"fr" or "en"; default: the patient's language.</summary>
    public string? Language { get; init; }

    public DateOnly? BirthDate { get; init; }
}

/// <summary>A verbal consent (« une note au dossier témoignant des explications données au patient et
/// son consentement verbal »): the policy version read to the patient and every checklist item.</summary>
public sealed record VerbalConsentRequest
{
    public ConsentStatus Status { get; init; } = ConsentStatus.Granted;

    public int? PolicyVersion { get; init; }

    public IReadOnlyList<InformedConsentItem>? Checklist { get; init; }

    public IReadOnlyList<ConsentUse>? Uses { get; init; }

    public IReadOnlyList<TopicCategory>? Categories { get; init; }

    public DateOnly? ExpiresOn { get; init; }
}

/// <summary>A policy version as the API answers it: the settings, the hash and the rendered text.</summary>
public sealed record PolicyResponse(int Version, string Hash, DateTimeOffset PublishedAt, ClinicEmailPolicy Policy, IReadOnlyList<PolicySection> TextFr, IReadOnlyList<PolicySection> TextEn)
{
    public static PolicyResponse Of(ConsentPolicyVersion version) => new(
        version.Version, version.Hash, version.PublishedAt, version.Policy,
        ConsentPolicyText.Render(version.Policy, "fr"), ConsentPolicyText.Render(version.Policy, "en"));
}

public sealed record InvitationResponse(string InvitationId, string PatientId, DateTimeOffset ExpiresAt, int PolicyVersion);

public sealed record VerbalConsentResponse(Patient Patient, string EvidenceId, int PolicyVersion, string PolicyHash);

public sealed record ConsentAttentionResponse(IReadOnlyList<ConsentAttentionRow> Patients, int Limit);

public sealed record LookAlikeResponse(IReadOnlyList<LookAlikePair> Pairs, int Limit);
