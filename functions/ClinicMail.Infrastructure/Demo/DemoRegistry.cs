using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Infrastructure.Demo;

/// <summary>The demo clinic's registry: fictional patients, one per case the checks must handle
/// (documented in docs/demo-registry.md, which must be kept in step with this list). Clinic numbers
/// are 555-01xx; addresses are on reserved example domains or have made-up local parts on consumer
/// domains so the look-alike demos (gmial.com, vidéotron.ca…) have something to resemble.</summary>
public static class DemoRegistry
{
    /// <summary>The actor id recorded in the registry history for the seed.</summary>
    public const string SeedActorId = "demo-seed";

    private static readonly DateOnly Recorded = new(2025, 1, 15);

    private static readonly ConsentUse[] BroadUses =
    [
        ConsentUse.Appointments, ConsentUse.GeneralAdvice, ConsentUse.NormalResults,
        ConsentUse.ResultsFollowUp, ConsentUse.PatientHealthData, ConsentUse.TreatmentAdjustment,
    ];

    public static IReadOnlyList<Patient> Patients { get; } =
    [
        Patient("demo-p01", "555-0101", "Marie", "Tremblay", Personal("marie.tremblay@videotron.ca"), Granted(BroadUses)),
        Patient("demo-p02", "555-0102", "Jean-François", "Gagnon", Personal("jf.gagnon@gmail.com"),
            Granted(BroadUses) with { Categories = [TopicCategory.MentalHealth], DocumentReference = "FORM-2025-002" }),
        Patient("demo-p03", "555-0103", "Sophie", "Roy", Personal("sophie.roy@example.com"),
            Granted([ConsentUse.Appointments]) with { Method = ConsentMethod.VerbalNoted }),
        Patient("demo-p04", "555-0104", "Luc", "Côté", Personal("luc.cote@example.org"), null),
        Patient("demo-p05", "555-0105", "Isabelle", "Bouchard", Personal("isabelle.bouchard@hotmail.com"),
            Granted([]) with { Status = ConsentStatus.Refused }),
        Patient("demo-p06", "555-0106", "Pierre", "Gauthier", Personal("pierre.gauthier@sympatico.ca"),
            Granted(BroadUses) with { Status = ConsentStatus.Revoked, RecordedOn = new DateOnly(2025, 3, 2) }),
        Patient("demo-p07", "555-0107", "Nathalie", "Morin", Personal("nathalie.morin@example.net"),
            Granted(BroadUses) with { RecordedOn = new DateOnly(2023, 1, 10), ExpiresOn = new DateOnly(2024, 12, 31) }),
        Patient("demo-p08", "555-0108", "Michel", "Lavoie", Personal("michel.lavoie@gmail.com"), Granted(BroadUses)) with
        {
            Restriction = new Restriction("Privilèges de courriel restreints par le médecin", new DateOnly(2025, 2, 1)),
        },
        Patient("demo-p09", "555-0109", "Chantal", "Fortin",
            new PatientAddress { Address = "c.fortin@employeur.example.com", Kind = AddressKind.Employer, ThirdPartyConsented = true },
            Granted(BroadUses)),
        Patient("demo-p10", "555-0110", "Robert", "Gagné",
            new PatientAddress { Address = "r.gagne@employeur.example.com", Kind = AddressKind.Employer, ThirdPartyConsented = false },
            Granted(BroadUses)),
        Patient("demo-p11", "555-0111", "Émilie", "Ouellet",
            new PatientAddress { Address = "emilie.ouellet@etu.cegep-exemple.example", Kind = AddressKind.School, ThirdPartyConsented = true },
            Granted([ConsentUse.Appointments, ConsentUse.NormalResults])),
        Patient("demo-p12", "555-0112", "André", "Pelletier",
            new PatientAddress { Address = "famille.pelletier@videotron.ca", Kind = AddressKind.FamilyShared, ThirdPartyConsented = true },
            Granted(BroadUses)),
        Patient("demo-p13", "555-0113", "Louise", "Pelletier",
            new PatientAddress { Address = "famille.pelletier@videotron.ca", Kind = AddressKind.FamilyShared, ThirdPartyConsented = true },
            Granted([ConsentUse.Appointments, ConsentUse.NormalResults])),
        Patient("demo-p14", "555-0114", "Julie", "Bélanger", Personal("julie.belanger@gmail.com"), Granted(BroadUses)) with
        {
            DeclaredSensitiveTerms = ["fausse couche", "fécondation in vitro"],
            DeclaredSensitiveCategories = [TopicCategory.Emotional],
        },
        Patient("demo-p15", "555-0115", "David", "Smith", Personal("david.smith@example.com"), Granted(BroadUses)) with
        {
            Language = "en",
        },
        Patient("demo-p16", "555-0116", "Zoé", "Lévesque", Personal("zoe.levesque@yahoo.ca"),
            Granted(BroadUses) with { Email = false, Sms = true }),
    ];

    /// <summary>Writes the demo patients. Idempotent: a second run changes nothing and writes no history.</summary>
    public static Task<UpsertSummary> SeedAsync(IPatientStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.UpsertManyAsync(Patients, SeedActorId, cancellationToken);
    }

    private static PatientAddress Personal(string address) => new()
    {
        Address = address,
        VerifiedOn = Recorded,
        VerificationMethod = "code_confirmed",
    };

    private static Consent Granted(ConsentUse[] uses) => new()
    {
        Status = ConsentStatus.Granted,
        Method = ConsentMethod.SignedForm,
        RecordedOn = Recorded,
        RecordedBy = "actor-demo-md",
        Email = true,
        Uses = uses,
    };

    private static Patient Patient(string id, string clinicId, string given, string family, PatientAddress address, Consent? consent) => new()
    {
        Id = id,
        ClinicPatientId = clinicId,
        GivenName = given,
        FamilyName = family,
        Addresses = [address],
        Consent = consent,
    };
}
