using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Registry;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Shared;
using ClinicMail.Infrastructure.Tests.Registry;
using Npgsql;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The PostgreSQL first-import path (<see cref="PostgresBulkIndexes"/>: secondary indexes
/// dropped and rebuilt inside the write's transaction, only into an empty registry), on a real
/// server, with small files by lowering its threshold. Whether the path was taken is read from the
/// catalog: a rebuilt index is a new relation (new oid) with the same definition.</summary>
[TestFixture]
public sealed class PostgresBulkImportTests
{
    private const int Patients = 300;

    private TempPostgresDatabase _temp = null!;
    private PostgresPatientStore _store = null!;

    [SetUp]
    public async Task CreateAsync()
    {
        _temp = await TempPostgresDatabase.CreateAsync();
        _store = new PostgresPatientStore(_temp.Database) { BulkThreshold = 50 };
    }

    [TearDown]
    public async Task ReleaseAsync() => await _temp.DisposeAsync();

    [Test]
    public async Task ImportAsync_FirstImportIntoEmptyRegistry_IndexesRebuiltAsDefinedAndLookupsWork()
    {
        var before = await IndexesAsync(_temp.Database);
        var patients = RegistryGenerator.Generate(Patients, 77);

        var result = await new RegistryImporter(_store).ImportAsync(EmrExport.Of(patients), "actor-test", dryRun: false);

        var after = await IndexesAsync(_temp.Database);
        var directory = new PostgresPatientDirectory(_temp.Database);
        var sample = AddressNormalizer.Normalize(patients[123].Addresses[0].Address)!;
        var found = await directory.FindByAddressesAsync([sample]);
        var typo = string.Concat(sample.AsSpan(0, 2), "x", sample.AsSpan(3));
        var near = await directory.LookUpAsync([new AddressLookup(typo, [AddressKeys.For(typo)])]);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Errors, Is.Empty);
            Assert.That(result.Inserted, Is.EqualTo(Patients));
            Assert.That(after.Select(i => i.Definition), Is.EqualTo(before.Select(i => i.Definition)), "every index is back, with its definition");
            Assert.That(Rebuilt(before, after), Is.EquivalentTo(before.Where(i => !i.Enforces).Select(i => i.Name)), "the path was taken: every secondary index rebuilt");
            Assert.That(before.Where(i => i.Enforces).Select(i => i.Name), Does.Contain("patients_clinic_patient_id_key"), "rule-enforcing indexes are listed");
            Assert.That(before.Count(i => !i.Enforces), Is.GreaterThanOrEqualTo(12), "the secondary indexes of 0001, 0005 and 0006");
            Assert.That(found[sample].Select(m => m.Patient.ClinicPatientId), Does.Contain(patients[123].ClinicPatientId));
            Assert.That(near.NearMisses.Select(c => c.Address), Does.Contain(sample));
            Assert.That(await CountAsync("registry_changes"), Is.EqualTo((2 * Patients) + patients.Count(p => p.Consent is not null)), "one history row per patient, address and consent");
        });
    }

    [Test]
    public async Task ImportAsync_InProcessIndexBuiltOnEmptyRegistry_CatchesUpAfterFirstImport()
    {
        // An instance started before the clinic's first import: its near-miss index is empty.
        using var directory = new PostgresPatientDirectory(_temp.Database, inProcessNearMiss: true);
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
            Assert.That(caughtUp, Is.EqualTo(patients.Sum(p => p.Addresses.Count)), "every imported row added (the rebuilt keyed_xid index serves the catch-up)");
            Assert.That(second.NearMisses.Select(c => c.Address), Does.Contain(sample), "found in the index once caught up");
        });
    }

    [Test]
    public async Task WriteAsync_RegistryNotEmpty_NormalPathIndexesUntouched()
    {
        var patients = RegistryGenerator.Generate(Patients, 78);
        await _store.WriteAsync([patients[0]], "actor-test");
        var before = await IndexesAsync(_temp.Database);

        var diffs = await _store.WriteAsync(patients.Skip(1).ToList(), "actor-test");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(diffs.Count(d => d.IsInsert), Is.EqualTo(Patients - 1));
            Assert.That(await IndexesAsync(_temp.Database), Is.EqualTo(before), "a live registry keeps its indexes (dropping one would block every check)");
            Assert.That(await CountAsync("patients"), Is.EqualTo(Patients));
        });
    }

    [Test]
    public async Task WriteAsync_FirstImportWithAddressOfTwoPatients_ConflictNothingWrittenIndexesAsBefore()
    {
        var before = await IndexesAsync(_temp.Database);
        var patients = RegistryGenerator.Generate(Patients, 79).ToList();
        // The 200th patient claims the 10th one's address as personal: found only after the indexes are back.
        patients[200] = patients[200] with { Addresses = [patients[10].Addresses[0] with { Kind = AddressKind.Personal }] };

        var conflict = Assert.ThrowsAsync<RegistryConflictException>(() => _store.WriteAsync(patients, "actor-test"));

        Assert.That(conflict!.Conflict, Is.EqualTo(RegistryConflict.Address));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await CountAsync("patients"), Is.Zero);
            Assert.That(await CountAsync("registry_changes"), Is.Zero);
            Assert.That(await IndexesAsync(_temp.Database), Is.EqualTo(before), "the rollback restores the very same indexes");
        });
    }

    [Test]
    public async Task ImportAsync_RoleDoesNotOwnTheTables_NormalPath()
    {
        // The application role of a deployment where a DBA ran the migrations: rows only, no DDL.
        var role = "cm_dml_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = await _temp.Database.OpenConnectionAsync())
        {
            await ExecuteAsync(admin,
                $"CREATE ROLE {role} LOGIN; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}; " +
                $"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};");
        }

        try
        {
            var before = await IndexesAsync(_temp.Database);
            var connectionString = new NpgsqlConnectionStringBuilder(_temp.ConnectionString) { Username = role }.ConnectionString;
            await using (var asRole = new PostgresDatabase(connectionString))
            {
                var store = new PostgresPatientStore(asRole) { BulkThreshold = 50 };
                var result = await new RegistryImporter(store).ImportAsync(EmrExport.Of(RegistryGenerator.Generate(Patients, 80)), "actor-test", dryRun: false);
                Assert.That(result.Inserted, Is.EqualTo(Patients));
            }

            NpgsqlConnection.ClearAllPools();
            Assert.That(await IndexesAsync(_temp.Database), Is.EqualTo(before), "no DDL attempted without ownership");
        }
        finally
        {
            await using var admin = await _temp.Database.OpenConnectionAsync();
            await ExecuteAsync(admin, $"DROP OWNED BY {role}; DROP ROLE {role};");
        }
    }

    [Test]
    public async Task WriteAsync_BelowThreshold_NormalPath()
    {
        var before = await IndexesAsync(_temp.Database);
        var store = new PostgresPatientStore(_temp.Database) { BulkThreshold = 10_000 };

        await store.WriteAsync(RegistryGenerator.Generate(Patients, 81), "actor-test");

        Assert.That(await IndexesAsync(_temp.Database), Is.EqualTo(before));
    }

    private static IEnumerable<string> Rebuilt(List<Index> before, List<Index> after) =>
        before.Where(b => after.Single(a => a.Name == b.Name).Oid != b.Oid).Select(b => b.Name);

    /// <summary>Every index of the registry tables: name, oid (a rebuilt index has a new one),
    /// definition, and whether it enforces a rule (primary key, UNIQUE).</summary>
    private static async Task<List<Index>> IndexesAsync(PostgresDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT ic.relname, ic.oid::bigint, pg_get_indexdef(i.indexrelid), i.indisunique FROM pg_index AS i " +
            "JOIN pg_class AS ic ON ic.oid = i.indexrelid JOIN pg_class AS t ON t.oid = i.indrelid " +
            "WHERE t.relname IN ('patients', 'consents', 'patient_addresses', 'registry_changes') ORDER BY ic.relname;", connection);
        var indexes = new List<Index>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            indexes.Add(new Index(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetBoolean(3)));
        }

        return indexes;
    }

    private async Task<long> CountAsync(string table)
    {
        await using var connection = await _temp.Database.OpenConnectionAsync();
#pragma warning disable CA2100 // Table names are literals of this test class.
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM " + table + ";", connection);
#pragma warning restore CA2100
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
#pragma warning disable CA2100 // Role names generated from a GUID.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }

    private sealed record Index(string Name, long Oid, string Definition, bool Enforces);
}
