using ClinicMail.Core.Drafts;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Tests.Builders;
using ClinicMail.Infrastructure.Demo;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>What every <see cref="IPatientDirectory"/> must answer, checked against the in-memory
/// directory on the same generated registry, by the in-memory directory itself and by both
/// providers' directories, with near misses searched in the database or in the in-process index.</summary>
[TestFixtureSource(typeof(DirectoryUnderTest), nameof(DirectoryUnderTest.All))]
public sealed class PatientDirectoryContractTests(DirectoryUnderTest under)
{
    private const int GeneratedCount = 3000;
    private const int Seed = 20250601;

    private static readonly Patient[] Explicit =
    [
        PatientBuilder.Patient("c-andre").WithAddress("famille.pelletier@videotron.ca", AddressKind.FamilyShared, true).Build(),
        PatientBuilder.Patient("c-louise").WithAddress("famille.pelletier@videotron.ca", AddressKind.FamilyShared, true)
            .WithConsent(ConsentBuilder.Refused()).Build(),
        PatientBuilder.Patient("c-jean").WithAddress("jean.gagnon@gmail.com").WithAddress("j.gagnon@employeur.example.com", AddressKind.Employer).Build(),
    ];

    private IReadOnlyList<Patient> _patients = null!;
    private InMemoryPatientDirectory _reference = null!;
    private IPatientDirectory _directory = null!;

    private TestStorage? _storage;

    /// <summary>Builds the directory under test holding exactly these patients.</summary>
    private async Task<IPatientDirectory> CreateDirectoryAsync(IReadOnlyList<Patient> patients)
    {
        if (under.Provider is not { } provider)
        {
            return new InMemoryPatientDirectory(patients);
        }

        _storage = await TestStorage.CreateAsync(provider, under.InProcessNearMiss);
        await _storage.Backend.Patients.UpsertManyAsync(patients, "actor-test");
        // The in-process index built before the tests run (nothing to do when the database searches).
        await _storage.Backend.WarmUpNearMissIndexAsync();
        return _storage.Backend.Directory;
    }

    [OneTimeSetUp]
    public async Task CreateAsync()
    {
        _patients = [.. RegistryGenerator.Generate(GeneratedCount, Seed), .. Explicit];
        _reference = new InMemoryPatientDirectory(_patients);
        _directory = await CreateDirectoryAsync(_patients);
    }

    [OneTimeTearDown]
    public async Task ReleaseAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    private IEnumerable<string> SampleAddresses() =>
        _patients.Where((_, i) => i % 15 == 0).SelectMany(p => p.Addresses).Select(a => AddressNormalizer.Normalize(a.Address)!);

    /// <summary>Deterministic typos of registered addresses: swapped letters, a dropped letter, a
    /// provider typo, a Cyrillic letter.</summary>
    private IEnumerable<string> Typos() => SampleAddresses().Select((address, i) =>
    {
        var local = AddressNormalizer.LocalPart(address);
        var domain = AddressNormalizer.Domain(address);
        return (i % 4) switch
        {
            0 => string.Concat(local[1].ToString(), local[0].ToString(), local[2..], "@", domain),
            1 => string.Concat(local[..^1], "@", domain),
            2 => string.Concat(local, "@", domain.Replace("gmail", "gmial", StringComparison.Ordinal)),
            _ => AddressNormalizer.Normalize(address.Replace('a', '\u0430'))!,
        };
    });

    private static string Describe(DirectoryMatch match) =>
        string.Join("|", match.Patient.Id, match.Address.Address, match.Address.Kind, match.Address.ThirdPartyConsented,
            match.Patient.Consent?.Status.ToString() ?? "none", match.Patient.Addresses.Count);

    [Test]
    public async Task FindByAddressesAsync_SampleAndAbsent_SameAsReference()
    {
        string[] addresses = [.. SampleAddresses(), "absent.person@example.com", "personne@gmial.com"];

        var expected = await _reference.FindByAddressesAsync(addresses);
        var actual = await _directory.FindByAddressesAsync(addresses);

        Assert.Multiple(() =>
        {
            Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
            foreach (var (address, matches) in expected)
            {
                Assert.That(actual[address].Select(Describe), Is.EquivalentTo(matches.Select(Describe)));
            }
        });
    }

    [Test]
    public async Task FindByAddressesAsync_FamilyAddress_EveryPatientComplete()
    {
        var found = await _directory.FindByAddressesAsync(["famille.pelletier@videotron.ca", "jean.gagnon@gmail.com"]);

        Assert.Multiple(() =>
        {
            Assert.That(found["famille.pelletier@videotron.ca"].Select(m => m.Patient.Id), Is.EquivalentTo(new[] { "c-andre", "c-louise" }));
            Assert.That(found["jean.gagnon@gmail.com"].Single().Patient.Addresses, Has.Count.EqualTo(2), "the patient comes with all its addresses");
        });
    }

    [Test]
    public async Task FindByAddressesAsync_Empty_Empty()
    {
        var found = await _directory.FindByAddressesAsync([]);

        Assert.That(found, Is.Empty);
    }

