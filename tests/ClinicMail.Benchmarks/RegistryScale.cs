using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Registry;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Shared;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Npgsql;

namespace ClinicMail.Benchmarks;

/// <summary>Registry scale figures that BenchmarkDotNet's many-iteration model does not fit (a
/// 100,000-row import is one long operation; a 1,000,000-patient database takes minutes to build):
/// timed with a stopwatch, medians and p95 over thousands of warm runs. Run:
/// <c>dotnet run -c Release --project tests/ClinicMail.Benchmarks -- registry-scale [import|resolve|check|all]</c>.
/// PostgreSQL figures need <c>CLINICMAIL_BENCH_POSTGRES</c> (or <c>CLINICMAIL_TEST_POSTGRES</c>): a server
/// connection string; the benchmark creates (and keeps, for reuse) databases named clinicmail_bench_*.</summary>
public static class RegistryScale
{
    private static readonly string[] InternalDomains = ["clinique-exemple.med"];
    private static readonly DateOnly Today = new(2025, 6, 1);

    public static async Task<int> RunAsync(string[] args)
    {
        var what = args.Length > 1 ? args[1] : "all";
        var server = Environment.GetEnvironmentVariable("CLINICMAIL_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("CLINICMAIL_TEST_POSTGRES");
        var folder = Path.Combine(Path.GetTempPath(), "clinicmail-bench-scale");
        Directory.CreateDirectory(folder);
        if (what == "phases")
        {
            var generated = RegistryGenerator.Generate(100_000, 4242);
            var w = Stopwatch.StartNew();
            foreach (var p in generated)
            {
                PatientDiff.Compute(null, p);
            }

            Console.WriteLine(FormattableString.Invariant($"diff compute x100k: {w.Elapsed.TotalSeconds:F2} s"));
            w.Restart();
            foreach (var p in generated)
            {
                AddressKeys.For(AddressNormalizer.Normalize(p.Addresses[0].Address)!);
            }

            Console.WriteLine(FormattableString.Invariant($"normalize+keys x100k: {w.Elapsed.TotalSeconds:F2} s"));
            w.Restart();
            foreach (var p in generated)
            {
                AddressNormalizer.Normalize(p.Addresses[0].Address);
            }

            Console.WriteLine(FormattableString.Invariant($"normalize x100k: {w.Elapsed.TotalSeconds:F2} s"));
            var csvText = RegistryCsv.Format(generated);
            w.Restart();
            using (var csvReader = new StringReader(csvText))
            {
                RegistryCsv.Parse(csvReader);
            }

            Console.WriteLine(FormattableString.Invariant($"RegistryCsv.Parse x100k: {w.Elapsed.TotalSeconds:F2} s"));
            w.Restart();
            using (var csvReader = new StringReader(csvText))
            {
                RegistryCsv.Parse(csvReader);
            }

            Console.WriteLine(FormattableString.Invariant($"RegistryCsv.Parse x100k (warm): {w.Elapsed.TotalSeconds:F2} s"));
            w.Restart();
            using (var csvReader = new StringReader(csvText))
            using (var raw = new CsvHelper.CsvReader(csvReader, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = false }))
            {
                var n = 0;
#pragma warning disable CA1849 // The same synchronous reads RegistryCsv.Parse does.
                while (raw.Read())
#pragma warning restore CA1849
                {
                    for (var i = 0; i < 15; i++)
                    {
                        n += raw.Parser[i]!.Length;
                    }
                }
            }

            Console.WriteLine(FormattableString.Invariant($"CsvHelper fields only x100k (warm): {w.Elapsed.TotalSeconds:F2} s"));
            return 0;
        }

        if (what == "profile")
        {
            await ProfileAsync(folder, server, int.Parse(args.Length > 2 ? args[2] : "1000000", CultureInfo.InvariantCulture));
            return 0;
        }

        if (what is "import" or "all")
        {
            await ImportAsync(folder, server);
        }

        if (what is "resolve" or "all")
        {
            await ResolveAsync(folder, server, int.Parse(args.Length > 2 ? args[2] : "1000000", CultureInfo.InvariantCulture));
        }

        if (what is "check" or "all")
        {
            await CheckAsync(folder, server, int.Parse(args.Length > 2 && what == "check" ? args[2] : "100000", CultureInfo.InvariantCulture));
        }

        return 0;
    }

