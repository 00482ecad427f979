using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Application.Handlers;

/// <summary>Create or update a patient. On update, <see cref="Addresses"/> and <see cref="Consent"/>
/// replace the stored ones only when present (null: keep); the restriction has its own routes.</summary>
public sealed record PatientRequest
{
    public string? ClinicPatientId { get; init; }

    public string? FamilyName { get; init; }

    public string? GivenName { get; init; }

    public string? Language { get; init; } = "fr";

    public IReadOnlyList<AddressRequest>? Addresses { get; init; }

    public ConsentRequest? Consent { get; init; }

    public IReadOnlyList<string>? DeclaredSensitiveTerms { get; init; }

    public IReadOnlyList<TopicCategory>? DeclaredSensitiveCategories { get; init; }
}

public sealed record AddressRequest
{
    public string? Address { get; init; }

    public AddressKind Kind { get; init; } = AddressKind.Personal;

    public bool ThirdPartyConsented { get; init; }

    public DateOnly? VerifiedOn { get; init; }

    public string? VerificationMethod { get; init; }

    public PatientAddress ToAddress() => new()
    {
        Address = Address ?? "",
        Kind = Kind,
        ThirdPartyConsented = ThirdPartyConsented,
        VerifiedOn = VerifiedOn,
        VerificationMethod = VerificationMethod,
    };
}

/// <summary>A consent as recorded (« formulaire de consentement » or « note au dossier »). Who
/// recorded it is the caller (tid/oid), never a name sent by the client.</summary>
public sealed record ConsentRequest
{
    public ConsentStatus Status { get; init; } = ConsentStatus.Granted;

    public ConsentMethod? Method { get; init; }

    public DateOnly? RecordedOn { get; init; }

    public string? DocumentReference { get; init; }

    public bool Email { get; init; } = true;

    public bool Sms { get; init; }

    public IReadOnlyList<ConsentUse>? Uses { get; init; }

    public IReadOnlyList<TopicCategory>? Categories { get; init; }

    public DateOnly? ExpiresOn { get; init; }

    public Consent ToConsent(string recordedBy) => new()
    {
        Status = Status,
        Method = Method,
        RecordedOn = RecordedOn,
        RecordedBy = recordedBy,
        DocumentReference = DocumentReference,
        Email = Email,
        Sms = Sms,
        Uses = Uses ?? [],
        Categories = Categories ?? [],
        ExpiresOn = ExpiresOn,
    };
}

public sealed record RemoveAddressRequest(string? Address);

public sealed record RestrictRequest
{
    public string? Reason { get; init; }

    /// <summary>Defaults to the clinic's today.</summary>
    public DateOnly? Since { get; init; }
}

/// <summary>Search by name (accent- and case-insensitive word prefixes) or by clinic id (exact).
/// A POST with a body, not a query string: names must not land in URL access logs.</summary>
public sealed record SearchRequest
{
    public string? Name { get; init; }

    public string? ClinicPatientId { get; init; }

    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 25;
}

/// <summary>Look up patients by address. A POST for the same reason as <see cref="SearchRequest"/>.</summary>
public sealed record LookupRequest(IReadOnlyList<string>? Addresses);

public sealed record LookupResponse(IReadOnlyList<LookupMatch> Matches);

public sealed record LookupMatch(string Address, IReadOnlyList<Patient> Patients);

public sealed record PatientPageResponse(IReadOnlyList<Patient> Patients, int Total, int Page, int PageSize);

public sealed record HistoryResponse(string PatientId, IReadOnlyList<RegistryChange> Changes);

public sealed record ImportResponse
{
    public required bool DryRun { get; init; }

    public required bool Written { get; init; }

    public required int Rows { get; init; }

    public required int Patients { get; init; }

    public int Inserted { get; init; }

    public int Updated { get; init; }

    public int Unchanged { get; init; }

    public IReadOnlyList<ImportErrorResponse> Errors { get; init; } = [];
}

public sealed record ImportErrorResponse(int Line, string Column, string Message, string MessageFr, string MessageEn);
