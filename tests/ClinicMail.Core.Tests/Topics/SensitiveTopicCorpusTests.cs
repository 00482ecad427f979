using System.Globalization;
using System.Text;
using System.Text.Json;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>Per-category precision and recall of <see cref="TopicDetector"/> over the labelled development
/// corpus (tests/data/corpus). Floors sit slightly under what the detector achieves,
/// so a regression fails the build; the table is printed for every run.</summary>
[TestFixture]
public sealed class SensitiveTopicCorpusTests
{
    private const string CorpusFile = "sensitive-topics.dev.jsonl";

    private static readonly (string Id, TopicCategory Category, double RecallFloor, double PrecisionFloor)[] Floors =
    [
        ("mental_health", TopicCategory.MentalHealth, 0.9, 0.9),
        ("oncology", TopicCategory.Oncology, 0.9, 0.9),
        ("substance_use", TopicCategory.SubstanceUse, 0.9, 0.9),
        ("sexual_health", TopicCategory.SexualHealth, 0.9, 0.9),
        ("new_diagnosis", TopicCategory.NewDiagnosis, 0.9, 0.9),
        ("new_treatment", TopicCategory.NewTreatment, 0.9, 0.9),
        ("emotional", TopicCategory.Emotional, 0.9, 0.9),
    ];

    [Test]
    public void Analyze_DevelopmentCorpus_MeetsPrecisionAndRecallFloors()
    {
        var messages = LoadCorpus();
        Assert.That(messages, Has.Count.GreaterThan(100), "the development corpus looks truncated");

        var tp = new int[Floors.Length];
        var fp = new int[Floors.Length];
        var fn = new int[Floors.Length];
        var misses = new StringBuilder();
        var noneFalsePositives = 0;
        foreach (var m in messages)
        {
            var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts(m.Subject, m.Body));
            var predicted = analysis.Topics.Select(t => t.Category).ToHashSet();
            if (m.Labels.Count == 0 && predicted.Count > 0)
            {
                noneFalsePositives++;
            }

            for (var i = 0; i < Floors.Length; i++)
            {
                var expected = m.Labels.Contains(Floors[i].Id);
                var actual = predicted.Contains(Floors[i].Category);
                if (expected && actual)
                {
                    tp[i]++;
                }
                else if (actual)
                {
                    fp[i]++;
                    misses.Append(CultureInfo.InvariantCulture, $"  FP {Floors[i].Id,-14} {m.Id}\n");
                }
                else if (expected)
                {
                    fn[i]++;
                    misses.Append(CultureInfo.InvariantCulture, $"  FN {Floors[i].Id,-14} {m.Id}\n");
                }
            }
        }

        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture, $"{"category",-14} {"P",6} {"R",6} {"F1",6} {"TP",4} {"FP",4} {"FN",4}\n");
        var failures = new List<string>();
        for (var i = 0; i < Floors.Length; i++)
        {
            var precision = tp[i] + fp[i] == 0 ? 1.0 : (double)tp[i] / (tp[i] + fp[i]);
            var recall = tp[i] + fn[i] == 0 ? 1.0 : (double)tp[i] / (tp[i] + fn[i]);
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            table.Append(CultureInfo.InvariantCulture, $"{Floors[i].Id,-14} {precision,6:0.000} {recall,6:0.000} {f1,6:0.000} {tp[i],4} {fp[i],4} {fn[i],4}\n");
            if (precision < Floors[i].PrecisionFloor)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Floors[i].Id} precision {precision:0.000} < {Floors[i].PrecisionFloor}"));
            }

            if (recall < Floors[i].RecallFloor)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Floors[i].Id} recall {recall:0.000} < {Floors[i].RecallFloor}"));
            }
        }

        table.Append(CultureInfo.InvariantCulture, $"messages labelled [] with any finding: {noneFalsePositives}\n");
        TestContext.Out.WriteLine(table.ToString());
        TestContext.Out.WriteLine(misses.ToString());
        Assert.That(failures, Is.Empty, string.Join("; ", failures));
    }

    private sealed record CorpusMessage(string Id, string Subject, string Body, IReadOnlyList<string> Labels);

    private static List<CorpusMessage> LoadCorpus()
    {
        var path = Path.Combine(FindRepositoryRoot(), "tests", "data", "corpus", CorpusFile);
        if (!File.Exists(path))
        {
            Assert.Fail($"The labelled corpus was not found at {Path.GetFullPath(path)}: it is kept in the repository at tests/data/corpus/{CorpusFile}.");
        }

        var messages = new List<CorpusMessage>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            messages.Add(new CorpusMessage(
                root.GetProperty("id").GetString()!,
                root.GetProperty("subject").GetString() ?? "",
                root.GetProperty("body").GetString() ?? "",
                [.. root.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)]));
        }

        return messages;
    }

    /// <summary>Walks up from the test binaries to the folder holding ClinicMail.sln.</summary>
    internal static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            Assert.Fail("ClinicMail.sln was not found above the test directory; run the tests from the repository.");
        }

        return dir!.FullName;
    }
}
