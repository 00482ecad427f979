using System.Diagnostics;
using System.Globalization;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ClinicMail.Benchmarks;

/// <summary>Timed runs of the audit log at full scale (docs/audit.md, "Performance"). Not BenchmarkDotNet:
/// one verification or export of 1,000,000 records takes seconds and builds on a database that takes
/// minutes to fill, while BenchmarkDotNet wants many identical short iterations (pilot, warm-up, at least
/// 15 measured runs) and cannot report a process's peak memory for one long run. Each sub-command is a
/// single measured run in its own process, so peak memory belongs to that run alone.</summary>
/// <remarks>
/// dotnet run -c Release --project tests/ClinicMail.Benchmarks -- audit append --records 200000 --producers 64 --db /tmp/a.db
/// dotnet run -c Release --project tests/ClinicMail.Benchmarks -- audit build --records 1000000 --db /tmp/m.db
/// dotnet run -c Release --project tests/ClinicMail.Benchmarks -- audit verify --db /tmp/m.db
/// dotnet run -c Release --project tests/ClinicMail.Benchmarks -- audit export --format csv --db /tmp/m.db
/// With <c>--postgres</c> instead of <c>--db</c>, the same runs go to the PostgreSQL server named by
/// <c>CLINICMAIL_BENCH_POSTGRES</c> or <c>CLINICMAIL_TEST_POSTGRES</c>, in the databases
/// <c>clinicmail_bench_audit_append</c> (append) and <c>clinicmail_bench_audit_build</c> (build, verify, export).
/// </remarks>
internal static class AuditTimedRuns
{
    public static async Task<int> RunAsync(string[] args)
    {
        var command = args.Length > 1 ? args[1] : "";
        var records = long.Parse(Option(args, "--records") ?? "200000", CultureInfo.InvariantCulture);
        var producers = int.Parse(Option(args, "--producers") ?? "64", CultureInfo.InvariantCulture);
        var target = args.Contains("--postgres")
            ? Target.Postgres(Environment.GetEnvironmentVariable("CLINICMAIL_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("CLINICMAIL_TEST_POSTGRES")
                ?? throw new InvalidOperationException("--postgres needs a server connection string in CLINICMAIL_BENCH_POSTGRES or CLINICMAIL_TEST_POSTGRES."))
            : Target.Sqlite(Option(args, "--db") ?? Path.Combine(Path.GetTempPath(), "clinicmail-audit-bench.db"));
        var format = Option(args, "--format") ?? "csv";
        using var sampler = new MemorySampler();
        switch (command)
        {
            case "append":
                await AppendAsync(target, records, producers).ConfigureAwait(false);
                break;
            case "build":
                await BuildAsync(target, records).ConfigureAwait(false);
                break;
            case "verify":
                await VerifyAsync(target).ConfigureAwait(false);
                break;
            case "export":
                await ExportAsync(target, format == "jsonl" ? AuditExportFormat.JsonLines : AuditExportFormat.Csv).ConfigureAwait(false);
                break;
            default:
                await Console.Error.WriteLineAsync("usage: audit append|build|verify|export [--records N] [--producers N] [--db PATH | --postgres] [--format csv|jsonl]").ConfigureAwait(false);
                return 64;
        }

        Report("store", target.IsPostgres ? 1 : 0);
        Report("load_average_1min", LoadAverage());
        Report("peak_managed_heap_mb", sampler.PeakManagedBytes / 1048576.0);
        Report("peak_working_set_mb", PeakWorkingSetBytes() / 1048576.0);
        return 0;
    }

    /// <summary>Sustained append rate: <paramref name="producers"/> concurrent callers, each awaiting its
    /// own record as a check request does, through the group-commit writer into the chain.</summary>
    private static async Task AppendAsync(Target target, long records, int producers)
    {
        await using var backend = await target.OpenAsync("append", fresh: true).ConfigureAwait(false);
        await using var writer = new BatchingAuditWriter(backend.Audit, TimeProvider.System);
        long next = 0;
        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= records)
            {
                await writer.AppendAsync(Entry(next)).ConfigureAwait(false);
            }
        })).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        watch.Stop();
        Report("records", records);
        Report("producers", producers);
        Report("seconds", watch.Elapsed.TotalSeconds);
        Report("records_per_second", records / watch.Elapsed.TotalSeconds);
    }

    /// <summary>Fills a database for the verify and export runs: the same append path in batches of
    /// 1,000, a signed checkpoint every 10,000 records as the maintenance service would make.</summary>
    private static async Task BuildAsync(Target target, long records)
    {
        await using var backend = await target.OpenAsync("build", fresh: true).ConfigureAwait(false);
        var store = backend.Audit;
        using var key = new ProviderAuditSigningKey(LocalKeyFileKek.OpenOrCreate(target.KeyPath, allowDevelopmentKeys: true));
        var writer = new DirectWriter(store);
        var verifier = new AuditVerifier(backend.AuditReview!, key, new AuditOptions().EffectiveMaxUnsignedRecords);
        using var checkpointer = new AuditCheckpointer(backend.AuditReview!, writer, key, TimeProvider.System, verifier);
        var watch = Stopwatch.StartNew();
        long written = 0;
        while (written < records)
        {
            var batch = (int)Math.Min(1000, records - written);
            await store.AppendBatchAsync([.. Enumerable.Range(0, batch).Select(i => Entry(written + i))], DateTimeOffset.UtcNow).ConfigureAwait(false);
            written += batch;
            if (written % 10_000 == 0)
            {
                await checkpointer.CheckpointAsync("bench").ConfigureAwait(false);
            }
        }

        await checkpointer.CheckpointAsync("bench").ConfigureAwait(false);
        Report("records", (await backend.AuditReview!.ReadHeadAsync().ConfigureAwait(false))!.Sequence);
        Report("seconds", watch.Elapsed.TotalSeconds);
        Report("records_per_second", records / watch.Elapsed.TotalSeconds);
        Report("store_mb", await target.SizeAsync(backend).ConfigureAwait(false) / 1048576.0);
    }

    private static async Task VerifyAsync(Target target)
    {
        await using var backend = await target.OpenAsync("build", fresh: false).ConfigureAwait(false);
        using var key = new ProviderAuditSigningKey(LocalKeyFileKek.OpenOrCreate(target.KeyPath, allowDevelopmentKeys: true));
        var watch = Stopwatch.StartNew();
        var result = await new AuditVerifier(backend.AuditReview!, key, new AuditOptions().EffectiveMaxUnsignedRecords).VerifyAsync().ConfigureAwait(false);
        watch.Stop();
        Report("ok", result.Ok ? 1 : 0);
        Report("records", result.RecordsVerified);
        Report("checkpoints", result.CheckpointsVerified);
        Report("seconds", watch.Elapsed.TotalSeconds);
        Report("records_per_second", result.RecordsVerified / watch.Elapsed.TotalSeconds);
    }

    private static async Task ExportAsync(Target target, AuditExportFormat format)
    {
        await using var backend = await target.OpenAsync("build", fresh: false).ConfigureAwait(false);
        var store = backend.AuditReview!;
        var output = Path.Combine(Path.GetTempPath(), "clinicmail-audit-export." + AuditExportWriter.Extension(format));
        var watch = Stopwatch.StartNew();
        long count;
        await using (var file = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
        {
            count = await AuditExportWriter.WriteAsync(store.StreamAsync(new AuditFilter()), file, format).ConfigureAwait(false);
        }

        watch.Stop();
        Report("records", count);
        Report("seconds", watch.Elapsed.TotalSeconds);
        Report("output_mb", new FileInfo(output).Length / 1048576.0);
        File.Delete(output);
    }

    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;

    /// <summary>Where a run writes: a SQLite file, or a database per run kind on a PostgreSQL server.</summary>
    private sealed record Target(string? SqlitePath, string? PostgresServer)
    {
        public bool IsPostgres => PostgresServer is not null;

        /// <summary>The local signing key of the checkpoints: beside the SQLite file, or in the temp folder.</summary>
        public string KeyPath => Path.Combine(
            SqlitePath is null ? Path.Combine(Path.GetTempPath(), "clinicmail-audit-bench-postgres") : Path.GetDirectoryName(Path.GetFullPath(SqlitePath))!,
            "keys", "kek.pem");

        public static Target Sqlite(string path) => new(path, null);

        public static Target Postgres(string server) => new(null, server);

        public async Task<StorageBackend> OpenAsync(string run, bool fresh)
        {
            if (PostgresServer is null)
            {
                if (fresh)
                {
                    foreach (var file in new[] { SqlitePath!, SqlitePath + "-wal", SqlitePath + "-shm" })
                    {
                        File.Delete(file);
                    }
                }

                var sqlite = StorageBackend.ForSqlite(new SqliteDatabase(SqlitePath!));
                await sqlite.MigrateAsync().ConfigureAwait(false);
                return sqlite;
            }

            return await RegistryScale.PostgresAsync(PostgresServer, "clinicmail_bench_audit_" + run, recreate: fresh).ConfigureAwait(false);
        }

        public async Task<long> SizeAsync(StorageBackend backend)
        {
            if (backend.Postgres is not { } postgres)
            {
                return new FileInfo(SqlitePath!).Length;
            }

            await using var connection = await postgres.OpenConnectionAsync().ConfigureAwait(false);
            return (long)(await new NpgsqlCommand("SELECT pg_database_size(current_database())", connection).ExecuteScalarAsync().ConfigureAwait(false))!;
        }
    }

    /// <summary>A check record shaped like the real ones (CheckHandler): ids, codes, counts, a keyed hash.</summary>
    private static AuditEntry Entry(long i) => new()
    {
        Event = AuditEventType.CheckPerformed,
        ActorTenantId = "c11c0000-0000-4000-8000-000000000001",
        ActorObjectId = "0000000" + (i % 40).ToString("D2", CultureInfo.InvariantCulture) + "-0000-4000-8000-000000000000",
        CheckId = "chk_" + i.ToString("D32", CultureInfo.InvariantCulture),
        Decision = (i % 5) switch { 0 or 1 or 2 => "allow", 3 => "warn", _ => "block" },
        Data = new Dictionary<string, object?>
        {
            ["draftHmac"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))),
            ["categories"] = i % 7 == 0 ? new[] { "mental_health" } : Array.Empty<string>(),
            ["identifierKinds"] = i % 3 == 0 ? new[] { "ramq" } : Array.Empty<string>(),
            ["patientIds"] = new[] { "demo-p" + (i % 500).ToString("D3", CultureInfo.InvariantCulture) },
            ["internalCount"] = 0,
            ["externalCount"] = 1,
            ["unknownCount"] = 0,
            ["reasonCodes"] = i % 5 == 4 ? new[] { "CONSENT_MISSING" } : Array.Empty<string>(),
            ["overridableCodes"] = Array.Empty<string>(),
            ["blockingCodes"] = i % 5 == 4 ? new[] { "CONSENT_MISSING" } : Array.Empty<string>(),
            ["secureDelivery"] = "none",
            ["isReply"] = false,
            ["client"] = "clinicmail-addin",
            ["clientVersion"] = "0.1.0",
        },
    };

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static void Report(string name, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));

    /// <summary>VmHWM: the process's peak resident set, from the kernel.</summary>
    private static long PeakWorkingSetBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    private sealed class DirectWriter(IAuditStore store) : IAuditWriter
    {
        public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
            (await store.AppendBatchAsync([entry], DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Samples the managed heap every 20 ms: the peak a GC-only figure would miss.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public MemorySampler() => _timer = new Timer(_ => Sample(), null, 0, 20);

        public long PeakManagedBytes
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak);
            }
        }

        public void Dispose()
        {
            _timer.Dispose();
            SqliteConnection.ClearAllPools();
        }

        private void Sample()
        {
            var now = GC.GetTotalMemory(false);
            long seen;
            while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
            {
            }
        }
    }
}
