using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.InformedConsent;

/// <summary>What documents a consent as informed: the guide's signed form (online:
/// <see cref="ConsentMethod.ElectronicSignature"/>) or its « note au dossier témoignant des
/// explications données au patient et son consentement verbal ». The consent row in the registry
/// points at it through <see cref="Consent.DocumentReference"/> = <see cref="Id"/>.</summary>
public sealed record ConsentEvidence
{
    /// <summary>"cev_" + random; the value of the consent's document reference.</summary>
    public required string Id { get; init; }

    public required string PatientId { get; init; }

    public required ConsentMethod Method { get; init; }

    public required ConsentStatus Status { get; init; }

    public required int PolicyVersion { get; init; }

    public required string PolicyHash { get; init; }

    /// <summary>The items explained (a verbal consent: every item; an online one: every item, read on the page).</summary>
    public IReadOnlyList<InformedConsentItem> Checklist { get; init; } = [];

    public IReadOnlyList<ConsentUse> Uses { get; init; } = [];

    public IReadOnlyList<TopicCategory> Categories { get; init; } = [];

    /// <summary>The invitation an online consent came through.</summary>
    public string? InvitationId { get; init; }

    /// <summary>An online consent: the patient proved the address with a one-time code.</summary>
    public bool AddressConfirmed { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>An actor id ("tenant/object", or "patient:" + invitation id), never a name.</summary>
    public required string RecordedBy { get; init; }

    public static string NewId() => "cev_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
}

/// <summary>A consent invitation: a link sent to the address to be registered. Only the hash of the
/// link token is stored, and the one-time code only as a keyed hash (see OneTimeCodeKey).</summary>
public sealed record ConsentInvitation
{
    public required string Id { get; init; }

    public required string PatientId { get; init; }

    /// <summary>The normalized address the link (and its codes) go to.</summary>
    public required string Address { get; init; }

    public required string Language { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public byte[]? CodeHash { get; init; }

    public byte[]? CodeSalt { get; init; }

    public DateTimeOffset? CodeExpiresAt { get; init; }

    public int FailedAttempts { get; init; }

    public int CodesSent { get; init; }

    public DateTimeOffset? LockedAt { get; init; }

    /// <summary>When the patient answered (signed a consent or a refusal).</summary>
    public DateTimeOffset? AnsweredAt { get; init; }

    /// <summary>When the patient withdrew through this link; the link is spent after that.</summary>
    public DateTimeOffset? WithdrawnAt { get; init; }

    /// <summary>The evidence recorded by the answer.</summary>
    public string? EvidenceId { get; init; }

    public static string NewId() => "cin_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
}

/// <summary>Why a patient is on the clinic page's consent list.</summary>
public enum ConsentAttention
{
    /// <summary>No consent was ever recorded.</summary>
    Missing,

    /// <summary>A granted consent whose expiry date has passed.</summary>
    Expired,

    /// <summary>A granted consent (signed form or verbal note) with no evidence of what was explained.</summary>
    NotDocumented,
}

/// <summary>One row of the consent list: ids and the reason; the page loads names through the registry API.</summary>
public sealed record ConsentAttentionRow(string PatientId, string ClinicPatientId, string FamilyName, string GivenName, ConsentAttention Reason, ConsentMethod? Method, DateOnly? ExpiresOn);

/// <summary>Two registered addresses of different patients that are near misses of each other.</summary>
public sealed record LookAlikePair(string PatientIdA, string AddressA, string PatientIdB, string AddressB);

/// <summary>The result of a code attempt begun atomically (see <see cref="IInformedConsentStore.BeginCodeAttemptAsync"/>).</summary>
public sealed record ConsentCodeAttempt(byte[] CodeHash, byte[] CodeSalt, int Attempt);
