using System.Globalization;
using System.Text;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;
using ClinicMail.TopicModelTraining;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>The topic model (Topics/Model, docs/detection.md "Round 7"): the committed file loads and is what its header
/// says, it was trained on the development data as it is now, its features are stable, and what it adds points at
/// words of the text.</summary>
[TestFixture]
public sealed class TopicModelTests
{
    private static string Root => SensitiveTopicCorpusTests.FindRepositoryRoot();

    private static string ModelText => File.ReadAllText(Path.Combine(Root, TrainingFiles.ModelPath));

    [Test]
    public void EmbeddedModel_LoadsAndMatchesTheCommittedFileAndItsHeader()
    {
        var embedded = TopicModel.LoadEmbedded();
        Assert.That(embedded, Is.Not.Null, "Core carries no topic model; retrain: " + TrainingFiles.RetrainCommand);
        var committed = TopicModel.Parse(new StringReader(ModelText));

        var lines = ModelText.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines.Count(l => l.StartsWith("w ", StringComparison.Ordinal)), Is.EqualTo(embedded!.Rows).And.EqualTo(committed.Rows));
            Assert.That(lines, Does.Contain($"features {TopicFeatures.Version}"));
            Assert.That(lines, Does.Contain($"buckets {TopicFeatures.Buckets}"));
            Assert.That(lines.Count(l => l.StartsWith("category ", StringComparison.Ordinal)), Is.EqualTo(TopicModel.Categories.Length));
            Assert.That(lines.Any(l => l.StartsWith("# Trainer: Microsoft.ML 6.0.0", StringComparison.Ordinal)), "header names the trainer");
            Assert.That(lines.Any(l => l.Contains(TrainingFiles.RetrainCommand, StringComparison.Ordinal)), "header names the retrain command");
            Assert.That(embedded!.TrainingFiles, Is.EqualTo(committed.TrainingFiles));
            Assert.That(embedded.Bias, Is.EqualTo(committed.Bias));
            Assert.That(embedded.AddAt, Is.EqualTo(committed.AddAt));
            Assert.That(embedded.DropAt, Is.EqualTo(committed.DropAt));
            Assert.That(embedded.AddAt.All(t => t >= 0.5f), "the model adds only when it is sure");
            Assert.That(embedded.DropAt.All(t => t < 0.5f), "the model drops only when it sees nothing of the category");
        });
    }

    [Test]
    public void CommittedModel_WasTrainedOnTheCurrentTrainingData()
    {
        var model = TopicModel.Parse(new StringReader(ModelText));
        var now = TrainingFiles.List(Root).Select(f => (Path: f, Sha256: TrainingFiles.Sha256(Root, f))).ToList();
        var recorded = model.TrainingFiles.ToList();
        var changed = now.Except(recorded).Select(f => "changed or new: " + f.Path)
            .Concat(recorded.Where(r => now.All(n => n.Path != r.Path)).Select(r => "gone: " + r.Path))
            .ToList();
        Assert.That(changed, Is.Empty,
            "The topic model was trained on other data than the training files now hold. Retrain from the repository root with "
            + $"`{TrainingFiles.RetrainCommand}` and commit {TrainingFiles.ModelPath}.\n" + string.Join("\n", changed));
    }

    [Test]
    public void TrainingFiles_NeverIncludeTheUnseenSets()
    {
        var files = TrainingFiles.List(Root);
        Assert.That(files, Has.None.Contains("heldout-fresh").And.None.Contains("heldout-third"));
        Assert.That(files, Has.Some.StartsWith("tests/data/corpus/"));
    }

    /// <summary>The hash is fixed in code (FNV-1a then a 64-bit mix), never <see cref="string.GetHashCode()"/>, which
    /// changes from process to process: the exported weights are indexed by these buckets.</summary>
    [Test]
    public void FeatureHash_IsFixedAcrossProcesses()
    {
        Assert.That(TopicFeatures.KeyOf("cancer"), Is.EqualTo(0x47E82CAA4B385FA5UL));
        Assert.That(TopicFeatures.BucketOf(TopicFeatures.KeyOf("cancer")), Is.EqualTo(PinnedCancerBucket));
    }

    private const int PinnedCancerBucket = 155621;

    [Test]
    public void Analyze_SameText_SameProbabilitiesOnEveryThread()
    {
        var opinion = TopicDetector.Default.SecondOpinion!;
        const string text = "Bonjour, votre biopsie montre un lymphome. On commence la chimiothérapie lundi. Courage.";
        var first = Probabilities(opinion, text);
        var again = Probabilities(opinion, text);
        var other = Task.Run(() => Probabilities(opinion, text)).Result;
        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.EqualTo(first));
        Assert.That(first.All(p => p is > 0f and < 1f));
    }

    [Test]
    public void HandcraftedModel_AddsAFindingWhoseEvidencePointsAtTheWeightedWord()
    {
        const string body = "Hello Sam,\nThe xylophone lessons start on Monday; bring the xylophone.\nBest";
        var buckets = UnigramBuckets(body, "xylophone");
        var model = ModelWith(emotionalWeightOn: buckets, add: "0.50", drop: "off", bias: -4f);
        var analysis = TopicDetector.WithModel(model).Analyze(CheckedText.FromParts("Music", body));

        var finding = analysis.Topics.Single(t => t.Category == TopicCategory.Emotional);
        Assert.That(finding.Evidence, Is.Not.Empty);
        foreach (var e in finding.Evidence)
        {
            var part = e.Part == TextPart.Subject ? "Music" : body;
            Assert.That(part.Substring(e.Offset, e.Length), Is.EqualTo(e.Text));
            Assert.That(e.Text, Is.EqualTo("xylophone"));
        }

        Assert.That(TopicDetector.RulesOnly.Analyze(CheckedText.FromParts("Music", body)).Topics, Is.Empty);
    }

    [Test]
    public void HandcraftedModel_DropsARulesFindingUnderItsDropThreshold()
    {
        const string body = "Bonjour, le résultat confirme une dépression majeure. On en parle jeudi.";
        var text = CheckedText.FromParts("Suivi", body);
        Assert.That(TopicDetector.RulesOnly.Analyze(text).Topics.Select(t => t.Category), Does.Contain(TopicCategory.MentalHealth));

        var silent = ModelWith(emotionalWeightOn: [], add: "off", drop: "0.10", bias: -8f);
        Assert.That(TopicDetector.WithModel(silent).Analyze(text).Topics.Select(t => t.Category), Does.Contain(TopicCategory.MentalHealth),
            "a model whose features say nothing (the prior alone) never drops a finding");

        var against = ModelWith(emotionalWeightOn: [], add: "off", drop: "0.10", bias: -8f, againstOn: UnigramBuckets(body, "jeudi"));
        Assert.That(TopicDetector.WithModel(against).Analyze(text).Topics, Is.Empty, "the words argue against every category");
    }

    [Test]
    public void CommittedModel_AdditionsOnTheDevelopmentData_PointAtWordsOfTheText()
    {
        var additions = 0;
        foreach (var file in TrainingFiles.List(Root))
        {
            foreach (var m in TrainingFiles.Load(Path.Combine(Root, file)))
            {
                var text = CheckedText.FromParts(m.Subject, m.Body);
                var rules = TopicDetector.RulesOnly.Analyze(text).Topics.Select(t => t.Category).ToHashSet();
                foreach (var added in TopicDetector.Default.Analyze(text).Topics.Where(t => !rules.Contains(t.Category)))
                {
                    additions++;
                    Assert.That(added.Evidence, Is.Not.Empty, m.Id);
                    foreach (var e in added.Evidence)
                    {
                        var part = e.Part == TextPart.Subject ? m.Subject : m.Body;
                        Assert.That(part.Substring(e.Offset, e.Length), Is.EqualTo(e.Text), m.Id);
                        Assert.That(e.Offset == 0 || !char.IsLetterOrDigit(part[e.Offset - 1]), $"{m.Id}: evidence starts a word");
                    }
                }
            }
        }

        TestContext.Out.WriteLine($"{additions} findings added by the model on the development data");
    }

    private static float[] Probabilities(TopicSecondOpinion opinion, string body)
    {
        var p = new float[TopicModel.Categories.Length];
        var text = CheckedText.FromParts("Résultat", body);
        using var stream = TokenStream.Read(text, TopicDetector.Default.Lexicon);
        var hits = new List<Hit>();
        PhraseMatcher.Match(TopicDetector.Default.Lexicon, stream, hits);
        opinion.Score(stream, hits, p, new float[p.Length]);
        return p;
    }

    /// <summary>The unigram buckets of the occurrences of <paramref name="word"/> in <paramref name="body"/>.</summary>
    private static int[] UnigramBuckets(string body, string word)
    {
        var text = CheckedText.FromParts("", body);
        var offsets = new HashSet<int>();
        for (var i = body.IndexOf(word, StringComparison.Ordinal); i >= 0; i = body.IndexOf(word, i + 1, StringComparison.Ordinal))
        {
            offsets.Add(i);
        }

        using var stream = TokenStream.Read(text, TopicDetector.Default.Lexicon);
        var visitor = new TokenBuckets([]);
        TopicFeatures.Visit(new TopicFeatures.Vocabulary(TopicDetector.Default.Lexicon), TopicDetector.Default.Lexicon, stream, [], ref visitor);
        return [.. visitor.Found.Where(f => f.First == f.Last && offsets.Contains(stream.Tokens[f.First].Start)).Select(f => f.Bucket).Distinct()];
    }

    private static TopicModel ModelWith(int[] emotionalWeightOn, string add, string drop, float bias, int[]? againstOn = null)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"format 1\nfeatures {TopicFeatures.Version}\nbuckets {TopicFeatures.Buckets}\n");
        foreach (var c in TopicModel.Categories)
        {
            var isEmotional = c == TopicCategory.Emotional;
            sb.Append(CultureInfo.InvariantCulture, $"category {TopicCategoryIds.Of(c)} bias {bias} add {(isEmotional ? add : "off")} drop {drop}\n");
        }

        foreach (var b in emotionalWeightOn)
        {
            sb.Append(CultureInfo.InvariantCulture, $"w {b} 0 0 0 0 0 0 9\n");
        }

        foreach (var b in againstOn ?? [])
        {
            sb.Append(CultureInfo.InvariantCulture, $"w {b} -1 -1 -1 -1 -1 -1 -1\n");
        }

        return TopicModel.Parse(new StringReader(sb.ToString()));
    }

    private readonly struct TokenBuckets(List<(int Bucket, int First, int Last)> found) : IFeatureVisitor
    {
        public List<(int Bucket, int First, int Last)> Found => found;

        public void Feature(int bucket, int first, int last) => found.Add((bucket, first, last));
    }
}
