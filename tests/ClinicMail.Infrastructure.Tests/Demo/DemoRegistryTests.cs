using ClinicMail.Core.Drafts;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Storage.Shared;
using ClinicMail.Infrastructure.Tests.Storage;

namespace ClinicMail.Infrastructure.Tests.Demo;

public sealed class DemoRegistryTests
{
    private static readonly DateOnly Today = new(2025, 6, 1);

    [Test]
    public async Task SeedAsync_Twice_SecondRunChangesNothing()
    {
        using var temp = await TempSqliteDatabase.CreateMigratedAsync();
        var store = new PatientStore(temp.Database);

        var first = await DemoRegistry.SeedAsync(store);
        var historyAfterFirst = await store.HistoryAsync("demo-p01");
        var second = await DemoRegistry.SeedAsync(store);
        var historyAfterSecond = await store.HistoryAsync("demo-p01");

        Assert.Multiple(() =>
        {
            Assert.That(first.Inserted, Is.EqualTo(DemoRegistry.Patients.Count));
            Assert.That(second.Unchanged, Is.EqualTo(DemoRegistry.Patients.Count));
            Assert.That(second.Inserted + second.Updated, Is.Zero);
            Assert.That(historyAfterSecond, Has.Count.EqualTo(historyAfterFirst.Count));
        });
    }

    [Test]
    public void Patients_Identifiers_UniqueAndInDemoRange()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DemoRegistry.Patients.Select(p => p.Id), Is.Unique);
            Assert.That(DemoRegistry.Patients.Select(p => p.ClinicPatientId), Is.Unique);
            Assert.That(DemoRegistry.Patients.Select(p => p.ClinicPatientId), Is.All.Match("^555-01[0-9]{2}$"));
            Assert.That(DemoRegistry.Patients.SelectMany(p => p.Addresses).Select(a => AddressNormalizer.Normalize(a.Address)), Is.All.Not.Null);
        });
    }

    /// <summary>docs/demo-registry.md promises every case the checks handle; resolving the demo
    /// addresses (and the look-alikes the document suggests) against the seeded SQLite registry
    /// must produce each of them.</summary>
    [Test]
    public async Task SeededRegistry_DocumentedAddresses_CoverEveryCase()
    {
        using var temp = await TempSqliteDatabase.CreateMigratedAsync();
        await DemoRegistry.SeedAsync(new PatientStore(temp.Database));
        var directory = new PatientDirectory(temp.Database);
        string[] addresses =
        [
            "marie.tremblay@videotron.ca", "jf.gagnon@gmail.com", "sophie.roy@example.com", "luc.cote@example.org",
            "isabelle.bouchard@hotmail.com", "pierre.gauthier@sympatico.ca", "nathalie.morin@example.net", "michel.lavoie@gmail.com",
            "c.fortin@employeur.example.com", "r.gagne@employeur.example.com", "emilie.ouellet@etu.cegep-exemple.example",
            "famille.pelletier@videotron.ca", "julie.belanger@gmail.com", "david.smith@example.com", "zoe.levesque@yahoo.ca",
            "jf.gagnon@gmial.com", "marie.tremblay@vidéotron.ca", "m\u0430rie.tremblay@videotron.ca", "rnichel.lavoie@gmail.com",
            "sophie.rpy@example.com", "quelqu.un@example.com", "dre.hebert@clinique-exemple.med",
        ];
        var draft = new Draft { Bcc = [.. addresses.Select(a => new DraftRecipient(a))] };

        var reports = await RecipientResolver.Default.ResolveAsync(draft, directory, ["clinique-exemple.med"], Today);
        var byAddress = reports.ToDictionary(r => r.Address, StringComparer.Ordinal);

        Assert.Multiple(() =>
        {
            Assert.That(reports.Select(r => r.Status).Distinct(), Is.EquivalentTo(Enum.GetValues<RecipientStatus>().Except([RecipientStatus.Invalid])));
            Assert.That(reports.Where(r => r.Consent is not null).Select(r => r.Consent!.State).Distinct(),
                Is.EquivalentTo(new[] { "granted", "none", "refused", "revoked", "expired", "no_email" }));
            Assert.That(reports.Where(r => r.Lookalike is not null).Select(r => r.Lookalike!.Technique).Distinct(),
                Is.EquivalentTo(Enum.GetValues<LookalikeTechnique>()));
            Assert.That(byAddress["famille.pelletier@videotron.ca"].PatientIds, Is.EquivalentTo(new[] { "demo-p12", "demo-p13" }));
            Assert.That(byAddress["r.gagne@employeur.example.com"].ThirdPartyConsented, Is.False);
            Assert.That(byAddress["c.fortin@employeur.example.com"].ThirdPartyConsented, Is.True);
            Assert.That(byAddress["emilie.ouellet@etu.cegep-exemple.example"].AddressKind, Is.EqualTo(AddressKind.School));
            Assert.That(byAddress["jf.gagnon@gmail.com"].Consent!.Categories, Is.EqualTo(new[] { Core.Topics.TopicCategory.MentalHealth }));
            Assert.That(byAddress["sophie.roy@example.com"].Consent!.Uses, Is.EqualTo(new[] { ConsentUse.Appointments }));
            Assert.That(byAddress["julie.belanger@gmail.com"].Patients.Single().DeclaredSensitiveTerms, Is.Not.Empty);
            Assert.That(byAddress["david.smith@example.com"].Patients.Single().Language, Is.EqualTo("en"));
        });
    }
}

