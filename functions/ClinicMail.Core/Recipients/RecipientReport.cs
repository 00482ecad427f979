using ClinicMail.Core.Drafts;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Recipients;

/// <summary>Where a recipient's mailbox lives relative to the organisation.</summary>
public enum RecipientScope
{
    /// <summary>One of the organisation's own domains (the ".med" tenant): stays in the secure network.</summary>
    Internal,
    External,
}

/// <summary>The one-word status the add-in shows next to each recipient.</summary>
public enum RecipientStatus
{
    /// <summary>An internal colleague.</summary>
    Internal,
    /// <summary>A registered patient whose consent covers e-mail.</summary>
    ConsentedPatient,
    /// <summary>A registered patient without usable consent (none, refused, revoked, expired, or no e-mail).</summary>
    PatientWithoutConsent,
    /// <summary>A registered patient whose e-mail privileges were restricted.</summary>
    RestrictedPatient,
    /// <summary>A registered address that belongs to a third party (employer, school, shared family account).</summary>
    ThirdParty,
    /// <summary>Not in the registry but close to a registered address: probably a typo.</summary>
    Lookalike,
    /// <summary>External and not in the registry.</summary>
    Unknown,
    /// <summary>The address itself is not a valid e-mail address.</summary>
    Invalid,
}

/// <summary>How a near miss resembles the registered address.</summary>
public enum LookalikeTechnique
{
    /// <summary>One or two edits (typo, swapped, missing or doubled character) in the local part or domain.</summary>
    EditDistance,
    /// <summary>A well-known misspelling of a mail provider's domain (gmial.com, hotmial.com…).</summary>
    DomainTypo,
    /// <summary>Characters that look the same (Cyrillic or Greek letters, "rn" for "m", "0" for "o").</summary>
    Confusable,
    /// <summary>An internationalised (xn--) domain that displays like a registered one.</summary>
    Punycode,
}

public sealed record LookalikeMatch(string Resembles, string PatientId, LookalikeTechnique Technique);

public sealed record ConsentSummary
{
    /// <summary>granted | refused | revoked | expired | none | no_email.</summary>
    public required string State { get; init; }

    public ConsentMethod? Method { get; init; }

    public IReadOnlyList<ConsentUse> Uses { get; init; } = [];

    public IReadOnlyList<TopicCategory> Categories { get; init; } = [];
}

/// <summary>Everything the check learned about one recipient.</summary>
public sealed record RecipientReport
{
    public required string Address { get; init; }

    public required RecipientField Field { get; init; }

    public required RecipientScope Scope { get; init; }

    public required RecipientStatus Status { get; init; }

    /// <summary>Registry id of the patient, when the address is registered. For a family-shared
    /// address used by several patients, the first; all are in <see cref="PatientIds"/>.</summary>
    public string? PatientId { get; init; }

    public IReadOnlyList<string> PatientIds { get; init; } = [];

    public ConsentSummary? Consent { get; init; }

    public AddressKind? AddressKind { get; init; }

    public bool? ThirdPartyConsented { get; init; }

    public bool Restricted { get; init; }

    /// <summary>True when the domain is a consumer mailbox provider (Gmail, Hotmail, Yahoo…): « les
    /// comptes de type Gmail, Hotmail et autres ne sont pas considérés comme sécuritaires ».</summary>
    public bool ConsumerMailbox { get; init; }

    public LookalikeMatch? Lookalike { get; init; }

    /// <summary>The patients this report resolved to (not serialized: the policy needs them, the caller does not).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<Patient> Patients { get; init; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsPatient => Patients.Count > 0;
}
