using ClinicMail.Core.Registry;
using ClinicMail.Core.Tests.Builders;
using ClinicMail.Core.Topics;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>What every <see cref="IPatientStore"/> must do, run on SQLite and on a real PostgreSQL
/// server. Each test uses its own ids (a GUID prefix), so no test depends on another's data.</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public sealed class PatientStoreContractTests(StorageProvider provider)
{
    private TestStorage _storage = null!;
    private IPatientStore _store = null!;
    private string _p = null!;

    [OneTimeSetUp]
    public async Task CreateAsync()
    {
        _storage = await TestStorage.CreateAsync(provider);
        _store = _storage.Backend.Patients;
    }

    [OneTimeTearDown]
    public async Task ReleaseAsync() => await _storage.DisposeAsync();

    [SetUp]
    public void UniquePrefix() => _p = "t" + Guid.NewGuid().ToString("N")[..10];

    private PatientBuilder New(string name) => PatientBuilder.Patient($"{_p}-{name}").ClinicId($"{_p}-C-{name}");

    private string Mail(string local, string domain = "example.com") => $"{local}.{_p}@{domain}";

    [Test]
    public async Task WriteAsync_NewPatient_RoundTripsEveryField()
    {
        var patient = New("a").Named("Jean-François", "Côté").Speaking("en")
            .WithAddress(new PatientAddress { Address = Mail("JF.Cote"), Kind = AddressKind.Employer, ThirdPartyConsented = true, VerifiedOn = new DateOnly(2025, 2, 3), VerificationMethod = "code_confirmed" })
            .WithAddress(Mail("famille"), AddressKind.FamilyShared, true)
            .WithConsent(ConsentBuilder.Granted().Verbal().RecordedOn(new DateOnly(2025, 1, 2), "actor-x").Document("F-1")
                .ForUses(ConsentUse.Appointments, ConsentUse.NormalResults).AgreeingTo(TopicCategory.MentalHealth).ExpiringOn(new DateOnly(2027, 1, 1)).WithSms())
            .Restricted("raison", new DateOnly(2025, 3, 4))
            .DeclaringSensitive("fausse couche").DeclaringSensitive(TopicCategory.Emotional)
            .Build();

        var diffs = await _store.WriteAsync([patient], "actor-test");
        var stored = await _store.GetAsync(patient.Id);

        Assert.Multiple(() =>
        {
            Assert.That(diffs.Single().Outcome, Is.EqualTo(UpsertOutcome.Inserted));
            Assert.That(stored, Is.Not.Null);
            Assert.That(stored!.Addresses[0].Address, Is.EqualTo(Mail("jf.cote")), "addresses are stored normalized");
            Assert.That(stored with { Addresses = [] }, Is.EqualTo(patient with { Addresses = [] }).Using<Patient>(Same));
            Assert.That(stored.Addresses.Skip(1), Is.EqualTo(patient.Addresses.Skip(1)));
            Assert.That(stored.Addresses[0] with { Address = "" }, Is.EqualTo(patient.Addresses[0] with { Address = "" }));
        });
    }

    private static bool Same(Patient a, Patient b) =>
        a.Id == b.Id && a.ClinicPatientId == b.ClinicPatientId && a.FamilyName == b.FamilyName && a.GivenName == b.GivenName
        && a.Language == b.Language && a.Restriction == b.Restriction && a.DeclaredSensitiveTerms.SequenceEqual(b.DeclaredSensitiveTerms)
        && a.DeclaredSensitiveCategories.SequenceEqual(b.DeclaredSensitiveCategories)
        && (a.Consent is null ? b.Consent is null : b.Consent is not null && a.Consent with { Uses = [], Categories = [] } == b.Consent with { Uses = [], Categories = [] }
            && a.Consent.Uses.SequenceEqual(b.Consent.Uses) && a.Consent.Categories.SequenceEqual(b.Consent.Categories));

    [Test]
    public async Task WriteAsync_SameStateTwice_UnchangedAndNoHistory()
    {
        var patient = New("b").WithAddress(Mail("b")).Build();
        await _store.WriteAsync([patient], "actor-test");
        var before = await _store.HistoryAsync(patient.Id);

        var second = await _store.WriteAsync([patient], "actor-test");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(second.Single().Outcome, Is.EqualTo(UpsertOutcome.Unchanged));
            Assert.That(await _store.HistoryAsync(patient.Id), Has.Count.EqualTo(before.Count));
        });
    }

    [Test]
    public async Task WriteAsync_ChangedFields_HistoryNamesFieldsNotValues()
    {
        var patient = New("c").Named("Luc", "Roy").WithAddress(Mail("c")).Build();
        await _store.WriteAsync([patient], "actor-1");

        var diff = (await _store.WriteAsync([patient with
        {
            FamilyName = "Royer",
            Addresses = [patient.Addresses[0] with { Kind = AddressKind.School, ThirdPartyConsented = true }, new PatientAddress { Address = Mail("c2") }],
            Consent = patient.Consent! with { Status = ConsentStatus.Revoked },
        }], "actor-2")).Single();
        var history = await _store.HistoryAsync(patient.Id);

        Assert.Multiple(() =>
        {
            Assert.That(diff.Outcome, Is.EqualTo(UpsertOutcome.Updated));
            Assert.That(diff.PatientFieldsChanged, Is.EqualTo(new[] { "family_name" }));
            Assert.That(diff.AddressesUpdated.Single().Fields, Is.EquivalentTo(new[] { "kind", "third_party_consented" }));
            Assert.That(diff.ConsentFieldsChanged, Is.EqualTo(new[] { "status" }));
            var latest = history.Where(h => h.ActorId == "actor-2").ToList();
            Assert.That(latest.Select(h => (h.Entity, h.Operation)), Is.EquivalentTo(new[] { ("patient", "update"), ("address", "update"), ("address", "insert"), ("consent", "update") }));
            Assert.That(latest.SelectMany(h => h.Fields), Has.None.Contains("Royer").And.None.Contains("@"));
        });
    }

    [Test]
    public async Task WriteAsync_DuplicateClinicId_ConflictAndNothingWritten()
    {
        var first = New("d1").ClinicId($"{_p}-same").WithAddress(Mail("d1")).Build();
        await _store.WriteAsync([first], "actor-test");
        var other = New("d2").WithAddress(Mail("d2")).Build();
        var clash = New("d3").ClinicId($"{_p}-same").WithAddress(Mail("d3")).Build();

        var error = Assert.ThrowsAsync<RegistryConflictException>(() => _store.WriteAsync([other, clash], "actor-test"));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(error!.Conflict, Is.EqualTo(RegistryConflict.ClinicPatientId));
            Assert.That(await _store.GetAsync(other.Id), Is.Null, "the whole call is rolled back");
        });
    }

    [TestCase(AddressKind.Personal, AddressKind.Personal, true)]
    [TestCase(AddressKind.FamilyShared, AddressKind.Personal, true)]
    [TestCase(AddressKind.FamilyShared, AddressKind.FamilyShared, false)]
    public async Task WriteAsync_AddressOfAnotherPatient_ConflictUnlessBothFamilyShared(AddressKind first, AddressKind second, bool conflict)
    {
        var shared = Mail("famille");
        await _store.WriteAsync([New("e1").WithAddress(shared, first, true).Build()], "actor-test");
        var write = () => _store.WriteAsync([New("e2").WithAddress(shared, second, true).Build()], "actor-test");

        if (conflict)
        {
            var error = Assert.ThrowsAsync<RegistryConflictException>(() => write());
            Assert.That(error!.Conflict, Is.EqualTo(RegistryConflict.Address));
        }
        else
        {
            Assert.That((await write()).Single().Outcome, Is.EqualTo(UpsertOutcome.Inserted));
        }
    }

    [Test]
    public async Task WriteAsync_InvalidAddress_ArgumentException()
    {
        var patient = New("f").WithAddress("not an address").Build();

        Assert.ThrowsAsync<ArgumentException>(() => _store.WriteAsync([patient], "actor-test"));
        Assert.That(await _store.GetAsync(patient.Id), Is.Null);
    }

    [Test]
    public async Task SearchAsync_AccentAndCaseInsensitive_PagedInNameOrder()
    {
        var family = "Côté" + _p;
        await _store.WriteAsync(
        [
            New("g1").Named("Émilie", family).WithAddress(Mail("g1")).Build(),
            New("g2").Named("Eric", family).WithAddress(Mail("g2")).Build(),
            New("g3").Named("Zoé", family).WithAddress(Mail("g3")).Build(),
            New("g4").Named("Emile", "Autre" + _p).WithAddress(Mail("g4")).Build(),
        ], "actor-test");

        var byFamily = await _store.SearchAsync(new PatientSearch { Name = "COTE" + _p.ToUpperInvariant(), PageSize = 2 });
        var page2 = await _store.SearchAsync(new PatientSearch { Name = "cote" + _p, Page = 2, PageSize = 2 });
        var twoWords = await _store.SearchAsync(new PatientSearch { Name = "emi cOTÉ" + _p });
        var byClinic = await _store.SearchAsync(new PatientSearch { ClinicPatientId = $"{_p}-C-g4" });

        Assert.Multiple(() =>
        {
            Assert.That(byFamily.Total, Is.EqualTo(3));
            Assert.That(byFamily.Patients.Select(p => p.GivenName), Is.EqualTo(new[] { "Émilie", "Eric" }));
            Assert.That(page2.Patients.Select(p => p.GivenName), Is.EqualTo(new[] { "Zoé" }));
            Assert.That(twoWords.Patients.Select(p => p.Id), Is.EqualTo(new[] { $"{_p}-g1" }));
            Assert.That(byClinic.Patients.Single().Addresses, Has.Count.EqualTo(1), "search results are complete patients");
        });
    }

    [Test]
    public async Task GetManyByClinicIdsAsync_SomeAbsent_OnlyStored()
    {
        await _store.WriteAsync([New("h1").WithAddress(Mail("h1")).Build(), New("h2").WithAddress(Mail("h2")).Build()], "actor-test");

        var found = await _store.GetManyByClinicIdsAsync([$"{_p}-C-h1", $"{_p}-C-h2", $"{_p}-C-absent"]);

        Assert.That(found.Keys, Is.EquivalentTo(new[] { $"{_p}-C-h1", $"{_p}-C-h2" }));
    }

    [Test]
    public async Task WriteAsync_SamePatientTwiceInOneCall_ArgumentException()
    {
        var patient = New("i").WithAddress(Mail("i")).Build();

        Assert.ThrowsAsync<ArgumentException>(() => _store.WriteAsync([patient, patient], "actor-test"));
        Assert.That(await _store.GetAsync(patient.Id), Is.Null);
    }
}
