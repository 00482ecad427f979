using BenchmarkDotNet.Attributes;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Storage.Shared;
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
    private PatientDirectory _sqlite = null!;
    private string _folder = null!;
    private Draft _draft = null!;
    private Draft _registeredOnly = null!;

    [GlobalSetup]
    public void Setup()
    {
        var patients = RegistryGenerator.Generate(PatientCount, 2025);
        _memory = new InMemoryPatientDirectory(patients);

        _folder = Path.Combine(Path.GetTempPath(), "clinicmail-bench", Guid.NewGuid().ToString("N"));
        var database = new SqliteDatabase(Path.Combine(_folder, "registry.db"));
        database.MigrateAsync().GetAwaiter().GetResult();
        new PatientStore(database).UpsertManyAsync(patients, "actor-bench").GetAwaiter().GetResult();
        _sqlite = new PatientDirectory(database);

        // Typos of registered addresses that are not themselves registered (a generated registry
        // can hold both "marie.roy" and "mraie.roy"; that pair would be two patients, not a typo).
        string Typo(int start, Func<string, string?> mistype) => patients.Skip(start)
            .Select(p => mistype(p.Addresses[0].Address))
            .First(t => t is not null && _memory.FindByAddressesAsync([AddressNormalizer.Normalize(t)!]).Result.Count == 0)!;

        var gmial = Typo(0, a => a.EndsWith("@gmail.com", StringComparison.Ordinal) ? a.Replace("@gmail.com", "@gmial.com", StringComparison.Ordinal) : null);
        var swapped = Typo(1234, a => a[0] != a[1] ? string.Concat(a[1].ToString(), a[0].ToString(), a[2..]) : null);
        var cyrillic = Typo(4321, a => a.Contains("a.", StringComparison.Ordinal) ? a.Replace("a.", "\u0430.", StringComparison.Ordinal) : null);
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
                new DraftRecipient(gmial),
                new DraftRecipient(swapped),
                new DraftRecipient(cyrillic),
            ],
        };

        // The everyday case: every recipient is a registered patient (no near-miss search at all).
        _registeredOnly = new Draft { Bcc = [.. Enumerable.Range(0, 10).Select(i => new DraftRecipient(patients[i * 9_973].Addresses[0].Address))] };

        // Fail loudly if the scenario is not the one described (the figures would mean nothing).
        var reports = RecipientResolver.Default.ResolveAsync(_draft, _memory, InternalDomains, Today).GetAwaiter().GetResult();
        var lookalikes = reports.Count(r => r.Status == RecipientStatus.Lookalike);
        var patientsFound = reports.Count(r => r.IsPatient);
        if (lookalikes != 3 || patientsFound != 4)
        {
            throw new InvalidOperationException(FormattableString.Invariant($"Unexpected scenario: {patientsFound} patients, {lookalikes} look-alikes."));
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

    [Benchmark]
    public Task<IReadOnlyList<RecipientReport>> ResolveInMemoryAllRegistered() =>
        RecipientResolver.Default.ResolveAsync(_registeredOnly, _memory, InternalDomains, Today);

    [Benchmark]
    public Task<IReadOnlyList<RecipientReport>> ResolveSqliteAllRegistered() =>
        RecipientResolver.Default.ResolveAsync(_registeredOnly, _sqlite, InternalDomains, Today);
}