    [Test]
    public async Task FindNearMissCandidatesAsync_Typos_SameCandidatesAsReference()
    {
        var keys = Typos().Select(AddressKeys.For).ToList();

        var expected = await _reference.FindNearMissCandidatesAsync(keys);
        var actual = await _directory.FindNearMissCandidatesAsync(keys);

        // A store may return a candidate once even when several keys lead to it.
        Assert.Multiple(() =>
        {
            Assert.That(expected, Is.Not.Empty);
            Assert.That(actual.Select(Describe).Distinct(), Is.EquivalentTo(expected.Select(Describe).Distinct()));
            Assert.That(actual.Select(m => m.Keys ?? AddressKeys.For(m.Address.Address)),
                Is.EqualTo(actual.Select(m => AddressKeys.For(m.Address.Address))), "stored keys are the current keys");
        });
    }

    [Test]
    public async Task LookUpAsync_RegisteredTyposAndUnknown_SameAsTwoQuestionsOnReference()
    {
        var addresses = SampleAddresses().Take(30).Concat(Typos()).Append("inconnu.total@example.com").Append("famille.pelletier@videotron.ca").Distinct(StringComparer.Ordinal).ToList();
        // The resolver's keys: the address as typed and, for a mistyped provider, the corrected domain.
        var lookups = addresses.ConvertAll(a => new AddressLookup(a, a.EndsWith("@gmial.com", StringComparison.Ordinal)
            ? [AddressKeys.For(a), AddressKeys.For(a.Replace("@gmial.com", "@gmail.com", StringComparison.Ordinal))]
            : [AddressKeys.For(a)]));

        var expected = await DirectoryLookup.AskSeparatelyAsync(_reference, lookups);
        var actual = await _directory.LookUpAsync(lookups);

        Assert.Multiple(() =>
        {
            Assert.That(expected.NearMisses, Is.Not.Empty);
            Assert.That(actual.Registered.Keys, Is.EquivalentTo(expected.Registered.Keys));
            foreach (var (address, matches) in expected.Registered)
            {
                Assert.That(actual.Registered[address].Select(Describe), Is.EquivalentTo(matches.Select(Describe)));
            }

            Assert.That(actual.NearMisses.Distinct(), Is.EquivalentTo(expected.NearMisses.Distinct()));
        });
    }

    [Test]
    public async Task LookUpAsync_AllRegistered_NoNearMisses()
    {
        var lookups = SampleAddresses().Take(10).Select(a => new AddressLookup(a, [AddressKeys.For(a)])).ToList();

        var found = await _directory.LookUpAsync(lookups);

        Assert.Multiple(() =>
        {
            Assert.That(found.Registered, Has.Count.EqualTo(lookups.Select(l => l.Address).Distinct().Count()));
            Assert.That(found.NearMisses, Is.Empty, "registered addresses are not searched for near misses");
        });
    }

    [Test]
    public async Task FindNearMissCandidatesAsync_Empty_Empty()
    {
        var found = await _directory.FindNearMissCandidatesAsync([]);

        Assert.That(found, Is.Empty);
    }

    [Test]
    public async Task RegisteredDomainsAsync_SameAsReference()
    {
        var expected = await _reference.RegisteredDomainsAsync();
        var actual = await _directory.RegisteredDomainsAsync();

        Assert.Multiple(() =>
        {
            Assert.That(actual, Is.EquivalentTo(expected));
            Assert.That(actual, Does.Contain("gmail.com").And.Contain("videotron.ca"));
        });
    }

    [Test]
    public async Task ResolveAsync_DraftsOfRegisteredAndTypos_SameReportsAsReference()
    {
        var recipients = SampleAddresses().Take(40).Concat(Typos().Take(40)).Select(a => new DraftRecipient(a)).ToList();
        var draft = new Draft { To = recipients[..20], Cc = recipients[20..40], Bcc = recipients[40..] };
        var today = new DateOnly(2025, 6, 1);

        var expected = await RecipientResolver.Default.ResolveAsync(draft, _reference, ["clinique-exemple.med"], today);
        var actual = await RecipientResolver.Default.ResolveAsync(draft, _directory, ["clinique-exemple.med"], today);

        Assert.Multiple(() =>
        {
            Assert.That(expected.Select(r => r.Status), Does.Contain(RecipientStatus.Lookalike));
            Assert.That(actual.Select(r => (r.Address, r.Status, r.PatientId, r.Consent?.State, r.Lookalike)),
                Is.EqualTo(expected.Select(r => (r.Address, r.Status, r.PatientId, r.Consent?.State, r.Lookalike))));
        });
    }
}

/// <summary>One directory the contract runs on: the in-memory reference (no provider) or a provider's,
/// searching near misses in the database or in its in-process index (the HTTP app's mode).</summary>
public sealed record DirectoryUnderTest(StorageProvider? Provider, bool InProcessNearMiss)
{
    public static IEnumerable<DirectoryUnderTest> All =>
    [
        new(null, false),
        .. StorageProviders.All.Select(p => new DirectoryUnderTest(p, false)),
        .. StorageProviders.All.Select(p => new DirectoryUnderTest(p, true)),
    ];

    /// <summary>The fixture's name in test results.</summary>
    public override string ToString() => Provider is null ? "InMemory" : Provider + (InProcessNearMiss ? "+InProcessIndex" : "");
}
