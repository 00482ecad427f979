using System.Text;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Registry;
using ClinicMail.Infrastructure.Storage.Sqlite;
using ClinicMail.Infrastructure.Tests.Registry;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The SQLite bulk-load path (<see cref="BulkIndexes"/>: secondary indexes dropped and
/// rebuilt inside the write's transaction), exercised with small files by lowering its threshold,
/// end to end through <see cref="RegistryImporter"/>.</summary>
public sealed class SqliteBulkImportTests
{
    private const int Patients = 300;

    private TempSqliteDatabase _temp = null!;
    private SqlitePatientStore _store = null!;

    [SetUp]
    public async Task CreateAsync()
    {
        _temp = await TempSqliteDatabase.CreateMigratedAsync();
        _store = new SqlitePatientStore(_temp.Database) { BulkThreshold = 50 };
    }

    [TearDown]
    public void Release() => _temp.Dispose();

    [Test]
    public async Task ImportAsync_BulkIntoEmptyRegistry_IndexesAsBeforeAndLookupsWork()
    {
        var before = await IndexesAsync();
        var patients = RegistryGenerator.Generate(Patients, 77);

        var result = await new RegistryImporter(_store).ImportAsync(EmrExport.Of(patients), "actor-test", dryRun: false);

        var directory = new SqlitePatientDirectory(_temp.Database);
        var sample = AddressNormalizer.Normalize(patients[123].Addresses[0].Address)!;
        var found = await directory.FindByAddressesAsync([sample]);
        var typo = string.Concat(sample.AsSpan(0, 2), "x", sample.AsSpan(3));
        var near = await directory.LookUpAsync([new AddressLookup(typo, [AddressKeys.For(typo)])]);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Errors, Is.Empty);
            Assert.That(result.Inserted, Is.EqualTo(Patients));
            Assert.That(result.Written, Is.True);
            Assert.That(await IndexesAsync(), Is.EqualTo(before), "every index is back, with its definition");
            Assert.That(await CountAsync("patients"), Is.EqualTo(Patients));
            Assert.That(found[sample].Select(m => m.Patient.ClinicPatientId), Does.Contain(patients[123].ClinicPatientId));
            Assert.That(near.NearMisses.Select(c => c.Address), Does.Contain(sample));
            // One history row per patient, per address and per consent.
            Assert.That(await CountAsync("registry_changes"), Is.EqualTo((2 * Patients) + patients.Count(p => p.Consent is not null)), "history rows written in bulk too");
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
    public async Task WriteAsync_BulkWithAddressOfAnotherPatient_ConflictNothingWrittenIndexesKept()
    {
        var before = await IndexesAsync();
        var patients = RegistryGenerator.Generate(Patients, 81).ToList();
        var owner = patients[0] with { Id = "pat-owner", ClinicPatientId = "OWNER-1" };
        await _store.WriteAsync([owner], "actor-test");
        // The 200th patient claims the owner's personal address: the whole bulk write must fail.
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
    public async Task WriteAsync_SmallWriteToLargerRegistry_NormalPath()
    {
        await _store.WriteAsync(RegistryGenerator.Generate(Patients, 82), "actor-test");
        var before = await IndexesAsync();
        var more = RegistryGenerator.Generate(60, 83).Select(p => p with { Id = "new-" + p.Id, ClinicPatientId = "NEW-" + p.ClinicPatientId }).ToList();

        var diffs = await _store.WriteAsync(more, "actor-test");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(diffs.Count(d => d.IsInsert), Is.EqualTo(60));
            Assert.That(await IndexesAsync(), Is.EqualTo(before));
            Assert.That(await CountAsync("patients"), Is.EqualTo(Patients + 60));
        });
    }

    private async Task<List<string>> IndexesAsync()
    {
        await using var connection = await _temp.Database.OpenConnectionAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name;";
        var indexes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            indexes.Add(reader.GetString(0));
        }

        return indexes;
    }

    private async Task<long> CountAsync(string table)
    {
        await using var connection = await _temp.Database.OpenConnectionAsync();
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Table names are literals of this test class.
        command.CommandText = "SELECT COUNT(*) FROM " + table + ";";
#pragma warning restore CA2100
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>The hand-written row JSON must read back in SQLite exactly as the serializer's did.</summary>
public sealed class JsonRowsTests
{
    [Test]
    public void Write_StringsNumbersNullsAndLists_SameAsSerializer()
    {
        List<object?[]> rows =
        [
            ["pat_1", "Côté \"Émilie\" \\ 😀", 0, null, new[] { "fausse couche", "deuil" }, (IReadOnlyList<string>)["a"], 42L],
            ["pat_2", "", 1, "2025-06-01", Array.Empty<string>(), (IReadOnlyList<string>)[], -3L],
        ];

        var written = JsonRows.Write(rows);

        Assert.That(written, Is.EqualTo(System.Text.Json.JsonSerializer.Serialize(rows)));
    }

    [Test]
    public void Write_UnsupportedCell_Throws()
    {
        Assert.Throws<ArgumentException>(() => JsonRows.Write([[3.5]]));
    }
}
