using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>Properties the detector's speed-ups (per-thread word cache, reused buffers and scratch) must never change:
/// a message's findings depend on its text alone, not on what the thread checked before, on the thread, nor on where
/// the text sits. Run over every development message (tests/data/corpus and tests/data/heldout).</summary>
[TestFixture]
public sealed class DetectorInvarianceTests
{
    private static readonly Lazy<List<CheckedText>> Corpus = new(LoadCorpus);

    [Test]
    public void Analyze_InAnotherOrderOnAFreshThread_GivesTheSameFindings()
    {
        var texts = Corpus.Value;
        var forward = OnFreshThread(() => texts.Select(t => Describe(t)).ToList());
        var backward = OnFreshThread(() => Enumerable.Range(0, texts.Count).Reverse().Select(i => (i, Describe(texts[i]))).ToList());
        foreach (var (i, described) in backward)
        {
            Assert.That(described, Is.EqualTo(forward[i]), $"message {i}: findings depend on what the thread checked before");
        }
    }

    [Test]
    public void Analyze_InParallel_GivesTheSameFindingsAsOneAfterAnother()
    {
        var texts = Corpus.Value;
        var sequential = texts.Select(t => Describe(t)).ToList();
        var parallel = new ConcurrentDictionary<int, string>();
        Parallel.For(0, texts.Count * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            var i = k % texts.Count;
            var described = Describe(texts[i]);
            parallel.AddOrUpdate(i, described, (_, earlier) => earlier == described ? earlier : "DIFFERENT RUNS: " + described);
        });

        for (var i = 0; i < texts.Count; i++)
        {
            Assert.That(parallel[i], Is.EqualTo(sequential[i]), $"message {i}");
        }
    }

    [Test]
    public void Analyze_BodyAfterBlankLinesAndSpaces_FindsTheSameEvidenceShifted()
    {
        const string Lead = "\n\n   \n ";
        foreach (var text in Corpus.Value)
        {
            var subject = text.Segments.FirstOrDefault(s => s.Part == TextPart.Subject)?.Text ?? "";
            var body = text.Segments.FirstOrDefault(s => s.Part == TextPart.Body)?.Text ?? "";
            var plain = Describe(CheckedText.FromParts(subject, body));
            var shifted = Describe(CheckedText.FromParts(subject, Lead + body), bodyShift: Lead.Length);
            Assert.That(shifted, Is.EqualTo(plain), $"body starting: {body[..Math.Min(40, body.Length)]}");
        }
    }

    /// <summary>Every finding and piece of evidence, one line each (body offsets less <paramref name="bodyShift"/>).</summary>
    private static string Describe(CheckedText text, int bodyShift = 0)
    {
        var analysis = TopicDetector.Default.Analyze(text);
        var lines = new StringBuilder();
        foreach (var topic in analysis.Topics)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{topic.Category} {topic.Confidence}\n");
            foreach (var e in topic.Evidence)
            {
                lines.Append(CultureInfo.InvariantCulture, $"  {Line(e, bodyShift)}\n");
            }
        }

        foreach (var e in analysis.ClinicalEvidence)
        {
            lines.Append(CultureInfo.InvariantCulture, $"clinical {Line(e, bodyShift)}\n");
        }

        return lines.ToString();
    }

    private static string Line(Evidence e, int bodyShift) =>
        string.Create(CultureInfo.InvariantCulture, $"{e.Part} {e.Offset - (e.Part == TextPart.Body ? bodyShift : 0)} {e.Length} {e.Confidence} {e.Text}");

    private static T OnFreshThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("The check failed on its thread.", failure);
        }

        return result;
    }

    /// <summary>Every development message (tests/data/corpus and tests/data/heldout), as checked texts.</summary>
    internal static List<CheckedText> LoadCorpus()
    {
        var data = Path.Combine(SensitiveTopicCorpusTests.FindRepositoryRoot(), "tests", "data");
        var texts = new[] { "corpus", "heldout" }
            .SelectMany(folder => Directory.GetFiles(Path.Combine(data, folder), "*.jsonl").Order(StringComparer.Ordinal))
            .SelectMany(TopicCorpusScore.Load)
            .Select(m => CheckedText.FromParts(m.Subject, m.Body))
            .ToList();
        Assert.That(texts, Has.Count.GreaterThan(400), "the development corpus looks truncated");
        return texts;
    }
}