    private static async Task ImportAsync(string folder, string? server)
    {
        var csv = Encoding.UTF8.GetBytes(RegistryCsv.Format(RegistryGenerator.Generate(100_000, 4242)));
        Console.WriteLine(FormattableString.Invariant($"import: 100,000 patients, {csv.Length / 1024 / 1024.0:F1} MiB CSV"));
        var path = Path.Combine(folder, "import.db");
        File.Delete(path);
        await using (var sqlite = StorageBackend.ForSqlite(new SqliteDatabase(path)))
        {
            await sqlite.MigrateAsync();
            await TimeImportAsync("SQLite", sqlite, csv);
        }

        if (server is not null)
        {
            await using var postgres = await PostgresAsync(server, "clinicmail_bench_import", recreate: true);
            await TimeImportAsync("PostgreSQL", postgres, csv);
        }
    }

    private static async Task TimeImportAsync(string name, StorageBackend backend, byte[] csv)
    {
        var importer = new RegistryImporter(backend.Patients);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        if (Environment.GetEnvironmentVariable("CLINICMAIL_BENCH_PHASES") is not null)
        {
            using var reader = RegistryCsv.Reader(new MemoryStream(csv));
            var (parsed, _, _) = RegistryCsv.Parse(reader);
            Console.WriteLine(FormattableString.Invariant($"    parse {watch.Elapsed.TotalSeconds:F2} s"));
            watch.Restart();
            await backend.Patients.GetManyByClinicIdsAsync([.. parsed.Select(p => p.ClinicPatientId)]);
            Console.WriteLine(FormattableString.Invariant($"    load by clinic id (empty) {watch.Elapsed.TotalSeconds:F2} s"));
            watch.Restart();
        }

        var first = await importer.ImportAsync(new MemoryStream(csv), "bench", dryRun: false);
        var firstTime = watch.Elapsed;
        var firstCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        watch.Restart();
        if (backend.Postgres is not null && backend.Patients is PatientStore postgresPatients)
        {
            // The statistics refresh the import started after its commit (not waited for by the import).
            await postgresPatients.MaintenanceAsync();
            Console.WriteLine(FormattableString.Invariant($"    statistics refreshed {watch.Elapsed.TotalSeconds:F2} s after the import returned"));
            watch.Restart();
        }

        var second = await importer.ImportAsync(new MemoryStream(csv), "bench", dryRun: false);
        var secondTime = watch.Elapsed;
        Console.WriteLine(FormattableString.Invariant(
            $"  {name}: first import {firstTime.TotalSeconds:F2} s wall, {firstCpu.TotalSeconds:F2} s CPU of this process (inserted {first.Inserted}, errors {first.Errors.Count}); same file again {secondTime.TotalSeconds:F2} s (unchanged {second.Unchanged}); load average {LoadAverage()}"));
    }

    /// <summary>The 1-minute load average (this machine is shared: figures under load are upper bounds).</summary>
    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    /// <summary>A migrated store in database <paramref name="name"/> of the server, created if missing
    /// (dropped first when <paramref name="recreate"/>). Also used by <see cref="AuditTimedRuns"/>.</summary>
    internal static async Task<StorageBackend> PostgresAsync(string server, string name, bool recreate)
    {
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
#pragma warning disable CA2100 // Fixed benchmark database names.
            var exists = await new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{name}'", admin).ExecuteScalarAsync() is not null;
            if (exists && recreate)
            {
                await new NpgsqlCommand($"DROP DATABASE {name} WITH (FORCE)", admin).ExecuteNonQueryAsync();
            }

            if (!exists || recreate)
            {
                await new NpgsqlCommand($"CREATE DATABASE {name}", admin).ExecuteNonQueryAsync();
            }
#pragma warning restore CA2100
        }

