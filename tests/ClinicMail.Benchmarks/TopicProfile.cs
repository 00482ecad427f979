using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Benchmarks;

/// <summary>A plain loop for profilers: <c>--profile-topics N [corpus.jsonl]</c> runs topic and identifier detection
/// over the corpus N times and prints the CPU time per pass. Wall-clock benchmarks are noisy on a shared machine;
/// CPU time is less so, and the instruction count under <c>valgrind --tool=callgrind</c> not at all (run it with N
/// and with 1 and subtract to drop start-up and JIT).</summary>
internal static class TopicProfile
{
    private static TopicDetector _detector = TopicDetector.Default;

    public static int Run(string[] args)
    {
        var passes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        var path = args.Length > 2 ? args[2] : Path.Combine(FindRepositoryRoot(), "tests", "data", "corpus", "sensitive-topics.dev.jsonl");
        var mode = Environment.GetEnvironmentVariable("PROFILE_MODE") ?? "both";

        // PROFILE_DETECTOR=rules: the rules without the topic model's second opinion (what the model costs, A/B).
        _detector = Environment.GetEnvironmentVariable("PROFILE_DETECTOR") == "rules" ? TopicDetector.RulesOnly : TopicDetector.Default;
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

        var dump = Environment.GetEnvironmentVariable("PROFILE_DUMP");
        if (!string.IsNullOrEmpty(dump))
        {
            // Every finding and every piece of evidence, one line each: diff two dumps to prove an optimisation
            // changed nothing.
            using var writer = new StreamWriter(dump);
            for (var m = 0; m < texts.Count; m++)
            {
                var analysis = TopicDetector.Default.Analyze(texts[m]);
                foreach (var topic in analysis.Topics)
                {
                    foreach (var e in topic.Evidence)
                    {
                        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m} {topic.Category} {topic.Confidence} {e.Part} {e.Offset} {e.Length} {e.Confidence} {e.Text}"));
                    }
                }

                foreach (var e in analysis.ClinicalEvidence)
                {
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m} clinical {e.Part} {e.Offset} {e.Length} {e.Confidence} {e.Text}"));
                }
            }
        }

        var identifierDump = Environment.GetEnvironmentVariable("PROFILE_DUMP_IDENTIFIERS");
        if (!string.IsNullOrEmpty(identifierDump))
        {
            // The same for identifiers: kind, part, offset, length, confidence and value of every piece of evidence.
            using var writer = new StreamWriter(identifierDump);
            for (var m = 0; m < texts.Count; m++)
            {
                foreach (var finding in IdentifierDetector.Default.Detect(texts[m]))
                {
                    foreach (var e in finding.Evidence)
                    {
                        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m} {finding.Kind} {e.Part} {e.Offset} {e.Length} {e.Confidence} {e.Text}"));
                    }
                }
            }
        }

        var topics = mode is "both" or "topics";
        var identifiers = mode is "both" or "identifiers";
        var found = 0;

        // One untimed pass: JIT and static tables are start-up, not throughput.
        found += Pass(texts, topics, identifiers);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var p = 1; p < passes; p++)
        {
            found += Pass(texts, topics, identifiers);
        }

        wall.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var timedBytes = bytes * Math.Max(1, passes - 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode={mode} messages={texts.Count} bytes/pass={bytes} passes={passes} findings={found}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cpu={cpu:0.000}s wall={wall.Elapsed.TotalSeconds:0.000}s cpu-MB/s={timedBytes / 1e6 / cpu:0.0} wall-MB/s={timedBytes / 1e6 / wall.Elapsed.TotalSeconds:0.0}"));
        return 0;
    }

    private static int Pass(List<CheckedText> texts, bool topics, bool identifiers)
    {
        var found = 0;
        foreach (var text in texts)
        {
            if (topics)
            {
                found += _detector.Analyze(text).Topics.Count;
            }

            if (identifiers)
            {
                found += IdentifierDetector.Default.Detect(text).Count;
            }
        }

        return found;
    }

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
}
