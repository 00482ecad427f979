using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.InformedConsent;

/// <summary>The clinic's e-mail policy as settings: what the patient must be told before the first
/// exchange (« Il incombe au médecin de s'assurer que chaque patient a bien compris les tenants et
/// les aboutissants de l'utilisation des TIC »). <see cref="ConsentPolicyText"/> renders it as the
/// information text, one section per <see cref="InformedConsentItem"/>. Structured values only (no
/// free text), so every rendering exists in French and English.</summary>
public sealed record ClinicEmailPolicy
{
    /// <summary>« les délais de réponse »: business days before an answer.</summary>
    public int ResponseDelayBusinessDays { get; init; } = 2;

    /// <summary>Days on which mail is read.</summary>
    public IReadOnlyList<DayOfWeek> OpenDays { get; init; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public TimeOnly OpensAt { get; init; } = new(8, 0);

    public TimeOnly ClosesAt { get; init; } = new(17, 0);

    /// <summary>« des personnes qui auront accès au contenu des communications électroniques (par
    /// exemple, personnel administratif, infirmiers/infirmières GMF, médecins) ».</summary>
    public IReadOnlyList<MailReader> ReadBy { get; init; } = [MailReader.Physicians, MailReader.AdministrativeStaff];

    /// <summary>« Préciser si les communications par textos sont autorisées ».</summary>
    public bool TextingAllowed { get; init; }

    /// <summary>« le cas échéant, informer le patient des règles particulières applicables ».</summary>
    public IReadOnlyList<TextingRule> TextingRules { get; init; } = [];

    /// <summary>« l'utilisation souhaitée des communications électroniques »: the uses a patient may accept.</summary>
    public IReadOnlyList<ConsentUse> UsesOffered { get; init; } = Enum.GetValues<ConsentUse>();

    /// <summary>Sensitive categories the patient may agree to in advance (« convenir à l'avance avec
    /// son patient du contenu à partager »); content in them always goes through secure delivery.</summary>
    public IReadOnlyList<TopicCategory> CategoriesOffered { get; init; } = [];

    /// <summary>« selon le type de messagerie utilisée »: clinical content goes through ClinicMail's
    /// secure delivery (true) or the clinic only sends non-clinical content by e-mail (false).</summary>
    public bool SecureMessaging { get; init; } = true;

    /// <summary>« la conservation au dossier médical de tous les échanges entrants et sortants ».</summary>
    public RecordKind Record { get; init; } = RecordKind.Electronic;

    /// <summary>The clinic's phone number for the urgent-care guidance (digits, spaces, dashes, parentheses, +).</summary>
    public string ClinicPhone { get; init; } = "";
}

public enum MailReader
{
    Physicians,
    GmfNurses,
    AdministrativeStaff,
}

public enum TextingRule
{
    AppointmentsOnly,
    NoClinicalContent,
    NoPhotos,
    ClinicHoursOnly,
}

public enum RecordKind
{
    Electronic,
    Paper,
}

/// <summary>One published version of the policy: immutable; a consent names the version and hash it
/// was given on.</summary>
public sealed record ConsentPolicyVersion
{
    public required int Version { get; init; }

    public required ClinicEmailPolicy Policy { get; init; }

    /// <summary>SHA-256 (lower-case hex) of <see cref="ConsentPolicyText.Canonical"/>.</summary>
    public required string Hash { get; init; }

    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>An actor id, never a name.</summary>
    public required string PublishedBy { get; init; }
}
