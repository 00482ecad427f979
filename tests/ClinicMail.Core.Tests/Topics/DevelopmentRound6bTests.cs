using System.Globalization;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>tests/data/corpus/sensitive-topics.dev-round6b.jsonl (detB round 6, written before that round's detector
/// changes): English-first everyday senses of clinical and drug words (a laptop that died, a "shot", "high" school,
/// "terminal" 3, an "overdose" of sun, meal "prep", a knee "joint", cash "withdrawals", « sevrage » of breast-feeding),
/// third parties, negative panels, renewals, administrative mail, a safety plan, and substance-use and sexual-health
/// positives. It was written for precision and for those two categories' recall, so it holds every category's precision
/// and the benign messages to the floors, and recall only where it was written for; the recall of new_diagnosis,
/// new_treatment and emotional on it is printed (docs/detection.md).</summary>
[TestFixture]
public sealed class DevelopmentRound6bTests
{
    private static readonly string[] RecallScope = ["mental_health", "substance_use", "sexual_health"];

    [Test]
    public void Analyze_Round6b_MeetsPrecisionAndScopedRecallFloors()
    {
        var messages = TopicCorpusScore.Load(Path.Combine(SensitiveTopicCorpusTests.FindRepositoryRoot(), "tests", "data", "corpus", "sensitive-topics.dev-round6b.jsonl"));
        var score = TopicCorpusScore.Of(messages);
        TestContext.Out.WriteLine(score.Report());
        var failures = new List<string>();
        for (var i = 0; i < TopicCorpusScore.Categories.Length; i++)
        {
            var id = TopicCorpusScore.Categories[i].Id;
            if (score.Precision(i) < 0.9 || (RecallScope.Contains(id) && score.Recall(i) < 0.9))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{id} P {score.Precision(i):0.000} R {score.Recall(i):0.000}"));
            }
        }

        var benign = messages.Where(m => m.Labels.Count == 0).ToList();
        var clean = benign.Count(m => TopicDetector.Default.Analyze(CheckedText.FromParts(m.Subject, m.Body)).Topics.Count == 0);
        if (clean < 0.97 * benign.Count)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"benign clean {clean}/{benign.Count}"));
        }

        Assert.That(failures, Is.Empty, string.Join("; ", failures));
    }
}