public sealed class RegistryGeneratorTests
{
    [Test]
    public void Generate_SameSeed_SamePatients()
    {
        var a = RegistryGenerator.Generate(500, 42);
        var b = RegistryGenerator.Generate(500, 42);

        Assert.That(a.Select(p => (p.Id, p.GivenName, p.FamilyName, p.Addresses[0].Address, p.Consent?.Status)),
            Is.EqualTo(b.Select(p => (p.Id, p.GivenName, p.FamilyName, p.Addresses[0].Address, p.Consent?.Status))));
    }

    [Test]
    public void Generate_OtherSeed_OtherPatients()
    {
        var a = RegistryGenerator.Generate(200, 1).Select(p => p.Addresses[0].Address);
        var b = RegistryGenerator.Generate(200, 2).Select(p => p.Addresses[0].Address);

        Assert.That(a, Is.Not.EqualTo(b));
    }

    [Test]
    public void Generate_TenThousand_ValidUniqueAddressesAndRealisticMix()
    {
        var patients = RegistryGenerator.Generate(10_000, 7);
        var addresses = patients.SelectMany(p => p.Addresses).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(patients, Has.Count.EqualTo(10_000));
            Assert.That(patients.Select(p => p.Id), Is.Unique);
            Assert.That(patients.Select(p => p.ClinicPatientId), Is.Unique);
            Assert.That(addresses.Select(a => AddressNormalizer.Normalize(a.Address)), Is.All.Not.Null);
            Assert.That(addresses.Where(a => a.Kind != AddressKind.FamilyShared).Select(a => a.Address), Is.Unique);
            Assert.That(addresses.Where(a => a.Kind == AddressKind.FamilyShared).GroupBy(a => a.Address).Max(g => g.Count()), Is.EqualTo(2));
            Assert.That(addresses.Count(a => a.Address.EndsWith("@gmail.com", StringComparison.Ordinal)), Is.InRange(2000, 3500));
            Assert.That(patients.Count(p => p.Consent is null), Is.InRange(400, 1200));
            Assert.That(patients.Count(p => p.Restriction is not null), Is.GreaterThan(0));
            Assert.That(addresses.Select(a => a.Kind).Distinct(), Is.EquivalentTo(new[] { AddressKind.Personal, AddressKind.Employer, AddressKind.School, AddressKind.FamilyShared }));
        });
    }

    [Test]
    public void Generate_Zero_Empty() => Assert.That(RegistryGenerator.Generate(0, 1), Is.Empty);
}
