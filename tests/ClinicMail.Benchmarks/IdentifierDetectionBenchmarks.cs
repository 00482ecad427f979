using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Text;

namespace ClinicMail.Benchmarks;

/// <summary>Throughput of identifier detection (and of the text extraction and etiquette checks
/// that run beside it) over the development corpus. Run:
/// <c>dotnet run -c Release --project tests/ClinicMail.Benchmarks -- --filter *IdentifierDetection* --job short</c>.
/// The MB/s column counts UTF-8 bytes of subject + body per operation.</summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class IdentifierDetectionBenchmarks
{
    private List<Draft> _drafts = [];
    private List<CheckedText> _texts = [];

    /// <summary>UTF-8 bytes processed per benchmark operation (all corpus messages once).</summary>
    internal static long BytesPerOperation { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(FindRepositoryRoot(), "tests", "data", "corpus", "sensitive-topics.dev.jsonl");
        _drafts = [];
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            _drafts.Add(new Draft
            {
                Subject = root.GetProperty("subject").GetString() ?? "",
                Body = root.GetProperty("body").GetString() ?? "",
            });
        }

        _texts = [.. _drafts.Select(DraftTextExtractor.Extract)];
        BytesPerOperation = _drafts.Sum(d => (long)Encoding.UTF8.GetByteCount(d.Subject) + Encoding.UTF8.GetByteCount(d.Body));
    }

    [Benchmark(Baseline = true)]
    public int DetectIdentifiers()
    {
        var count = 0;
        foreach (var text in _texts)
        {
            count += IdentifierDetector.Default.Detect(text).Count;
        }

        return count;
    }

    [Benchmark]
    public int ExtractAndDetect()
    {
        var count = 0;
        foreach (var draft in _drafts)
        {
            count += IdentifierDetector.Default.Detect(DraftTextExtractor.Extract(draft)).Count;
        }

        return count;
    }

    [Benchmark]
    public int Etiquette()
    {
        var count = 0;
        for (var i = 0; i < _drafts.Count; i++)
        {
            count += EtiquetteChecker.Default.Check(_drafts[i], _texts[i]).Count;
        }

        return count;
    }

    /// <summary>The repository root: the first parent directory holding ClinicMail.sln
    /// (BenchmarkDotNet runs from a generated folder under bin/).</summary>
    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ClinicMail.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(new ThroughputColumn());
    }

    /// <summary>MB/s = corpus bytes / mean time of one operation.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public string Id => nameof(ThroughputColumn);

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "UTF-8 megabytes (10^6) of corpus subject+body processed per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats || BytesPerOperationInHost(benchmarkCase) is not { } bytes)
            {
                return "NA";
            }

            var megabytesPerSecond = bytes / (stats.Mean / 1e9) / 1e6;
            return megabytesPerSecond.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }

        // The column is computed in the host process, where GlobalSetup never ran: read the corpus size here.
        private static long? BytesPerOperationInHost(BenchmarkCase benchmarkCase)
        {
            if (BytesPerOperation == 0)
            {
                var benchmarks = new IdentifierDetectionBenchmarks();
                benchmarks.Setup();
            }

            return BytesPerOperation == 0 ? null : BytesPerOperation;
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
