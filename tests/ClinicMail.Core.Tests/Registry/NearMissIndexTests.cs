using ClinicMail.Core.Registry;
using ClinicMail.Core.Tests.Builders;

namespace ClinicMail.Core.Tests.Registry;

public sealed class NearMissIndexTests
{
    private static readonly string[] Registered =
    [
        "marie.tremblay@gmail.com",
        "marie.tremblay2@gmail.com",
        "jean.gagnon@videotron.ca",
        "sophie.roy@hotmail.com",
        "luc@gmail.com",
        "famille.pelletier@videotron.ca",
        "mcote@gmail.com",
        "genevieve.bouchard-lapointe@sympatico.ca",
    ];

    /// <summary>The index holds each address as row i + 1000.</summary>
    private static NearMissIndex Build(int capacity = 1024)
    {
        var index = new NearMissIndex(capacity);
        for (var i = 0; i < Registered.Length; i++)
        {
            index.Add(1000 + i, Registered[i], AddressKeys.For(Registered[i]).Skeleton);
        }

        return index;
    }

    /// <summary>The reference: the in-memory directory's candidates for the same keys, as row ids.</summary>
    private static long[] Reference(string probe)
    {
        var patients = Registered.Select((a, i) => PatientBuilder.Patient("p" + i).WithAddress(a).Build()).ToList();
        var directory = new InMemoryPatientDirectory(patients);
        var matches = directory.FindNearMissCandidatesAsync([AddressKeys.For(probe)]).GetAwaiter().GetResult();
        return [.. matches.Select(m => 1000L + Array.IndexOf(Registered, m.Address.Address)).Distinct().Order()];
    }

    private static long[] Candidates(NearMissIndex index, string probe)
    {
        var found = new List<(long RowId, string Probe)>();
        index.CollectCandidates(AddressKeys.For(probe), found);
        return [.. found.Select(f => f.RowId).Distinct().Order()];
    }

    [TestCase("marie.tremblya@gmail.com")]
    [TestCase("marie.trembly@gmail.com")]
    [TestCase("amrie.tremblay@gmail.com")]
    [TestCase("marie.tremblay@gmial.com")]
    [TestCase("jean.gagnon@videotorn.ca")]
    [TestCase("jean.gagn0n@videotron.ca")]
    [TestCase("sophie.r0y@hotmail.com")]
    [TestCase("mcotte@gmail.com")]
    [TestCase("genevieve.bouchard-lapoitne@sympatico.ca")]
    [TestCase("personne.inconnue@example.com")]
    public void CollectCandidates_Probe_SameRowsAsInMemoryDirectory(string probe)
    {
        var index = Build();

        Assert.That(Candidates(index, probe), Is.EqualTo(Reference(probe)));
    }

    [Test]
    public void CollectCandidates_TypoOfRegistered_FindsTheRegisteredRow()
    {
        var index = Build();

        Assert.That(Candidates(index, "marie.tremblya@gmail.com"), Does.Contain(1000L));
    }

    [Test]
    public void CollectCandidates_GrownFromTinyCapacity_SameAsPresized()
    {
        var tiny = Build(capacity: 1);
        var presized = Build();

        Assert.Multiple(() =>
        {
            foreach (var probe in new[] { "marie.tremblya@gmail.com", "jean.gagn0n@videotron.ca", "mcotte@gmail.com", "famille.peletier@videotron.ca" })
            {
                Assert.That(Candidates(tiny, probe), Is.EqualTo(Candidates(presized, probe)), probe);
            }

            Assert.That(tiny.Count, Is.EqualTo(Registered.Length));
        });
    }

    [Test]
    public void MayBeRegistered_AddedAndOther_TrueOnlyForAdded()
    {
        var index = Build(capacity: 1);

        Assert.Multiple(() =>
        {
            foreach (var address in Registered)
            {
                Assert.That(index.MayBeRegistered(address), Is.True, address);
            }

            Assert.That(index.MayBeRegistered("marie.tremblya@gmail.com"), Is.False);
            Assert.That(index.MayBeRegistered("personne.inconnue@example.com"), Is.False);
        });
    }

    [Test]
    public void Add_SameRowRekeyed_BothSkeletonsSearchable()
    {
        var index = Build();
        // A row re-keyed (new skeleton, same id): the index keeps both entries; the store's read-back
        // of the row decides with its current skeleton.
        index.Add(1000, "marie.tremblay@gmail.com", AddressKeys.For("nouvelle.adresse@gmail.com").Skeleton);

        Assert.Multiple(() =>
        {
            Assert.That(index.Count, Is.EqualTo(Registered.Length + 1));
            Assert.That(Candidates(index, "nouvelle.adrese@gmail.com"), Is.EqualTo(new[] { 1000L }));
            Assert.That(Candidates(index, "marie.tremblya@gmail.com"), Does.Contain(1000L));
        });
    }

    [Test]
    public void ApproximateBytes_GrowsWithRows()
    {
        var empty = new NearMissIndex(16).ApproximateBytes;
        var index = new NearMissIndex(16);
        for (var i = 0; i < 5000; i++)
        {
            var address = "patient" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "@gmail.com";
            index.Add(i, address, AddressKeys.For(address).Skeleton);
        }

        Assert.That(index.ApproximateBytes, Is.GreaterThan(empty + (5000 * 50)));
    }
}
