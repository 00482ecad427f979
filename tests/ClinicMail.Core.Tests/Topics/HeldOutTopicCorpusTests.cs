using System.Globalization;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>Precision and recall of <see cref="TopicDetector"/> on a held-out set (heldout.jsonl, next to this file):
/// fictional physician-to-patient messages written apart from the development corpus, labelled with the rules of
/// tests/data/corpus/README.md. The development set was read while tuning, so it overstates; this one estimates how
/// the detector does on mail it was not fitted to. Lexicon work must stay general: a line of this file is never
/// a reason for a term.</summary>
[TestFixture]
public sealed class HeldOutTopicCorpusTests
{
    /// <summary>Floors per category (precision, recall), set from the first run, before any tuning, a little under
    /// what it scored (first run: mental_health P 0.920 R 1.000, oncology 1.000/0.895, substance_use 1.000/0.917,
    /// sexual_health 0.917/0.917, new_diagnosis 0.893/0.806, new_treatment 0.966/0.800, emotional 1.000/0.938).
    /// They are deliberately not raised after tuning: they guard against regressions on unseen mail.</summary>
    private static readonly Dictionary<TopicCategory, (double Precision, double Recall)> Floors = new()
    {
        [TopicCategory.MentalHealth] = (0.90, 0.95),
        [TopicCategory.Oncology] = (0.95, 0.85),
        [TopicCategory.SubstanceUse] = (0.95, 0.85),
        [TopicCategory.SexualHealth] = (0.85, 0.85),
        [TopicCategory.NewDiagnosis] = (0.85, 0.75),
        [TopicCategory.NewTreatment] = (0.90, 0.75),
        [TopicCategory.Emotional] = (0.95, 0.90),
    };

    [Test]
    public void Analyze_HeldOutCorpus_MeetsPrecisionAndRecallFloors()
    {
        var messages = TopicCorpusScore.Load(HeldOutPath());
        Assert.That(messages, Has.Count.GreaterThanOrEqualTo(120), "the held-out set looks truncated");

        var score = TopicCorpusScore.Of(messages);
        TestContext.Out.WriteLine(score.Report());

        var failures = new List<string>();
        for (var i = 0; i < TopicCorpusScore.Categories.Length; i++)
        {
            var (id, category) = TopicCorpusScore.Categories[i];
            var (precisionFloor, recallFloor) = Floors[category];
            if (score.Precision(i) < precisionFloor)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{id} precision {score.Precision(i):0.000} < {precisionFloor}"));
            }

            if (score.Recall(i) < recallFloor)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{id} recall {score.Recall(i):0.000} < {recallFloor}"));
            }
        }

        Assert.That(failures, Is.Empty, string.Join("; ", failures));
    }

    [Test]
    public void HeldOutCorpus_Shape_IsBilingualAndLabelledWithKnownCategories()
    {
        var messages = TopicCorpusScore.Load(HeldOutPath());
        var known = TopicCorpusScore.Categories.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Multiple(() =>
        {
            Assert.That(messages.Select(m => m.Id).Distinct(StringComparer.Ordinal).Count(), Is.EqualTo(messages.Count), "ids are unique");
            Assert.That(messages.SelectMany(m => m.Labels).Where(l => !known.Contains(l)), Is.Empty, "labels are category ids");
            Assert.That(messages.Count(m => m.Lang == "fr"), Is.GreaterThanOrEqualTo(messages.Count * 2 / 5), "about half French");
            Assert.That(messages.Count(m => m.Lang == "en"), Is.GreaterThanOrEqualTo(messages.Count * 2 / 5), "about half English");
            Assert.That(messages.Count(m => m.Labels.Count == 0), Is.GreaterThanOrEqualTo(30), "enough hard negatives");
        });
    }

    private static string HeldOutPath() =>
        Path.Combine(SensitiveTopicCorpusTests.FindRepositoryRoot(), "tests", "ClinicMail.Core.Tests", "Topics", "heldout.jsonl");
}
