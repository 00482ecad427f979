using ClinicMail.Core.Registry;
using ClinicMail.Core.Tests.Builders;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The in-process near-miss index never answers from a stale copy: rows written after it
/// was built are found (in the database, this once) and then added to it; a removed address is
/// never offered as a near miss. Run once per provider (<see cref="StorageProviders"/>).</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public sealed class InProcessNearMissTests(StorageProvider provider)
{
    private IPatientStore _store = null!;
    private IPatientDirectory _directory = null!;

    private TestStorage _storage = null!;

    private async Task<(IPatientStore Store, IPatientDirectory Directory)> CreateAsync()
    {
        _storage = await TestStorage.CreateAsync(provider, inProcessNearMiss: true);
        return (_storage.Backend.Patients, _storage.Backend.Directory);
    }

    private static int? IndexRows(IPatientDirectory directory) => ((INearMissIndexed)directory).NearMissIndex?.Count;

    private static Task WarmUpAsync(IPatientDirectory directory) => ((INearMissIndexed)directory).WarmUpNearMissIndexAsync();

    private static Task IdleAsync(IPatientDirectory directory) => ((INearMissIndexed)directory).NearMissIdleAsync();

    private async Task ReleaseAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    [SetUp]
    public async Task SetUpAsync()
    {
        (_store, _directory) = await CreateAsync();
        await _store.UpsertManyAsync(
        [
            PatientBuilder.Patient("p-marie").WithAddress("marie.tremblay@gmail.com").WithAddress("m.tremblay@employeur.example.com", AddressKind.Employer).Build(),
            PatientBuilder.Patient("p-luc").WithAddress("luc.lavoie@videotron.ca").Build(),
        ], "actor-test");
        await WarmUpAsync(_directory);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        (_directory as IDisposable)?.Dispose();
        await ReleaseAsync();
    }

    private static AddressLookup Lookup(string address) => new(address, [AddressKeys.For(address)]);

    [Test]
    public async Task LookUpAsync_IndexBuilt_FindsTypoOfRegisteredAddress()
    {
        var found = await _directory.LookUpAsync([Lookup("marie.tremblya@gmail.com"), Lookup("luc.lavoie@videotron.ca")]);

        Assert.Multiple(() =>
        {
            Assert.That(IndexRows(_directory), Is.EqualTo(3));
            Assert.That(found.Registered.Keys, Is.EquivalentTo(new[] { "luc.lavoie@videotron.ca" }));
            Assert.That(found.NearMisses.Select(c => (c.PatientId, c.Address)).Distinct(), Is.EquivalentTo(new[] { ("p-marie", "marie.tremblay@gmail.com") }));
        });
    }

    [Test]
    public async Task LookUpAsync_PatientWrittenAfterIndexBuilt_FoundAtOnceAndAddedToIndex()
    {
        await _store.UpsertAsync(PatientBuilder.Patient("p-sophie").WithAddress("sophie.gagnon@hotmail.com").Build(), "actor-test");

        var first = await _directory.LookUpAsync([Lookup("sophie.gagnno@hotmail.com")]);
        await IdleAsync(_directory);
        var rows = IndexRows(_directory);
        var second = await _directory.LookUpAsync([Lookup("sophie.gagnno@hotmail.com")]);

        Assert.Multiple(() =>
        {
            Assert.That(first.NearMisses.Select(c => c.PatientId).Distinct(), Is.EqualTo(new[] { "p-sophie" }), "found in the database while the index is behind");
            Assert.That(rows, Is.EqualTo(4), "the catch-up added the new row");
            Assert.That(second.NearMisses.Select(c => c.PatientId).Distinct(), Is.EqualTo(new[] { "p-sophie" }), "found in the index once caught up");
        });
    }

    [Test]
    public async Task LookUpAsync_AddressRemovedAfterIndexBuilt_NeverANearMiss()
    {
        // Only a removal: no new row, so the PostgreSQL index still counts as current and the stale
        // entry is dropped when its row is read back; SQLite counts the deletion and rebuilds.
        var marie = await _store.GetAsync("p-marie");
        await _store.UpsertAsync(marie! with { Addresses = [.. marie.Addresses.Where(a => a.Kind == AddressKind.Employer)] }, "actor-test");

        var found = await _directory.LookUpAsync([Lookup("marie.tremblya@gmail.com")]);
        await IdleAsync(_directory);
        var again = await _directory.LookUpAsync([Lookup("marie.tremblya@gmail.com")]);

        Assert.Multiple(() =>
        {
            Assert.That(found.NearMisses, Is.Empty);
            Assert.That(again.NearMisses, Is.Empty);
        });
    }

    [Test]
    public async Task LookUpAsync_AddressMovedToAnotherPatient_OfferedWithItsNewOwner()
    {
        var luc = await _store.GetAsync("p-luc");
        await _store.UpsertAsync(luc! with { Addresses = [] }, "actor-test");
        await _store.UpsertAsync(PatientBuilder.Patient("p-lucie").WithAddress("luc.lavoie@videotron.ca").Build(), "actor-test");

        var found = await _directory.LookUpAsync([Lookup("luc.lavoei@videotron.ca")]);
        await IdleAsync(_directory);
        var again = await _directory.LookUpAsync([Lookup("luc.lavoei@videotron.ca")]);

        Assert.Multiple(() =>
        {
            Assert.That(found.NearMisses.Select(c => c.PatientId).Distinct(), Is.EqualTo(new[] { "p-lucie" }));
            Assert.That(again.NearMisses.Select(c => c.PatientId).Distinct(), Is.EqualTo(new[] { "p-lucie" }));
        });
    }
}
