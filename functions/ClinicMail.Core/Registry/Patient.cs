using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Registry;

/// <summary>A patient of the clinic's e-mail directory — « un répertoire unique des courriels de
/// ses patients, distinct de son répertoire de contacts personnels ».</summary>
public sealed record Patient
{
    /// <summary>ClinicMail's own registry id (opaque, safe to log and audit).</summary>
    public required string Id { get; init; }

    /// <summary>The clinic's own patient id (from its EMR).</summary>
    public required string ClinicPatientId { get; init; }

    public required string FamilyName { get; init; }

    public required string GivenName { get; init; }

    /// <summary>"fr" or "en".</summary>
    public string Language { get; init; } = "fr";

    /// <summary>« le médecin pourrait restreindre, en tout ou en partie, les privilèges du patient ».</summary>
    public Restriction? Restriction { get; init; }

    /// <summary>Free terms the patient asked to be treated as sensitive (« toute information jugée
    /// comme telle par le patient »).</summary>
    public IReadOnlyList<string> DeclaredSensitiveTerms { get; init; } = [];

    /// <summary>Whole categories the patient declared sensitive for them.</summary>
    public IReadOnlyList<TopicCategory> DeclaredSensitiveCategories { get; init; } = [];

    public IReadOnlyList<PatientAddress> Addresses { get; init; } = [];

    /// <summary>The current consent record (the latest one), or null when none was ever recorded.</summary>
    public Consent? Consent { get; init; }
}

public sealed record Restriction(string Reason, DateOnly Since);

/// <summary>Whose mailbox an address is. « une adresse électronique personnelle » is the rule;
/// the others are accounts « détenu[s] par un tiers (par exemple son employeur, son institution
/// d'enseignement ou celui de la famille) ».</summary>
public enum AddressKind
{
    Personal,
    Employer,
    School,
    FamilyShared,
    OtherThirdParty,
}

public sealed record PatientAddress
{
    public required string Address { get; init; }

    public AddressKind Kind { get; init; } = AddressKind.Personal;

    /// <summary>« à moins que le patient y ait consenti »: required for every non-personal kind.</summary>
    public bool ThirdPartyConsented { get; init; }

    public DateOnly? VerifiedOn { get; init; }

    public string? VerificationMethod { get; init; }

    public bool IsThirdParty => Kind != AddressKind.Personal;
}

public enum ConsentStatus
{
    Granted,
    Refused,
    Revoked,
}

/// <summary>« la signature par le patient d'un formulaire de consentement. Une note au dossier
/// témoignant des explications données au patient et son consentement verbal peuvent remplacer le formulaire ».</summary>
public enum ConsentMethod
{
    SignedForm,
    VerbalNoted,
    /// <summary>Signed online by the patient on ClinicMail's consent page (typed full name and date of
    /// birth matched against the registry, from a link proven by a one-time code to the address).</summary>
    ElectronicSignature,
}

/// <summary>The uses of e-mail the guideline lists as realistic; a consent covers some of them.</summary>
public enum ConsentUse
{
    /// <summary>« Solliciter, donner, confirmer ou annuler un rendez-vous ».</summary>
    Appointments,
    /// <summary>« Donner des conseils généraux sur la santé ».</summary>
    GeneralAdvice,
    /// <summary>« Informer le patient du résultat normal d'une analyse ».</summary>
    NormalResults,
    /// <summary>« Transmettre certains résultats paracliniques qui méritent un suivi ».</summary>
    ResultsFollowUp,
    /// <summary>« Recevoir du patient des données de santé (contenus non sensibles) ».</summary>
    PatientHealthData,
    /// <summary>« Effectuer un ajustement thérapeutique ou le suivi à distance d'une maladie chronique ».</summary>
    TreatmentAdjustment,
}

public sealed record Consent
{
    public required ConsentStatus Status { get; init; }

    public ConsentMethod? Method { get; init; }

    public DateOnly? RecordedOn { get; init; }

    /// <summary>Who recorded it (an actor id, never a name).</summary>
    public string? RecordedBy { get; init; }

    public string? DocumentReference { get; init; }

    public bool Email { get; init; } = true;

    public bool Sms { get; init; }

    public IReadOnlyList<ConsentUse> Uses { get; init; } = [];

    /// <summary>Sensitive categories agreed in advance (« convenir à l'avance avec son patient du
    /// contenu à partager »); content in them is allowed, through secure delivery.</summary>
    public IReadOnlyList<TopicCategory> Categories { get; init; } = [];

    public DateOnly? ExpiresOn { get; init; }

    /// <summary>The e-mail consent is usable today: granted, for e-mail, not expired.</summary>
    public bool CoversEmailOn(DateOnly today) =>
        Status == ConsentStatus.Granted && Email && (ExpiresOn is null || ExpiresOn.Value >= today);
}
