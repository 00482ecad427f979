using System.Runtime.Intrinsics;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Topics;

/// <summary>The topic model's second opinion on what the rules found (docs/detection.md, "Round 7"): it adds a
/// category the rules missed when its probability reaches that category's <see cref="TopicModel.AddAt"/>, with the
/// words that weighed most as evidence, and drops a rules finding whose probability is at or under
/// <see cref="TopicModel.DropAt"/> (only where cross-validation showed that costs no recall). Thresholds come with the
/// model; both uses can be off per category.</summary>
/// <remarks>Cost: one walk over the tokens the check already read (<see cref="TopicFeatures"/>); a feature whose bucket
/// has no weight costs one bit test, and the others a row of eight floats. Per-check scratch is per thread.</remarks>
internal sealed class TopicSecondOpinion
{
    /// <summary>Most words an added finding shows as evidence.</summary>
    private const int MaxEvidence = 3;

    [ThreadStatic]
    private static Scratch? _scratch;

    private readonly TopicModel _model;
    private readonly Lexicon _lexicon;
    private readonly TopicFeatures.Vocabulary _vocabulary;

    public TopicSecondOpinion(TopicModel model, Lexicon lexicon)
    {
        _model = model;
        _lexicon = lexicon;
        _vocabulary = new TopicFeatures.Vocabulary(lexicon);
    }

    public TopicModel Model => _model;

    /// <summary>The rules' analysis, with the model's additions and removals (the same instance when it changes nothing).</summary>
    public TopicAnalysis Review(TokenStream stream, List<Hit> hits, TopicAnalysis rules)
    {
        Span<float> probabilities = stackalloc float[TopicModel.Categories.Length];
        Span<float> evidence = stackalloc float[TopicModel.Categories.Length];
        Score(stream, hits, probabilities, evidence);

        List<TopicFinding>? changed = null;
        for (var c = 0; c < TopicModel.Categories.Length; c++)
        {
            var category = TopicModel.Categories[c];
            var index = IndexOf(rules.Topics, category);
            var p = probabilities[c];
            // A drop needs the message's words to argue against the category (their weights sum below zero): on a short
            // text the model knows nothing about, the probability is the prior alone and says nothing about the rules.
            if (index >= 0 && p <= _model.DropAt[c] && evidence[c] < 0f)
            {
                changed ??= [.. rules.Topics];
                changed.RemoveAll(f => f.Category == category);
            }
            else if (index < 0 && p >= _model.AddAt[c])
            {
                var words = EvidenceFor(stream, hits, c, p);
                if (words.Count > 0)
                {
                    changed ??= [.. rules.Topics];
                    changed.Add(new TopicFinding { Category = category, Confidence = Math.Round(p, 2), Evidence = words });
                }
            }
        }

        if (changed is null)
        {
            return rules;
        }

        changed.Sort(static (a, b) => a.Category.CompareTo(b.Category));
        return rules with { Topics = changed };
    }

    /// <summary>The model's probability of each category (in <see cref="TopicModel.Categories"/> order), and in
    /// <paramref name="evidence"/> the sum of the weights of the message's features without the bias.</summary>
    public void Score(TokenStream stream, List<Hit> hits, Span<float> probabilities, Span<float> evidence)
    {
        var scratch = _scratch ??= new Scratch();
        var scorer = new Scorer(_model, scratch);
        try
        {
            TopicFeatures.Visit(_vocabulary, _lexicon, stream, hits, ref scorer);
        }
        finally
        {
            scorer.Clear();
        }

        var scores = scorer.Scores;
        for (var c = 0; c < probabilities.Length; c++)
        {
            evidence[c] = scores.GetElement(c);
            probabilities[c] = TopicModel.Probability(scores.GetElement(c) + _model.Bias[c]);
        }
    }

    /// <summary>The words with the largest positive weight for category <paramref name="c"/>, in text order, with their
    /// offsets: a word's own feature counts whole, a two-word feature half to each word. Runs only for an added finding.</summary>
    private List<Evidence> EvidenceFor(TokenStream stream, List<Hit> hits, int c, float probability)
    {
        var contributions = new Contributions(_model, c, new float[stream.Count]);
        TopicFeatures.Visit(_vocabulary, _lexicon, stream, hits, ref contributions);
        var best = Enumerable.Range(0, stream.Count)
            .Where(i => contributions.PerToken[i] > 0f)
            .OrderByDescending(i => contributions.PerToken[i])
            .ThenBy(i => i)
            .Take(MaxEvidence)
            .Order();
        var evidence = new List<Evidence>(MaxEvidence);
        foreach (var i in best)
        {
            var t = stream.Tokens[i];
            var segment = stream.Text.Segments[t.Segment];
            evidence.Add(new Evidence(segment.Part, t.Start, t.Length, segment.Text.Substring(t.Start, t.Length), Math.Round(probability, 2)));
        }

        return evidence;
    }

    private static int IndexOf(IReadOnlyList<TopicFinding> topics, TopicCategory category)
    {
        for (var i = 0; i < topics.Count; i++)
        {
            if (topics[i].Category == category)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>One thread's scoring scratch: the buckets already counted in this message (a bit each, cleared after
    /// the message through <see cref="Counted"/>), and the running scores.</summary>
    private sealed class Scratch
    {
        public ulong[] Seen { get; } = new ulong[TopicFeatures.Buckets / 64];

        public int[] Counted { get; set; } = new int[256];
    }

    /// <summary>Sums the rows of the weighted buckets of a message, each bucket once.</summary>
    private struct Scorer(TopicModel model, Scratch scratch) : IFeatureVisitor
    {
        private int _count;

        /// <summary>The running sums, one lane per category (eight lanes: a row is one vector add).</summary>
        public Vector256<float> Scores { get; private set; }

        public void Feature(int bucket, int first, int last)
        {
            if (!model.Has(bucket))
            {
                return;
            }

            ref var word = ref scratch.Seen[bucket >> 6];
            var bit = 1UL << bucket;
            if ((word & bit) != 0)
            {
                return;
            }

            word |= bit;
            if (_count == scratch.Counted.Length)
            {
                var larger = new int[_count * 2];
                scratch.Counted.CopyTo(larger, 0);
                scratch.Counted = larger;
            }

            scratch.Counted[_count++] = bucket;
            Scores += model.Row(bucket);
        }

        /// <summary>Leaves the scratch as found: no bucket marked (the scores are read before the next message resets them).</summary>
        public readonly void Clear()
        {
            var seen = scratch.Seen;
            var counted = scratch.Counted;
            for (var k = 0; k < _count; k++)
            {
                seen[counted[k] >> 6] = 0;
            }

            if (counted.Length > 4096)
            {
                scratch.Counted = new int[256];
            }
        }
    }

    /// <summary>Each token's share of category <c>c</c>'s score, counting each bucket at its first occurrence.</summary>
    private readonly struct Contributions(TopicModel model, int c, float[] perToken) : IFeatureVisitor
    {
        private readonly HashSet<int> _seen = [];

        public float[] PerToken => perToken;

        public void Feature(int bucket, int first, int last)
        {
            if (first < 0 || !model.Has(bucket) || !_seen.Add(bucket))
            {
                return;
            }

            var w = model.Weight(bucket, c);
            if (first == last)
            {
                perToken[first] += w;
            }
            else
            {
                perToken[first] += w / 2;
                perToken[last] += w / 2;
            }
        }
    }
}
