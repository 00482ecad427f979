using System.Globalization;
using System.Text;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>For whoever tunes the detector: every miss on the DEVELOPMENT sets (tests/data/corpus, the first held-out
/// set tests/data/heldout which is now development data, the earlier held-out set of the Core tests), with the message
/// text and the evidence. Explicit: run by hand. It never reads tests/data/heldout-fresh, the set that measures.</summary>
[TestFixture]
[Explicit("a tuning aid that prints the development misses; it asserts only that the sets load")]
public sealed class DevelopmentMissReport
{
    [Test]
    public void Print_DevelopmentMisses()
    {
        var root = SensitiveTopicCorpusTests.FindRepositoryRoot();
        string[] files =
        [
            Path.Combine(root, "tests", "data", "corpus", "sensitive-topics.dev.jsonl"),
            Path.Combine(root, "tests", "data", "corpus", "sensitive-topics.dev-extra.jsonl"),
            Path.Combine(root, "tests", "data", "corpus", "sensitive-topics.dev-detect21b.jsonl"),
            Path.Combine(root, "tests", "data", "corpus", "sensitive-topics.dev-round5b.jsonl"),
            Path.Combine(root, "tests", "data", "corpus", "sensitive-topics.dev-round5a.jsonl"),
            Path.Combine(root, "tests", "data", "corpus", "sensitive-topics.dev-round5c.jsonl"),
            Path.Combine(root, "tests", "data", "corpus", "sensitive-topics.dev-round6a.jsonl"),
            Path.Combine(root, "tests", "data", "corpus", "sensitive-topics.dev-round6b.jsonl"),
            Path.Combine(root, "tests", "data", "corpus", "sensitive-topics.dev-round6c.jsonl"),
            Path.Combine(root, "tests", "data", "heldout", "sensitive-topics.heldout.jsonl"),
            Path.Combine(root, "tests", "ClinicMail.Core.Tests", "Topics", "heldout.jsonl"),
        ];
        var report = new StringBuilder();
        var total = 0;
        foreach (var file in files.Where(File.Exists))
        {
            var messages = TopicCorpusScore.Load(file);
            total += messages.Count;
            report.Append(CultureInfo.InvariantCulture, $"== {Path.GetFileName(file)} ({messages.Count})\n");
            report.Append(Summary(messages));
            foreach (var m in messages)
            {
                var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts(m.Subject, m.Body));
                var predicted = analysis.Topics.ToDictionary(t => t.Category);
                var lines = new List<string>();
                foreach (var (id, category) in TopicCorpusScore.Categories)
                {
                    var expected = m.Labels.Contains(id);
                    if (predicted.TryGetValue(category, out var finding) && !expected)
                    {
                        lines.Add($"FP {id} ({string.Join(" | ", finding.Evidence.Select(e => e.Text))})");
                    }
                    else if (expected && !predicted.ContainsKey(category))
                    {
                        lines.Add($"FN {id}");
                    }
                }

                if (lines.Count > 0)
                {
                    report.Append(CultureInfo.InvariantCulture, $"{m.Id} {m.Lang}: {string.Join("; ", lines)}\n    {m.Subject} // {m.Body.Replace('\n', ' ')}\n");
                }
            }
        }

        TestContext.Out.WriteLine(report.ToString());
        Assert.That(total, Is.GreaterThan(0));
    }

    /// <summary>One line of figures per file: P/R per category, then the benign messages left clean, per language.</summary>
    private static string Summary(List<TopicCorpusMessage> messages)
    {
        var score = TopicCorpusScore.Of(messages);
        var line = new StringBuilder("   ");
        for (var i = 0; i < TopicCorpusScore.Categories.Length; i++)
        {
            line.Append(CultureInfo.InvariantCulture, $"{TopicCorpusScore.Categories[i].Id} {score.Precision(i):0.000}/{score.Recall(i):0.000}  ");
        }

        foreach (var lang in new[] { "fr", "en" })
        {
            var benign = messages.Where(m => m.Lang == lang && m.Labels.Count == 0).ToList();
            var clean = benign.Count(m => TopicDetector.Default.Analyze(CheckedText.FromParts(m.Subject, m.Body)).Topics.Count == 0);
            line.Append(CultureInfo.InvariantCulture, $"benign clean {lang} {clean}/{benign.Count}  ");
        }

        return line.Append('\n').ToString();
    }
}