        var backend = StorageBackend.ForPostgres(new PostgresDatabase(new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString), ownsDatabase: true, inProcessNearMiss: InProcessNearMiss);
        await backend.MigrateAsync();
        return backend;
    }

    /// <summary>Near misses searched in the directory's in-process index (the HTTP app's default), unless
    /// <c>CLINICMAIL_BENCH_NEARMISS=database</c> asks for the database's index seeks (one-shot commands).</summary>
    private static readonly bool InProcessNearMiss =
        !string.Equals(Environment.GetEnvironmentVariable("CLINICMAIL_BENCH_NEARMISS"), "database", StringComparison.OrdinalIgnoreCase);

    /// <summary>Builds the in-process near-miss index before the timed runs (the app does it at start-up).</summary>
    private static async Task IndexAsync(StorageBackend backend)
    {
        if (!InProcessNearMiss)
        {
            Console.WriteLine(FormattableString.Invariant($"  {backend.Provider}: near misses searched in the database"));
            return;
        }

        var watch = Stopwatch.StartNew();
        await backend.WarmUpNearMissIndexAsync();
        var index = ((INearMissIndexed)backend.Directory).NearMissIndex!;
        var (rows, bytes) = (index.Count, index.ApproximateBytes);
        Console.WriteLine(FormattableString.Invariant($"  {backend.Provider}: in-process near-miss index of {rows:N0} rows built in {watch.Elapsed.TotalSeconds:F2} s, ~{bytes / (1024 * 1024)} MB"));
    }

    /// <summary>Builds (or reuses) the database of these generated patients.</summary>
    private static async Task FillAsync(StorageBackend backend, IReadOnlyList<Patient> patients)
    {
        var last = await backend.Patients.GetAsync(patients[^1].Id);
        if (last is not null)
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        foreach (var chunk in patients.Chunk(50_000))
        {
            await backend.Patients.WriteAsync(chunk, "bench");
        }

        Console.WriteLine(FormattableString.Invariant($"  built {backend.Provider} registry of {patients.Count:N0} patients in {watch.Elapsed.TotalSeconds:F0} s"));
        if (backend.Postgres is { } pg)
        {
            await using var connection = await pg.OpenConnectionAsync();
            await new NpgsqlCommand("VACUUM ANALYZE", connection).ExecuteNonQueryAsync();
        }
        else if (backend.Sqlite is { } sqlite)
        {
            await using var connection = await sqlite.OpenConnectionAsync();
            using var analyze = connection.CreateCommand();
            analyze.CommandText = "ANALYZE;";
            await analyze.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The scenario of RecipientResolutionBenchmarks: 4 registered, 3 unknown, 3 typos.</summary>
    private static (Draft Mixed, Draft Registered, Draft Typos) Drafts(IReadOnlyList<Patient> patients, InMemoryPatientDirectory memory)
    {
        string Typo(int start, Func<string, string?> mistype) => patients.Skip(start)
            .Select(p => mistype(p.Addresses[0].Address))
            .First(t => t is not null && memory.FindByAddressesAsync([AddressNormalizer.Normalize(t)!]).Result.Count == 0)!;

        var gmial = Typo(0, a => a.EndsWith("@gmail.com", StringComparison.Ordinal) ? a.Replace("@gmail.com", "@gmial.com", StringComparison.Ordinal) : null);
        var swapped = Typo(1234, a => a[0] != a[1] ? string.Concat(a[1].ToString(), a[0].ToString(), a[2..]) : null);
        var cyrillic = Typo(4321, a => a.Contains("a.", StringComparison.Ordinal) ? a.Replace("a.", "\u0430.", StringComparison.Ordinal) : null);
        var dropped = Typo(777, a => a.IndexOf('@', StringComparison.Ordinal) > 6 ? a.Remove(3, 1) : null);
        var n = patients.Count;
        var mixed = new Draft
        {
            Subject = "Rendez-vous",
            To = [new DraftRecipient(patients[10].Addresses[0].Address), new DraftRecipient(patients[n / 5].Addresses[0].Address)],
            Cc = [new DraftRecipient(patients[n / 2].Addresses[0].Address), new DraftRecipient(patients[n - 1].Addresses[0].Address), new DraftRecipient("inconnu.total@example.com")],
            Bcc = [new DraftRecipient("jean.nouveau@gmail.com"), new DraftRecipient("quelqu.un@videotron.ca"), new DraftRecipient(gmial), new DraftRecipient(swapped), new DraftRecipient(cyrillic)],
        };
        var registered = new Draft { Bcc = [.. Enumerable.Range(0, 10).Select(i => new DraftRecipient(patients[i * (n / 10)].Addresses[0].Address))] };
        var typos = new Draft
        {
            Bcc = [new DraftRecipient(gmial), new DraftRecipient(swapped), new DraftRecipient(cyrillic), new DraftRecipient(dropped),
                new DraftRecipient("marie.trembaly@gmail.com"), new DraftRecipient("jean.gagnon@hotmial.com"), new DraftRecipient("sophie.roy@videotorn.ca"),
                new DraftRecipient("mcote@gmail.com"), new DraftRecipient("inconnu.total@example.com"), new DraftRecipient("luc.lavoie@gmail.co")],
        };
        return (mixed, registered, typos);
    }

    private static async Task ResolveAsync(string folder, string? server, int count)
    {
        Console.WriteLine(FormattableString.Invariant($"resolve: 10-recipient drafts against {count:N0} patients (warm; median / p95 per draft)"));
        var patients = RegistryGenerator.Generate(count, 2025);
        var memory = new InMemoryPatientDirectory(patients);
        var drafts = Drafts(patients, memory);
        await TimeResolveAsync("in memory", memory, drafts);

        var path = Path.Combine(folder, FormattableString.Invariant($"resolve-{count}.db"));
        await using (var sqlite = StorageBackend.ForSqlite(new SqliteDatabase(path), inProcessNearMiss: InProcessNearMiss))
        {
            await sqlite.MigrateAsync();
            await FillAsync(sqlite, patients);
            await IndexAsync(sqlite);
            await TimeResolveAsync("SQLite", sqlite.Directory, drafts);
        }

        if (server is not null)
        {
            await using var postgres = await PostgresAsync(server, FormattableString.Invariant($"clinicmail_bench_{count}"), recreate: false);
            await FillAsync(postgres, patients);
            await IndexAsync(postgres);
            await TimeResolveAsync("PostgreSQL", postgres.Directory, drafts);
        }
    }

    /// <summary>Step timings of the registry work of a check (<see cref="RegistryProfile"/>), on the databases <see cref="ResolveAsync"/> built.</summary>
    private static async Task ProfileAsync(string folder, string? server, int count)
    {
        var patients = RegistryGenerator.Generate(count, 2025);
        var memory = new InMemoryPatientDirectory(patients);
        var drafts = Drafts(patients, memory);
        await using (var sqlite = StorageBackend.ForSqlite(new SqliteDatabase(Path.Combine(folder, FormattableString.Invariant($"resolve-{count}.db"))), inProcessNearMiss: InProcessNearMiss))
        {
            await sqlite.MigrateAsync();
            await FillAsync(sqlite, patients);
            await IndexAsync(sqlite);
            await RegistryProfile.RunAsync("SQLite", sqlite.Directory, drafts.Mixed, InternalDomains, sqlite.Sqlite);
        }

        if (server is not null)
        {
            await using var postgres = await PostgresAsync(server, FormattableString.Invariant($"clinicmail_bench_{count}"), recreate: false);
            await FillAsync(postgres, patients);
            await IndexAsync(postgres);
            await RegistryProfile.RunAsync("PostgreSQL", postgres.Directory, drafts.Mixed, InternalDomains, postgres: postgres.Postgres);
        }
    }

    private static async Task TimeResolveAsync(string name, IPatientDirectory directory, (Draft Mixed, Draft Registered, Draft Typos) drafts)
    {
        foreach (var (label, draft) in new[] { ("all registered", drafts.Registered), ("4 registered + 3 unknown + 3 typos", drafts.Mixed), ("10 typos/unknown", drafts.Typos) })
        {
            var times = await MeasureAsync(() => RecipientResolver.Default.ResolveAsync(draft, directory, InternalDomains, Today));
            Console.WriteLine(FormattableString.Invariant($"  {name,-10} {label,-36} median {times.Median,8:F1} µs   p95 {times.P95,8:F1} µs   CPU {times.Cpu,8:F1} µs/run   load {LoadAverage()}"));
        }
    }

    /// <summary>Median and p95 wall time of <paramref name="run"/>, and the mean CPU time of this process per run (client side only:
    /// a PostgreSQL server's work is not in it).</summary>
    internal static async Task<(double Median, double P95, double Cpu)> MeasureAsync(Func<Task> run, int warmup = 200, int iterations = 2000)
    {
        for (var i = 0; i < warmup; i++)
        {
            await run();
        }

        var samples = new double[iterations];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await run();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        var cpuPerRun = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / iterations;
        Array.Sort(samples);
        return (samples[iterations / 2], samples[(int)(iterations * 0.95)], cpuPerRun);
    }

    /// <summary>The full check (text, topics, identifiers, recipients, policy, etiquette) of a 4 KB
    /// French draft with 10 recipients, against <paramref name="count"/> patients (the databases of <c>resolve</c>).</summary>
    private static async Task CheckAsync(string folder, string? server, int count)
    {
        Console.WriteLine(FormattableString.Invariant($"check: full DraftChecker.CheckAsync, 4 KB body, 10 recipients, {count:N0} patients (median / p95)"));
        var patients = RegistryGenerator.Generate(count, 2025);
        var memory = new InMemoryPatientDirectory(patients);
        var drafts = Drafts(patients, memory);
        var body = FourKilobyteBody();
        var cases = new[] { ("all registered", drafts.Registered with { Subject = "Résultats", Body = body }), ("mixed with typos", drafts.Mixed with { Body = body }) };

        async Task Time(string name, IPatientDirectory directory)
        {
            foreach (var (label, draft) in cases)
            {
                var context = new CheckContext { Directory = directory, InternalDomains = InternalDomains, Today = Today };
                var times = await MeasureAsync(() => DraftChecker.Default.CheckAsync(draft, context));
                Console.WriteLine(FormattableString.Invariant($"  {name,-10} {label,-20} median {times.Median,8:F1} µs   p95 {times.P95,8:F1} µs   CPU {times.Cpu,8:F1} µs/run   load {LoadAverage()}"));
            }
        }

        await Time("in memory", memory);
        await using (var sqlite = StorageBackend.ForSqlite(new SqliteDatabase(Path.Combine(folder, FormattableString.Invariant($"resolve-{count}.db"))), inProcessNearMiss: InProcessNearMiss))
        {
            await sqlite.MigrateAsync();
            await FillAsync(sqlite, patients);
            await IndexAsync(sqlite);
            await Time("SQLite", sqlite.Directory);
        }

        if (server is not null)
        {
            await using var postgres = await PostgresAsync(server, FormattableString.Invariant($"clinicmail_bench_{count}"), recreate: false);
            await FillAsync(postgres, patients);
            await IndexAsync(postgres);
            await Time("PostgreSQL", postgres.Directory);
        }
    }

    private static string FourKilobyteBody()
    {
        const string Paragraph =
            "Bonjour Madame, je vous écris au sujet de vos résultats d'analyse sanguine du 12 mai. Votre bilan lipidique est normal et votre " +
            "glycémie à jeun se situe dans les valeurs attendues. Nous poursuivrons le même traitement pour l'hypertension et je vous propose " +
            "un rendez-vous de suivi dans trois mois. N'hésitez pas à communiquer avec la clinique si vous avez des questions. ";
        var builder = new StringBuilder(4200);
        while (builder.Length < 4000)
        {
            builder.Append(Paragraph);
        }

        return builder.Append("\n\nDre Anne Lefebvre, M.D., médecine familiale, 514 555-0100").ToString();
    }
}
