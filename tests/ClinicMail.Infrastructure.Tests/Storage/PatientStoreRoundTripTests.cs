using ClinicMail.Core.Registry;
using ClinicMail.Core.Tests.Builders;
using ClinicMail.Core.Topics;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The patient store's round trips, history and guards on a registry of its own per test
/// (fixed ids), run on SQLite and on a real PostgreSQL server (<see cref="StorageProviders"/>).</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public sealed class PatientStoreRoundTripTests(StorageProvider provider)
{
    private TestStorage _storage = null!;
    private IPatientStore _store = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _storage = await TestStorage.CreateAsync(provider);
        _store = _storage.Backend.Patients;
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    private static Patient FullPatient() => PatientBuilder.Patient("p-1").Named("Geneviève", "Côté").ClinicId("555-0199").Speaking("en")
        .WithAddress(new PatientAddress
        {
            Address = "Genevieve.Cote@Videotron.CA",
            VerifiedOn = new DateOnly(2025, 2, 3),
            VerificationMethod = "code_confirmed",
        })
        .WithAddress("g.cote@employeur.example.com", AddressKind.Employer, thirdPartyConsented: true)
        .WithConsent(ConsentBuilder.Granted().Verbal().RecordedOn(new DateOnly(2025, 2, 1), "actor-dr-7").Document("NOTE-12")
            .ForUses(ConsentUse.Appointments, ConsentUse.ResultsFollowUp).AgreeingTo(TopicCategory.MentalHealth, TopicCategory.Oncology)
            .ExpiringOn(new DateOnly(2027, 2, 1)).WithSms())
        .Restricted("motif", new DateOnly(2025, 4, 1))
        .DeclaringSensitive("fausse couche", "FIV")
        .DeclaringSensitive(TopicCategory.Emotional)
        .Build();

    [Test]
    public async Task UpsertAsync_ThenGet_RoundTripsEveryField()
    {
        var patient = FullPatient();

        var outcome = await _store.UpsertAsync(patient, "actor-admin");
        var read = await _store.GetAsync("p-1");

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(UpsertOutcome.Inserted));
            Assert.That(read, Is.Not.Null);
            Assert.That(read!.ClinicPatientId, Is.EqualTo("555-0199"));
            Assert.That(read.GivenName, Is.EqualTo("Geneviève"));
            Assert.That(read.FamilyName, Is.EqualTo("Côté"));
            Assert.That(read.Language, Is.EqualTo("en"));
            Assert.That(read.Restriction, Is.EqualTo(patient.Restriction));
            Assert.That(read.DeclaredSensitiveTerms, Is.EqualTo(patient.DeclaredSensitiveTerms));
            Assert.That(read.DeclaredSensitiveCategories, Is.EqualTo(patient.DeclaredSensitiveCategories));
            Assert.That(read.Addresses.Select(a => a.Address), Is.EqualTo(new[] { "genevieve.cote@videotron.ca", "g.cote@employeur.example.com" }));
            Assert.That(read.Addresses[0] with { }, Is.EqualTo(patient.Addresses[0] with { Address = "genevieve.cote@videotron.ca" }));
            Assert.That(read.Addresses[1], Is.EqualTo(patient.Addresses[1]));
            Assert.That(read.Consent!.Status, Is.EqualTo(ConsentStatus.Granted));
            Assert.That(read.Consent.Method, Is.EqualTo(ConsentMethod.VerbalNoted));
            Assert.That(read.Consent.RecordedOn, Is.EqualTo(new DateOnly(2025, 2, 1)));
            Assert.That(read.Consent.RecordedBy, Is.EqualTo("actor-dr-7"));
            Assert.That(read.Consent.DocumentReference, Is.EqualTo("NOTE-12"));
            Assert.That(read.Consent.Sms, Is.True);
            Assert.That(read.Consent.Email, Is.True);
            Assert.That(read.Consent.Uses, Is.EqualTo(patient.Consent!.Uses));
            Assert.That(read.Consent.Categories, Is.EqualTo(patient.Consent.Categories));
            Assert.That(read.Consent.ExpiresOn, Is.EqualTo(new DateOnly(2027, 2, 1)));
        });
    }

    [Test]
    public async Task GetByClinicIdAsync_Stored_Found()
    {
        await _store.UpsertAsync(FullPatient(), "actor-admin");

        var read = await _store.GetByClinicIdAsync("555-0199");

        Assert.That(read?.Id, Is.EqualTo("p-1"));
    }

    [Test]
    public async Task GetAsync_Absent_Null()
    {
        var byId = await _store.GetAsync("absent");
        var byClinicId = await _store.GetByClinicIdAsync("absent");

        Assert.Multiple(() =>
        {
            Assert.That(byId, Is.Null);
            Assert.That(byClinicId, Is.Null);
        });
    }

    [Test]
    public async Task UpsertAsync_EveryEnumValue_RoundTrips()
    {
        var patient = PatientBuilder.Patient("p-enums")
            .WithAddress("a@example.com", AddressKind.Personal)
            .WithAddress("b@example.com", AddressKind.Employer)
            .WithAddress("c@example.com", AddressKind.School)
            .WithAddress("d@example.com", AddressKind.FamilyShared)
            .WithAddress("e@example.com", AddressKind.OtherThirdParty)
            .WithConsent(ConsentBuilder.Revoked().ForUses(Enum.GetValues<ConsentUse>()).AgreeingTo(Enum.GetValues<TopicCategory>()))
            .DeclaringSensitive(Enum.GetValues<TopicCategory>())
            .Build();

        await _store.UpsertAsync(patient, "actor-admin");
        var read = await _store.GetAsync("p-enums");

        Assert.Multiple(() =>
        {
            Assert.That(read!.Addresses.Select(a => a.Kind), Is.EqualTo(Enum.GetValues<AddressKind>()));
            Assert.That(read.Consent!.Status, Is.EqualTo(ConsentStatus.Revoked));
            Assert.That(read.Consent.Uses, Is.EqualTo(Enum.GetValues<ConsentUse>()));
            Assert.That(read.Consent.Categories, Is.EqualTo(Enum.GetValues<TopicCategory>()));
            Assert.That(read.DeclaredSensitiveCategories, Is.EqualTo(Enum.GetValues<TopicCategory>()));
        });
    }

    [Test]
    public async Task UpsertAsync_Insert_HistoryNamesFieldsNeverValues()
    {
        var patient = FullPatient();

        await _store.UpsertAsync(patient, "actor-admin");
        var history = await _store.HistoryAsync("p-1");

        Assert.Multiple(() =>
        {
            Assert.That(history.Select(h => (h.Entity, h.Operation)), Is.EqualTo(new[]
            {
                ("patient", "insert"), ("address", "insert"), ("address", "insert"), ("consent", "insert"),
            }));
            Assert.That(history.Select(h => h.ActorId), Is.All.EqualTo("actor-admin"));
            Assert.That(history[0].Fields, Does.Contain("family_name").And.Contain("restriction"));
            var everything = string.Join(" ", history.SelectMany(h => h.Fields));
            foreach (var value in new[] { "Côté", "Geneviève", "videotron", "fausse", "motif", "555-0199", "NOTE-12" })
            {
                Assert.That(everything, Does.Not.Contain(value));
            }
        });
    }

    [Test]
    public async Task UpsertAsync_SamePatientTwice_UnchangedAndNoHistory()
    {
        await _store.UpsertAsync(FullPatient(), "actor-admin");
        var before = (await _store.HistoryAsync("p-1")).Count;

        var outcome = await _store.UpsertAsync(FullPatient(), "actor-admin");
        var after = (await _store.HistoryAsync("p-1")).Count;

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(UpsertOutcome.Unchanged));
            Assert.That(after, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task UpsertAsync_ChangedFields_UpdatedWithFieldNames()
    {
        await _store.UpsertAsync(FullPatient(), "actor-admin");
        var changed = FullPatient() with
        {
            FamilyName = "Côté-Roy",
            Restriction = null,
            Addresses = [new PatientAddress { Address = "genevieve.cote@videotron.ca", VerifiedOn = new DateOnly(2025, 2, 3), VerificationMethod = "code_confirmed" },
                new PatientAddress { Address = "gcote@gmail.com" }],
            Consent = FullPatient().Consent! with { Status = ConsentStatus.Revoked },
        };

        var outcome = await _store.UpsertAsync(changed, "actor-clerk");
        var history = (await _store.HistoryAsync("p-1")).Where(h => string.Equals(h.ActorId, "actor-clerk", StringComparison.Ordinal)).ToList();
        var read = await _store.GetAsync("p-1");

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(UpsertOutcome.Updated));
            Assert.That(history.Single(h => h.Entity == "patient").Fields, Is.EquivalentTo(new[] { "family_name", "restriction" }));
            Assert.That(history.Where(h => h.Entity == "address").Select(h => h.Operation), Is.EquivalentTo(new[] { "delete", "insert" }));
            Assert.That(history.Single(h => h.Entity == "consent").Fields, Is.EqualTo(new[] { "status" }));
            Assert.That(read!.FamilyName, Is.EqualTo("Côté-Roy"));
            Assert.That(read.Restriction, Is.Null);
            Assert.That(read.Addresses.Select(a => a.Address), Is.EqualTo(new[] { "genevieve.cote@videotron.ca", "gcote@gmail.com" }));
            Assert.That(read.Consent!.Status, Is.EqualTo(ConsentStatus.Revoked));
        });
    }

    [Test]
    public async Task UpsertAsync_ConsentCleared_PatientHasNoConsentButHistoryKept()
    {
        await _store.UpsertAsync(FullPatient(), "actor-admin");

        await _store.UpsertAsync(FullPatient() with { Consent = null }, "actor-admin");
        var read = await _store.GetAsync("p-1");
        var history = await _store.HistoryAsync("p-1");

        Assert.Multiple(() =>
        {
            Assert.That(read!.Consent, Is.Null);
            Assert.That(history.Last().Entity, Is.EqualTo("consent"));
            Assert.That(history.Last().Operation, Is.EqualTo("delete"));
        });
    }

    [Test]
    public void UpsertAsync_InvalidAddress_RefusedWithoutTheAddressInTheMessage()
    {
        var patient = PatientBuilder.Patient("p-bad").WithAddress("secret-person at example.com").Build();

        var error = Assert.ThrowsAsync<ArgumentException>(() => _store.UpsertAsync(patient, "actor-admin"));

        Assert.That(error!.Message, Does.Not.Contain("secret-person"));
    }

    [Test]
    public async Task UpsertAsync_DuplicateClinicId_ConflictAndNothingWritten()
    {
        await _store.UpsertAsync(PatientBuilder.Patient("p-a").ClinicId("555-0100").WithAddress("a@example.com").Build(), "actor-admin");

        Assert.ThrowsAsync<RegistryConflictException>(() =>
            _store.UpsertAsync(PatientBuilder.Patient("p-b").ClinicId("555-0100").WithAddress("b@example.com").Build(), "actor-admin"));
        Assert.That(await _store.GetAsync("p-b"), Is.Null);
    }

    [Test]
    public async Task UpsertManyAsync_OneInvalid_NoneWritten()
    {
        Patient[] batch =
        [
            PatientBuilder.Patient("p-ok").WithAddress("ok@example.com").Build(),
            PatientBuilder.Patient("p-bad").WithAddress("not an address").Build(),
        ];

        Assert.ThrowsAsync<ArgumentException>(() => _store.UpsertManyAsync(batch, "actor-admin"));
        Assert.That(await _store.GetAsync("p-ok"), Is.Null);
    }

    [Test]
    public async Task RefreshAddressKeysAsync_StaleVersion_Rekeyed()
    {
        await _store.UpsertAsync(FullPatient(), "actor-admin");
        await _storage.Database.ExecuteAsync("UPDATE patient_addresses SET keys_version = 0, skeleton = 'stale', domain = 'stale';", CancellationToken.None);

        var rekeyed = await _store.RefreshAddressKeysAsync();
        var again = await _store.RefreshAddressKeysAsync();
        var candidates = await _storage.Backend.Directory.FindNearMissCandidatesAsync([AddressKeys.For("genevieve.cote@videotron.ca")]);

        Assert.Multiple(() =>
        {
            Assert.That(rekeyed, Is.EqualTo(2));
            Assert.That(again, Is.Zero);
            Assert.That(candidates.Select(c => c.Address.Address), Does.Contain("genevieve.cote@videotron.ca"));
        });
    }
}
