using BenchmarkDotNet.Attributes;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Benchmarks;

/// <summary>One Send check's recipient resolution: a 10-recipient draft (4 registered patients,
/// 3 unknown addresses, 3 typos of registered ones: provider typo, swapped letters, Cyrillic letter)
/// against a registry of 100,000 generated patients, in memory and on a real SQLite file.
/// Run: <c>dotnet run -c Release --project tests/ClinicMail.Benchmarks -- --filter *Recipient* --job short</c>.</summary>
[MemoryDiagnoser]
public class RecipientResolutionBenchmarks
{
    private const int PatientCount = 100_000;
    private static readonly string[] InternalDomains = ["clinique-exemple.med"];
    private static readonly DateOnly Today = new(2025, 6, 1);

    private InMemoryPatientDirectory _memory = null!;
    private SqlitePatientDirectory _sqlite = null!;
    private string _folder = null!;
    private Draft _draft = null!;

    [GlobalSetup]
    public void Setup()
    {
        var patients = RegistryGenerator.Generate(PatientCount, 2025);
        _memory = new InMemoryPatientDirectory(patients);

        _folder = Path.Combine(Path.GetTempPath(), "clinicmail-bench", Guid.NewGuid().ToString("N"));
        var database = new SqliteDatabase(Path.Combine(_folder, "registry.db"));
        database.MigrateAsync().GetAwaiter().GetResult();
        new SqlitePatientStore(database).UpsertManyAsync(patients, "actor-bench").GetAwaiter().GetResult();
        _sqlite = new SqlitePatientDirectory(database);

        var gmail = patients.First(p => p.Addresses[0].Address.EndsWith("@gmail.com", StringComparison.Ordinal)).Addresses[0].Address;
        var swapped = patients[1234].Addresses[0].Address;
        var cyrillic = patients.First(p => p.Addresses[0].Address.Contains("a.", StringComparison.Ordinal)).Addresses[0].Address;
        _draft = new Draft
        {
            To = [new DraftRecipient(patients[10].Addresses[0].Address), new DraftRecipient(patients[20_000].Addresses[0].Address)],
            Cc =
            [
                new DraftRecipient(patients[50_000].Addresses[0].Address),
                new DraftRecipient(patients[99_999].Addresses[0].Address),
                new DraftRecipient("inconnu.total@example.com"),
            ],
            Bcc =
            [
                new DraftRecipient("jean.nouveau@gmail.com"),
                new DraftRecipient("quelqu.un@videotron.ca"),
                new DraftRecipient(gmail.Replace("@gmail.com", "@gmial.com", StringComparison.Ordinal)),
                new DraftRecipient(string.Concat(swapped[1].ToString(), swapped[0].ToString(), swapped[2..])),
                new DraftRecipient(cyrillic.Replace("a.", "\u0430.", StringComparison.Ordinal)),
            ],
        };

        // Fail loudly if the scenario is not the one described (the figures would mean nothing).
        var reports = RecipientResolver.Default.ResolveAsync(_draft, _memory, InternalDomains, Today).GetAwaiter().GetResult();
        var lookalikes = reports.Count(r => r.Status == RecipientStatus.Lookalike);
        var patientsFound = reports.Count(r => r.IsPatient);
        if (lookalikes != 3 || patientsFound != 4)
        {
            throw new InvalidOperationException($"Unexpected scenario: {patientsFound} patients, {lookalikes} look-alikes.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<IReadOnlyList<RecipientReport>> ResolveInMemory() =>
        RecipientResolver.Default.ResolveAsync(_draft, _memory, InternalDomains, Today);

    [Benchmark]
    public Task<IReadOnlyList<RecipientReport>> ResolveSqlite() =>
        RecipientResolver.Default.ResolveAsync(_draft, _sqlite, InternalDomains, Today);
}
