using System.Globalization;
using System.Text;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;
using ClinicMail.TopicModelTraining;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>One labelled message of a topic corpus (the JSONL shape of tests/data/corpus).</summary>
internal sealed record TopicCorpusMessage(string Id, string Lang, string Subject, string Body, IReadOnlyList<string> Labels);

/// <summary>Per-category precision and recall of <see cref="TopicDetector"/> over a labelled corpus, with the
/// table and the list of misses that the corpus tests print.</summary>
internal sealed class TopicCorpusScore
{
    public static readonly (string Id, TopicCategory Category)[] Categories =
    [
        ("mental_health", TopicCategory.MentalHealth),
        ("oncology", TopicCategory.Oncology),
        ("substance_use", TopicCategory.SubstanceUse),
        ("sexual_health", TopicCategory.SexualHealth),
        ("new_diagnosis", TopicCategory.NewDiagnosis),
        ("new_treatment", TopicCategory.NewTreatment),
        ("emotional", TopicCategory.Emotional),
    ];

    private readonly int[] _tp = new int[Categories.Length];
    private readonly int[] _fp = new int[Categories.Length];
    private readonly int[] _fn = new int[Categories.Length];
    private readonly StringBuilder _misses = new();
    private int _noneFalsePositives;

    public int Messages { get; private set; }

    public double Precision(int i) => _tp[i] + _fp[i] == 0 ? 1.0 : (double)_tp[i] / (_tp[i] + _fp[i]);

    public double Recall(int i) => _tp[i] + _fn[i] == 0 ? 1.0 : (double)_tp[i] / (_tp[i] + _fn[i]);

    public static TopicCorpusScore Of(IEnumerable<TopicCorpusMessage> messages)
    {
        var score = new TopicCorpusScore();
        foreach (var m in messages)
        {
            score.Add(m);
        }

        return score;
    }

    private void Add(TopicCorpusMessage m)
    {
        Messages++;
        var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts(m.Subject, m.Body));
        var predicted = analysis.Topics.Select(t => t.Category).ToHashSet();
        if (m.Labels.Count == 0 && predicted.Count > 0)
        {
            _noneFalsePositives++;
        }

        for (var i = 0; i < Categories.Length; i++)
        {
            var expected = m.Labels.Contains(Categories[i].Id);
            var actual = predicted.Contains(Categories[i].Category);
            if (expected && actual)
            {
                _tp[i]++;
            }
            else if (actual)
            {
                _fp[i]++;
                var evidence = analysis.Topics.First(t => t.Category == Categories[i].Category).Evidence;
                _misses.Append(CultureInfo.InvariantCulture, $"  FP {Categories[i].Id,-14} {m.Id} ({string.Join(" | ", evidence.Select(e => e.Text))})\n");
            }
            else if (expected)
            {
                _fn[i]++;
                _misses.Append(CultureInfo.InvariantCulture, $"  FN {Categories[i].Id,-14} {m.Id}\n");
            }
        }
    }

    public string Report()
    {
        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture, $"{Messages} messages\n");
        table.Append(CultureInfo.InvariantCulture, $"{"category",-14} {"P",6} {"R",6} {"F1",6} {"TP",4} {"FP",4} {"FN",4}\n");
        for (var i = 0; i < Categories.Length; i++)
        {
            var precision = Precision(i);
            var recall = Recall(i);
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            table.Append(CultureInfo.InvariantCulture, $"{Categories[i].Id,-14} {precision,6:0.000} {recall,6:0.000} {f1,6:0.000} {_tp[i],4} {_fp[i],4} {_fn[i],4}\n");
        }

        table.Append(CultureInfo.InvariantCulture, $"messages labelled [] with any finding: {_noneFalsePositives}\n");
        table.Append(_misses);
        return table.ToString();
    }

    public static List<TopicCorpusMessage> Load(string path)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"The labelled corpus was not found at {Path.GetFullPath(path)}.");
        }

        // One reader of the JSONL format for the tests and the model's training tool (linked from it).
        return [.. TrainingFiles.Load(path).Select(m => new TopicCorpusMessage(m.Id, m.Lang, m.Subject, m.Body, m.Labels))];
    }
}
