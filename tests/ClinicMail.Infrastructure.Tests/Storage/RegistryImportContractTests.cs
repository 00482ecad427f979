using System.Text.Json;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Registry;
using ClinicMail.Infrastructure.Tests.Registry;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The import's write shortcut (<see cref="IFreshPatientWriter"/>: patients the importer
/// just gave a new registry id are not read back) and the PostgreSQL write pipeline (a chunk's
/// batch runs while the next one is built), on SQLite and on a real PostgreSQL server. Each test
/// has databases of its own: the generated registry's clinic ids and addresses are fixed per seed.</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public sealed class RegistryImportContractTests(StorageProvider provider)
{
    private readonly List<Func<ValueTask>> _release = [];

    [TearDown]
    public async Task ReleaseAsync()
    {
        foreach (var release in _release)
        {
            await release();
        }

        _release.Clear();
    }

    private async Task<IPatientStore> StoreAsync()
    {
        // A migrated, empty store in a database of its own.
        var storage = await TestStorage.CreateAsync(provider);
        _release.Add(storage.DisposeAsync);
        return storage.Backend.Patients;
    }

    [Test]
    public async Task ImportAsync_SomeStoredSomeNew_SameRegistryAndHistoryAsWithoutShortcut()
    {
        var generated = RegistryGenerator.Generate(120, 91);
        // Second file: 40 patients only in the first file (kept as they are), 40 in both (10 of them
        // changed: name, address, consent), 40 new.
        var second = generated.Skip(40).Select((p, i) => i switch
        {
            < 4 => p with { FamilyName = p.FamilyName + "-Tremblay" },
            < 7 => p with { Addresses = [p.Addresses[0] with { Address = "autre." + p.Addresses[0].Address }] },
            < 10 => p with { Consent = null },
            _ => p,
        }).ToList();
        var shortcut = await StoreAsync();
        var plain = await StoreAsync();

        var viaShortcut = await ImportBothAsync(shortcut, generated.Take(80).ToList(), second);
        var viaPlain = await ImportBothAsync(new PlainStore(plain), generated.Take(80).ToList(), second);

        Assert.That(shortcut, Is.InstanceOf<IFreshPatientWriter>(), "the importer takes the shortcut on this store");
        Assert.That(viaShortcut.Second.Inserted, Is.EqualTo(40));
        // Dropping the consent changes only the patients that had one.
        var updated = 7 + generated.Skip(47).Take(3).Count(p => p.Consent is not null);
        Assert.That(viaShortcut.Second.Updated, Is.EqualTo(updated));
        Assert.That(viaShortcut.Second.Unchanged, Is.EqualTo(40 - updated));
        Assert.That(viaShortcut.Second with { Errors = [] }, Is.EqualTo(viaPlain.Second with { Errors = [] }));
        foreach (var clinicId in generated.Select(p => p.ClinicPatientId))
        {
            Assert.That(await SnapshotAsync(shortcut, clinicId), Is.EqualTo(await SnapshotAsync(plain, clinicId)), clinicId);
        }
    }

    [Test]
    public async Task WriteAsync_FreshIdAlreadyStored_FailsAndWritesNothing()
    {
        var store = await StoreAsync();
        var generated = RegistryGenerator.Generate(3, 92);
        await store.WriteAsync([generated[0]], "actor-test");
        var changed = generated[0] with { FamilyName = "Autre" };

        // A caller that wrongly lists a stored id as fresh gets a key violation, never an overwrite.
        Assert.CatchAsync<Exception>(() => ((IFreshPatientWriter)store).WriteAsync(
            [generated[1], changed, generated[2]], "actor-test", new HashSet<string>([generated[1].Id, changed.Id, generated[2].Id], StringComparer.Ordinal)));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await store.GetAsync(generated[0].Id))!.FamilyName, Is.EqualTo(generated[0].FamilyName));
            Assert.That(await store.GetAsync(generated[1].Id), Is.Null, "nothing of the call is written");
            Assert.That(await store.GetAsync(generated[2].Id), Is.Null);
            Assert.That(await store.HistoryAsync(generated[1].Id), Is.Empty);
        });
    }

    [TestCase(150)]
    [TestCase(4400)]
    public async Task WriteAsync_ConflictInOneChunkOfSeveral_NothingWritten(int conflictAt)
    {
        // 4,500 patients: three chunks, so on PostgreSQL a chunk's batch is running when the conflict
        // surfaces (in the first chunk while the second is built, or in the last one).
        var store = await StoreAsync();
        var patients = RegistryGenerator.Generate(4500, 93).ToList();
        var owner = patients[0];
        await store.WriteAsync([owner], "actor-test");
        patients[conflictAt] = patients[conflictAt] with { ClinicPatientId = owner.ClinicPatientId };

        Assert.ThrowsAsync<RegistryConflictException>(() => store.WriteAsync(patients.Skip(1).ToList(), "actor-test"));

        var found = await store.GetManyByClinicIdsAsync([.. patients.Select(p => p.ClinicPatientId)]);
        Assert.That(found.Keys, Is.EquivalentTo(new[] { owner.ClinicPatientId }));
    }

    [Test]
    public async Task ImportAsync_SeveralChunksTwice_AllInsertedThenUnchanged()
    {
        var store = await StoreAsync();
        var patients = RegistryGenerator.Generate(4500, 94);
        var importer = new RegistryImporter(store);

        var first = await importer.ImportAsync(EmrExport.Of(patients), "actor-test", dryRun: false);
        var again = await importer.ImportAsync(EmrExport.Of(patients), "actor-test", dryRun: false);

        var sample = patients[4321];
        var stored = await store.GetByClinicIdAsync(sample.ClinicPatientId);
        var history = await store.HistoryAsync(stored!.Id);
        Assert.Multiple(() =>
        {
            Assert.That(first.Inserted, Is.EqualTo(4500));
            Assert.That(again.Unchanged, Is.EqualTo(4500));
            Assert.That(again.Written, Is.False);
            Assert.That(stored.Addresses.Select(a => a.Address), Is.EqualTo(sample.Addresses.Select(a => AddressNormalizer.Normalize(a.Address))));
            Assert.That(history.Count(h => h.Entity == "patient" && h.Operation == "insert"), Is.EqualTo(1));
            Assert.That(history.Count(h => h.Entity == "address" && h.Operation == "insert"), Is.EqualTo(sample.Addresses.Count));
            Assert.That(history.Count(h => h.Entity == "consent" && h.Operation == "insert"), Is.EqualTo(sample.Consent is null ? 0 : 1));
            Assert.That(history, Has.Count.EqualTo(1 + sample.Addresses.Count + (sample.Consent is null ? 0 : 1)), "the second import recorded nothing");
            Assert.That(history.Select(h => h.ActorId).Distinct(), Is.EqualTo(new[] { "actor-test" }));
        });
    }

    private static async Task<(ImportResult First, ImportResult Second)> ImportBothAsync(IPatientStore store, IReadOnlyList<Patient> first, IReadOnlyList<Patient> second)
    {
        var importer = new RegistryImporter(store);
        var one = await importer.ImportAsync(EmrExport.Of(first), "actor-test", dryRun: false);
        var two = await importer.ImportAsync(EmrExport.Of(second), "actor-test", dryRun: false);
        Assert.That(one.Errors.Concat(two.Errors), Is.Empty);
        return (one, two);
    }

    /// <summary>The stored patient and its history, without what differs by construction between two
    /// stores (the generated registry id, the write instant).</summary>
    private static async Task<string> SnapshotAsync(IPatientStore store, string clinicId)
    {
        var patient = await store.GetByClinicIdAsync(clinicId);
        if (patient is null)
        {
            return "absent";
        }

        var history = (await store.HistoryAsync(patient.Id)).Select(h => $"{h.ActorId} {h.Entity} {h.Operation} {string.Join('|', h.Fields)}");
        return JsonSerializer.Serialize(patient with { Id = "" }) + "\n" + string.Join('\n', history);
    }

    /// <summary>The same store seen only through the public contract: the importer's normal path
    /// (every patient read back inside the write), the reference the shortcut must match.</summary>
    private sealed class PlainStore(IPatientStore inner) : IPatientStore
    {
        public Task<IReadOnlyList<PatientDiff>> WriteAsync(IReadOnlyList<Patient> patients, string actorId, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(patients, actorId, cancellationToken);

        public Task<Patient?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public Task<Patient?> GetByClinicIdAsync(string clinicPatientId, CancellationToken cancellationToken = default) =>
            inner.GetByClinicIdAsync(clinicPatientId, cancellationToken);

        public Task<IReadOnlyDictionary<string, Patient>> GetManyByClinicIdsAsync(IReadOnlyCollection<string> clinicPatientIds, CancellationToken cancellationToken = default) =>
            inner.GetManyByClinicIdsAsync(clinicPatientIds, cancellationToken);

        public Task<IReadOnlyList<RegistryChange>> HistoryAsync(string patientId, CancellationToken cancellationToken = default) =>
            inner.HistoryAsync(patientId, cancellationToken);

        public Task<PatientPage> SearchAsync(PatientSearch search, CancellationToken cancellationToken = default) => inner.SearchAsync(search, cancellationToken);

        public Task<int> RefreshAddressKeysAsync(CancellationToken cancellationToken = default) => inner.RefreshAddressKeysAsync(cancellationToken);
    }
}
