using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.TopicModelTraining;

/// <summary>One training message as the trainer sees it: its features (distinct buckets, ascending), its labels and what
/// the rules alone found, per category in <see cref="TopicModel.Categories"/> order.</summary>
internal sealed record Example(string Id, string Lang, string File, int[] Buckets, bool[] Labels, bool[] Rules)
{
    public bool Benign => !Labels.Any(l => l);

    /// <summary>Reads a message with the engine's own tokenizer and rules (rules without the model).</summary>
    public static Example Of(LabelledMessage m, string file)
    {
        var collect = new Collector([]);
        var rules = TopicDetector.RulesOnly.AnalyzeWithFeatures(CheckedText.FromParts(m.Subject, m.Body), ref collect);
        var found = rules.Topics.Select(t => t.Category).ToHashSet();
        var categories = TopicModel.Categories;
        return new Example(
            m.Id,
            m.Lang,
            file,
            [.. collect.Buckets.Order()],
            [.. categories.Select(c => m.Labels.Contains(TopicCategoryIds.Of(c)))],
            [.. categories.Select(found.Contains)]);
    }

    private readonly struct Collector(HashSet<int> buckets) : IFeatureVisitor
    {
        public HashSet<int> Buckets => buckets;

        public void Feature(int bucket, int first, int last) => buckets.Add(bucket);
    }
}
