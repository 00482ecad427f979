using System.Globalization;
using System.Text;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Registry;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Shared;
using ClinicMail.Infrastructure.Tests.Registry;
using Npgsql;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The bulk-load paths of <see cref="PatientStore"/> (secondary indexes dropped and rebuilt
/// inside the write's transaction), exercised with small files by lowering the threshold, end to end
/// through <see cref="RegistryImporter"/>, on SQLite and on a real PostgreSQL server. SQLite takes the
/// path when a write at least doubles the address rows; PostgreSQL only into an empty registry
/// (docs/registry.md, "Bulk writes"). On PostgreSQL whether the path was taken is read from the
/// catalog: a rebuilt index is a new relation (new oid) with the same definition.</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public sealed class BulkImportTests(StorageProvider provider)
{
    private const int Patients = 300;

    private TestStorage _storage = null!;
    private PatientStore _store = null!;

    [SetUp]
    public async Task CreateAsync()
    {
        _storage = await TestStorage.CreateAsync(provider);
        _store = new PatientStore(_storage.Database) { BulkThreshold = 50 };
    }

    [TearDown]
    public async Task ReleaseAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    [Test]
    public async Task ImportAsync_BulkIntoEmptyRegistry_IndexesAsDefinedAndLookupsWork()
    {
        var before = await IndexesAsync();
        var patients = RegistryGenerator.Generate(Patients, 77);

        var result = await new RegistryImporter(_store).ImportAsync(EmrExport.Of(patients), "actor-test", dryRun: false);

        var after = await IndexesAsync();
        using var directory = new PatientDirectory(_storage.Database);
        var sample = AddressNormalizer.Normalize(patients[123].Addresses[0].Address)!;
        var found = await directory.FindByAddressesAsync([sample]);
        var typo = string.Concat(sample.AsSpan(0, 2), "x", sample.AsSpan(3));
        var near = await directory.LookUpAsync([new AddressLookup(typo, [AddressKeys.For(typo)])]);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Errors, Is.Empty);
            Assert.That(result.Inserted, Is.EqualTo(Patients));
            Assert.That(result.Written, Is.True);
            Assert.That(after.Select(i => i.Definition), Is.EqualTo(before.Select(i => i.Definition)), "every index is back, with its definition");
            Assert.That(before.Count(i => !i.Enforces), Is.GreaterThanOrEqualTo(8), "the secondary indexes of 0001, 0005 and 0006 are listed");
            if (provider == StorageProvider.Postgres)
            {
                Assert.That(Rebuilt(before, after), Is.EquivalentTo(before.Where(i => !i.Enforces).Select(i => i.Name)), "the path was taken: every secondary index rebuilt");
                Assert.That(before.Where(i => i.Enforces).Select(i => i.Name), Does.Contain("patients_clinic_patient_id_key"), "rule-enforcing indexes are listed");
            }

            Assert.That(await CountAsync("patients"), Is.EqualTo(Patients));
            Assert.That(found[sample].Select(m => m.Patient.ClinicPatientId), Does.Contain(patients[123].ClinicPatientId));
            Assert.That(near.NearMisses.Select(c => c.Address), Does.Contain(sample));
            Assert.That(await CountAsync("registry_changes"), Is.EqualTo((2 * Patients) + patients.Count(p => p.Consent is not null)), "one history row per patient, address and consent, in bulk too");
        });
    }

    [Test]
    public async Task ImportAsync_InProcessIndexBuiltOnEmptyRegistry_CatchesUpAfterFirstImport()
    {
        // An instance started before the clinic's first import: its near-miss index is empty.
        using var directory = new PatientDirectory(_storage.Database, inProcessNearMiss: true);
        var indexed = (INearMissIndexed)directory;
        await indexed.WarmUpNearMissIndexAsync();
        var built = indexed.NearMissIndex?.Count;
        var patients = RegistryGenerator.Generate(Patients, 82);
        await new RegistryImporter(_store).ImportAsync(EmrExport.Of(patients), "actor-test", dryRun: false);
        var sample = AddressNormalizer.Normalize(patients[42].Addresses[0].Address)!;
        var typo = string.Concat(sample.AsSpan(0, 2), "x", sample.AsSpan(3));

        var first = await directory.LookUpAsync([new AddressLookup(typo, [AddressKeys.For(typo)])]);
        await indexed.NearMissIdleAsync();
        var caughtUp = indexed.NearMissIndex?.Count;
        var second = await directory.LookUpAsync([new AddressLookup(typo, [AddressKeys.For(typo)])]);

        Assert.Multiple(() =>
        {
            Assert.That(built, Is.Zero);
            Assert.That(first.NearMisses.Select(c => c.Address), Does.Contain(sample), "found in the database while the index is behind");
            Assert.That(caughtUp, Is.EqualTo(patients.Sum(p => p.Addresses.Count)), "every imported row added");
            Assert.That(second.NearMisses.Select(c => c.Address), Does.Contain(sample), "found in the index once caught up");
        });
    }

    [Test]
    public async Task ImportAsync_SameFileTwice_SecondChangesNothing()
    {
        var patients = RegistryGenerator.Generate(Patients, 78);
        var importer = new RegistryImporter(_store);
        await importer.ImportAsync(EmrExport.Of(patients), "actor-test", dryRun: false);
        var history = await CountAsync("registry_changes");

        var again = await importer.ImportAsync(EmrExport.Of(patients), "actor-test", dryRun: false);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(again.Unchanged, Is.EqualTo(Patients));
            Assert.That(again.Inserted + again.Updated, Is.Zero);
            Assert.That(again.Written, Is.False);
            Assert.That(await CountAsync("registry_changes"), Is.EqualTo(history));
        });
    }

    [Test]
    public async Task ImportAsync_DryRun_WritesNothing()
    {
        var result = await new RegistryImporter(_store).ImportAsync(EmrExport.Of(RegistryGenerator.Generate(Patients, 79)), "actor-test", dryRun: true);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.DryRun, Is.True);
            Assert.That(result.Inserted, Is.EqualTo(Patients));
            Assert.That(result.Written, Is.False);
            Assert.That(await CountAsync("patients"), Is.Zero);
            Assert.That(await CountAsync("patient_addresses"), Is.Zero);
        });
    }

    [Test]
    public async Task ImportAsync_OneBadRow_WholeFileRejectedWithLineColumnAndBothLanguages()
    {
        var csv = RegistryCsv.Format(RegistryGenerator.Generate(Patients, 80)).Split('\n');
        // Line 42 of the file (the header is line 1): an address that is not one.
        var fields = csv[41].Split(',');
        fields[RegistryCsv.Columns.ToList().IndexOf("email")] = "pas-une-adresse";
        csv[41] = string.Join(',', fields);

        var result = await new RegistryImporter(_store).ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', csv))), "actor-test", dryRun: false);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Written, Is.False);
            Assert.That(result.Errors, Has.Count.EqualTo(1));
            Assert.That(result.Errors[0].Line, Is.EqualTo(42));
            Assert.That(result.Errors[0].Column, Is.EqualTo("email"));
            Assert.That(result.Errors[0].Reason.For("fr"), Is.EqualTo("Adresse de courriel invalide."));
            Assert.That(result.Errors[0].Reason.For("en"), Is.EqualTo("Invalid e-mail address."));
            Assert.That(await CountAsync("patients"), Is.Zero, "nothing of the file is written");
        });
    }

    [Test]
    public async Task WriteAsync_FirstImportWithAddressOfTwoPatients_ConflictNothingWrittenIndexesAsBefore()
    {
        var before = await IndexesAsync();
        var patients = RegistryGenerator.Generate(Patients, 79).ToList();
        // The 200th patient claims the 10th one's address as personal: found only after the indexes are back.
        patients[200] = patients[200] with { Addresses = [patients[10].Addresses[0] with { Kind = AddressKind.Personal }] };

        var conflict = Assert.ThrowsAsync<RegistryConflictException>(() => _store.WriteAsync(patients, "actor-test"));

        Assert.That(conflict!.Conflict, Is.EqualTo(RegistryConflict.Address));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await CountAsync("patients"), Is.Zero);
            Assert.That(await CountAsync("registry_changes"), Is.Zero);
            Assert.That(await IndexesAsync(), Is.EqualTo(before), "the rollback restores the very same indexes");
        });
    }

    [Test]
    public async Task WriteAsync_BulkWithAddressOfAnotherPatient_ConflictNothingWrittenIndexesKept()
    {
        var patients = RegistryGenerator.Generate(Patients, 81).ToList();
        var owner = patients[0] with { Id = "pat-owner", ClinicPatientId = "OWNER-1" };
        await _store.WriteAsync([owner], "actor-test");
        var before = await IndexesAsync();
        // The 200th patient claims the owner's personal address: the whole write must fail.
        patients[200] = patients[200] with { Addresses = [owner.Addresses[0] with { Kind = AddressKind.Personal }] };
        var bulk = patients.Skip(1).ToList();

        Assert.ThrowsAsync<RegistryConflictException>(() => _store.WriteAsync(bulk, "actor-test"));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await CountAsync("patients"), Is.EqualTo(1));
            Assert.That(await IndexesAsync(), Is.EqualTo(before), "the rollback restores the dropped indexes");
        });
    }

    [Test]
    public async Task WriteAsync_SmallWriteToLargerRegistry_NormalPathIndexesUntouched()
    {
        await _store.WriteAsync(RegistryGenerator.Generate(Patients, 82), "actor-test");
        var before = await IndexesAsync();
        var more = RegistryGenerator.Generate(60, 83).Select(p => p with { Id = "new-" + p.Id, ClinicPatientId = "NEW-" + p.ClinicPatientId }).ToList();

        var diffs = await _store.WriteAsync(more, "actor-test");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(diffs.Count(d => d.IsInsert), Is.EqualTo(60));
            Assert.That(await IndexesAsync(), Is.EqualTo(before), "a live registry keeps its indexes");
            Assert.That(await CountAsync("patients"), Is.EqualTo(Patients + 60));
        });
    }

    [Test]
    public async Task WriteAsync_BelowThreshold_NormalPath()
    {
        var before = await IndexesAsync();
        var store = new PatientStore(_storage.Database) { BulkThreshold = 10_000 };

        await store.WriteAsync(RegistryGenerator.Generate(Patients, 81), "actor-test");

        Assert.That(await IndexesAsync(), Is.EqualTo(before));
    }

    /// <summary>PostgreSQL only: the application role of a deployment where a DBA ran the migrations
    /// (rows only, no DDL) keeps the normal path. SQLite has no roles.</summary>
    [Test]
    public async Task ImportAsync_RoleDoesNotOwnTheTables_NormalPath()
    {
        if (_storage.Postgres is not { } temp)
        {
            Assert.Ignore("PostgreSQL roles only: SQLite has no table ownership.");
            return;
        }

        var role = "cm_dml_" + Guid.NewGuid().ToString("N")[..12];
        await _storage.Database.ExecuteAsync(
            $"CREATE ROLE {role} LOGIN; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}; " +
            $"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};", CancellationToken.None);
        try
        {
            var before = await IndexesAsync();
            var connectionString = new NpgsqlConnectionStringBuilder(temp.ConnectionString) { Username = role }.ConnectionString;
            await using (var asRole = new PostgresDatabase(connectionString))
            {
                var store = new PatientStore(asRole) { BulkThreshold = 50 };
                var result = await new RegistryImporter(store).ImportAsync(EmrExport.Of(RegistryGenerator.Generate(Patients, 80)), "actor-test", dryRun: false);
                Assert.That(result.Inserted, Is.EqualTo(Patients));
            }

            NpgsqlConnection.ClearAllPools();
            Assert.That(await IndexesAsync(), Is.EqualTo(before), "no DDL attempted without ownership");
        }
        finally
        {
            await _storage.Database.ExecuteAsync($"DROP OWNED BY {role}; DROP ROLE {role};", CancellationToken.None);
        }
    }

    private static IEnumerable<string> Rebuilt(List<Index> before, List<Index> after) =>
        before.Where(b => after.Single(a => a.Name == b.Name).Identity != b.Identity).Select(b => b.Name);

    /// <summary>Every index of the registry tables: name, identity (PostgreSQL: the oid, new when
    /// rebuilt; SQLite: none), definition, and whether it enforces a rule (primary key, UNIQUE).</summary>
    private Task<List<Index>> IndexesAsync() => _storage.Database.QueryAsync(
        provider == StorageProvider.Postgres
            ? "SELECT ic.relname, ic.oid::bigint, pg_get_indexdef(i.indexrelid), i.indisunique FROM pg_index AS i " +
              "JOIN pg_class AS ic ON ic.oid = i.indexrelid JOIN pg_class AS t ON t.oid = i.indrelid " +
              "WHERE t.relname IN ('patients', 'consents', 'patient_addresses', 'registry_changes') ORDER BY ic.relname;"
            : "SELECT name, 0, COALESCE(sql, ''), sql IS NULL OR sql LIKE 'CREATE UNIQUE%' FROM sqlite_master WHERE type = 'index' " +
              "AND tbl_name IN ('patients', 'consents', 'patient_addresses', 'registry_changes') ORDER BY name;",
        reader => new Index(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetBoolean(3)),
        CancellationToken.None);

    private async Task<long> CountAsync(string table)
    {
        var counts = await _storage.Database.QueryAsync("SELECT COUNT(*) FROM " + table + ";", reader => reader.GetInt64(0), CancellationToken.None);
        return counts[0];
    }

    private sealed record Index(string Name, long Identity, string Definition, bool Enforces)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({Identity}): {Definition}");
    }
}
