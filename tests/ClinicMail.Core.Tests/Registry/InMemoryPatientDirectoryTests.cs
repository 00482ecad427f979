using ClinicMail.Core.Registry;
using ClinicMail.Core.Tests.Builders;

namespace ClinicMail.Core.Tests.Registry;

public sealed class InMemoryPatientDirectoryTests
{
    private static readonly Patient Marie = PatientBuilder.Patient("p-marie")
        .WithAddress("Marie.Tremblay@Videotron.ca").WithAddress("marie@example.com", AddressKind.Employer, true).Build();

    private static readonly Patient Andre = PatientBuilder.Patient("p-andre")
        .WithAddress("famille.pelletier@videotron.ca", AddressKind.FamilyShared, true).Build();

    private static readonly Patient Louise = PatientBuilder.Patient("p-louise")
        .WithAddress("famille.pelletier@videotron.ca", AddressKind.FamilyShared, true).Build();

    private static readonly Patient Broken = PatientBuilder.Patient("p-broken").WithAddress("not an address").Build();

    private readonly InMemoryPatientDirectory _directory = new([Marie, Andre, Louise, Broken]);

    [Test]
    public async Task FindByAddressesAsync_RegisteredWithCapitals_FoundUnderNormalForm()
    {
        var found = await _directory.FindByAddressesAsync(["marie.tremblay@videotron.ca", "absent@example.com"]);

        Assert.Multiple(() =>
        {
            Assert.That(found.Keys, Is.EquivalentTo(new[] { "marie.tremblay@videotron.ca" }));
            Assert.That(found["marie.tremblay@videotron.ca"].Single().Patient.Id, Is.EqualTo("p-marie"));
            Assert.That(found["marie.tremblay@videotron.ca"].Single().Address.Address, Is.EqualTo("marie.tremblay@videotron.ca"));
        });
    }

    [Test]
    public async Task FindByAddressesAsync_FamilyAddress_BothPatients()
    {
        var found = await _directory.FindByAddressesAsync(["famille.pelletier@videotron.ca"]);

        Assert.That(found["famille.pelletier@videotron.ca"].Select(m => m.Patient.Id), Is.EquivalentTo(new[] { "p-andre", "p-louise" }));
    }

    [Test]
    public async Task FindNearMissCandidatesAsync_TypoInSuffix_FoundByPrefix()
    {
        var keys = AddressKeys.For("marie.tremblai@videotron.ca");

        var candidates = await _directory.FindNearMissCandidatesAsync([keys]);

        Assert.That(candidates.Select(c => c.Address.Address), Does.Contain("marie.tremblay@videotron.ca"));
    }

    [Test]
    public async Task FindNearMissCandidatesAsync_TypoInPrefix_FoundBySuffix()
    {
        var keys = AddressKeys.For("maire.tremblay@videotron.ca");

        var candidates = await _directory.FindNearMissCandidatesAsync([keys]);

        Assert.That(candidates.Select(c => c.Address.Address), Does.Contain("marie.tremblay@videotron.ca"));
    }

    [Test]
    public async Task FindNearMissCandidatesAsync_SameSkeletonOtherAffixes_FoundBySkeleton()
    {
        var keys = AddressKeys.For(AddressNormalizer.Normalize("rnarie.trernblay@videotron.ca")!);

        var candidates = await _directory.FindNearMissCandidatesAsync([keys]);

        Assert.That(candidates.Select(c => c.Address.Address), Does.Contain("marie.tremblay@videotron.ca"));
    }

    [Test]
    public async Task FindNearMissCandidatesAsync_UnrelatedAddress_NoCandidates()
    {
        var candidates = await _directory.FindNearMissCandidatesAsync([AddressKeys.For("paul.martin@gmail.com")]);

        Assert.That(candidates, Is.Empty);
    }

    [Test]
    public async Task FindNearMissCandidatesAsync_Candidates_CarryStoredKeys()
    {
        var candidates = await _directory.FindNearMissCandidatesAsync([AddressKeys.For("marie.tremblai@videotron.ca")]);

        Assert.That(candidates.Select(c => c.Keys), Is.All.EqualTo(AddressKeys.For("marie.tremblay@videotron.ca")));
    }

    [Test]
    public async Task RegisteredDomainsAsync_ValidAddresses_DistinctDomains()
    {
        var domains = await _directory.RegisteredDomainsAsync();

        Assert.That(domains, Is.EquivalentTo(new[] { "videotron.ca", "example.com" }));
    }
}
