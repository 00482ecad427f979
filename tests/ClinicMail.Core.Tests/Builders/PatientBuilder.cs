using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Builders;

/// <summary>Fluent patients for tests (docs/architecture.md, "Tests"): a consented patient with one personal
/// address unless told otherwise, so each test states only what it is about.</summary>
public sealed class PatientBuilder
{
    private readonly string _id;
    private string _clinicId;
    private string _family = "Tremblay";
    private string _given = "Marie";
    private string _language = "fr";
    private Restriction? _restriction;
    private readonly List<string> _terms = [];
    private readonly List<TopicCategory> _categories = [];
    private readonly List<PatientAddress> _addresses = [];
    private Consent? _consent = ConsentBuilder.Granted().Build();

    public PatientBuilder(string id)
    {
        _id = id;
        _clinicId = "C-" + id;
    }

    public static PatientBuilder Patient(string id) => new(id);

    public PatientBuilder Named(string given, string family)
    {
        _given = given;
        _family = family;
        return this;
    }

    public PatientBuilder ClinicId(string clinicId)
    {
        _clinicId = clinicId;
        return this;
    }

    public PatientBuilder Speaking(string language)
    {
        _language = language;
        return this;
    }

    public PatientBuilder WithAddress(string address, AddressKind kind = AddressKind.Personal, bool thirdPartyConsented = false)
    {
        _addresses.Add(new PatientAddress { Address = address, Kind = kind, ThirdPartyConsented = thirdPartyConsented });
        return this;
    }

    public PatientBuilder WithAddress(PatientAddress address)
    {
        _addresses.Add(address);
        return this;
    }

    public PatientBuilder WithConsent(Consent? consent)
    {
        _consent = consent;
        return this;
    }

    public PatientBuilder WithConsent(ConsentBuilder consent) => WithConsent(consent.Build());

    public PatientBuilder WithoutConsent() => WithConsent((Consent?)null);

    public PatientBuilder Restricted(string reason, DateOnly since)
    {
        _restriction = new Restriction(reason, since);
        return this;
    }

    public PatientBuilder DeclaringSensitive(params string[] terms)
    {
        _terms.AddRange(terms);
        return this;
    }

    public PatientBuilder DeclaringSensitive(params TopicCategory[] categories)
    {
        _categories.AddRange(categories);
        return this;
    }

    public Patient Build() => new()
    {
        Id = _id,
        ClinicPatientId = _clinicId,
        FamilyName = _family,
        GivenName = _given,
        Language = _language,
        Restriction = _restriction,
        DeclaredSensitiveTerms = [.. _terms],
        DeclaredSensitiveCategories = [.. _categories],
        Addresses = [.. _addresses],
        Consent = _consent,
    };
}

/// <summary>Fluent consent records.</summary>
public sealed class ConsentBuilder
{
    private ConsentStatus _status;
    private ConsentMethod? _method = ConsentMethod.SignedForm;
    private DateOnly? _recordedOn = new DateOnly(2025, 1, 15);
    private string? _recordedBy = "actor-dr-1";
    private string? _document;
    private bool _email = true;
    private bool _sms;
    private List<ConsentUse> _uses = [ConsentUse.Appointments, ConsentUse.GeneralAdvice, ConsentUse.NormalResults];
    private readonly List<TopicCategory> _categories = [];
    private DateOnly? _expiresOn;

    private ConsentBuilder(ConsentStatus status) => _status = status;

    public static ConsentBuilder Granted() => new(ConsentStatus.Granted);

    public static ConsentBuilder Refused() => new(ConsentStatus.Refused);

    public static ConsentBuilder Revoked() => new(ConsentStatus.Revoked);

    public ConsentBuilder Verbal()
    {
        _method = ConsentMethod.VerbalNoted;
        return this;
    }

    public ConsentBuilder RecordedOn(DateOnly date, string actor)
    {
        _recordedOn = date;
        _recordedBy = actor;
        return this;
    }

    public ConsentBuilder Document(string reference)
    {
        _document = reference;
        return this;
    }

    public ConsentBuilder ForUses(params ConsentUse[] uses)
    {
        _uses = [.. uses];
        return this;
    }

    public ConsentBuilder AgreeingTo(params TopicCategory[] categories)
    {
        _categories.AddRange(categories);
        return this;
    }

    public ConsentBuilder ExpiringOn(DateOnly date)
    {
        _expiresOn = date;
        return this;
    }

    public ConsentBuilder WithoutEmail()
    {
        _email = false;
        return this;
    }

    public ConsentBuilder WithSms()
    {
        _sms = true;
        return this;
    }

    public ConsentBuilder WithStatus(ConsentStatus status)
    {
        _status = status;
        return this;
    }

    public Consent Build() => new()
    {
        Status = _status,
        Method = _method,
        RecordedOn = _recordedOn,
        RecordedBy = _recordedBy,
        DocumentReference = _document,
        Email = _email,
        Sms = _sms,
        Uses = [.. _uses],
        Categories = [.. _categories],
        ExpiresOn = _expiresOn,
    };
}
