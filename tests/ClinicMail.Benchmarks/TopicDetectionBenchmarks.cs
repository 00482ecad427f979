using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Benchmarks;

/// <summary>Topic detection over the whole labelled corpus (tests/data/corpus),
/// reported in MB/s of UTF-8 text. Target: topic + identifier detection at least 100 MB/s per core
/// (<see cref="AnalyzeAndDetectIdentifiers"/>).</summary>
[Config(typeof(ThroughputConfig))]
[MemoryDiagnoser]
public class TopicDetectionBenchmarks
{
    private static readonly Lazy<(CheckedText[] Texts, long Bytes)> Corpus = new(LoadCorpus);

    private CheckedText[] _texts = [];
    private CheckedText _oneText = CheckedText.FromParts("", "");

    public static long CorpusBytes => Corpus.Value.Bytes;

    [GlobalSetup]
    public void Setup()
    {
        _texts = Corpus.Value.Texts;
        _oneText = CheckedText.FromParts("", string.Join("\n\n", _texts.SelectMany(t => t.Segments).Select(s => s.Text)));
        _ = TopicDetector.Default.Analyze(_texts[0]);
    }

    /// <summary>Every corpus message (subject + body), one <see cref="TopicDetector.Analyze"/> each.</summary>
    [Benchmark]
    public int AnalyzeCorpus()
    {
        var found = 0;
        foreach (var text in _texts)
        {
            found += TopicDetector.Default.Analyze(text).Topics.Count;
        }

        return found;
    }

    /// <summary>What the target is stated for: both detectors of a Send (topics, then identifiers) on
    /// every corpus message, on one core.</summary>
    [Benchmark]
    public int AnalyzeAndDetectIdentifiers()
    {
        var found = 0;
        foreach (var text in _texts)
        {
            found += TopicDetector.Default.Analyze(text).Topics.Count;
            found += IdentifierDetector.Default.Detect(text).Count;
        }

        return found;
    }

    /// <summary><see cref="AnalyzeAndDetectIdentifiers"/> with the rules alone, without the topic model's second
    /// opinion: the difference is what the model costs (docs/detection.md, "Round 7").</summary>
    [Benchmark]
    public int AnalyzeAndDetectIdentifiersRulesOnly()
    {
        var found = 0;
        foreach (var text in _texts)
        {
            found += TopicDetector.RulesOnly.Analyze(text).Topics.Count;
            found += IdentifierDetector.Default.Detect(text).Count;
        }

        return found;
    }

    /// <summary>The same text as one long message: measures the scan itself, not the per-message overhead.</summary>
    [Benchmark]
    public int AnalyzeCorpusAsOneText() => TopicDetector.Default.Analyze(_oneText).Topics.Count;

    private static (CheckedText[] Texts, long Bytes) LoadCorpus()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("ClinicMail.sln not found above the benchmark binaries.");
        }

        var path = Path.Combine(dir.FullName, "tests", "data", "corpus", "sensitive-topics.dev.jsonl");
        var texts = new List<CheckedText>();
        long bytes = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var subject = doc.RootElement.GetProperty("subject").GetString() ?? "";
            var body = doc.RootElement.GetProperty("body").GetString() ?? "";
            texts.Add(CheckedText.FromParts(subject, body));
            bytes += Encoding.UTF8.GetByteCount(subject) + Encoding.UTF8.GetByteCount(body);
        }

        return ([.. texts], bytes);
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(new ThroughputColumn());
    }

    /// <summary>MB/s = corpus UTF-8 bytes / mean time of one benchmark invocation.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "TopicThroughput";

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Corpus UTF-8 megabytes (10^6 bytes) analysed per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var stats = summary[benchmarkCase]?.ResultStatistics;
            if (stats is null || stats.Mean <= 0)
            {
                return "NA";
            }

            var seconds = stats.Mean / 1e9;
            return (CorpusBytes / 1e6 / seconds).ToString("0.0", CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
