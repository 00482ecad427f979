using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>The fast reading path of a check against the plain algorithm it stands for, on every development message
/// (tests/data/corpus and tests/data/heldout): the words read with the lexicon and the word cache are those of a read
/// without them looked up one by one, and the phrases found from the tokenizer's phrase starts (first step from the word
/// cache, <see cref="TokenFlags.Continues"/> instead of the lexicon's table) are those of a walk of the trie from every
/// word with <see cref="Lexicon.Next"/>. Rules read only tokens and hits, so equal tokens and hits mean equal findings
/// whatever the rules and lexicons become.</summary>
[TestFixture]
public sealed class PhraseWalkEquivalenceTests
{
    private static readonly Lexicon Lexicon = Lexicon.Build(LexiconSources.All);

    private static readonly Lazy<List<CheckedText>> Corpus = new(DetectorInvarianceTests.LoadCorpus);

    [Test]
    public void Read_EveryDevelopmentMessage_SameWordsAsAPlainReadLookedUpOneByOne()
    {
        foreach (var (text, m) in Corpus.Value.Select((t, m) => (t, m)))
        {
            AssertSameWordsAsPlainRead(text, m);
        }
    }

    /// <summary>What the development messages rarely hold, after words the cache has not seen (a miss leaves its result
    /// in the stream's scratch entry, which a word too long for the cache must not reuse): words longer than the cache
    /// keeps (21 to 40 letters), words that fold too long to be terms (45 letters), capitals, other scripts, sentence ends between
    /// dropped words (« de. », « l'. »), curly apostrophes and text ending mid-sentence.</summary>
    [TestCase("Traitement xqzvwkjh hypercholestérolémiehypercholestérolémie statine xxxxxxxxxxxxxxxxxxxxxxxxx dépression " + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa cancer")]
    [TestCase("STATINE ÉLECTROENCÉPHALOGRAMMES abcdefghijklmnopqrstu chimiothérapie. De. L'. de l'anxiété; d\u2019alcool")]
    [TestCase("Привет мир 你好世界 cancer du sein. H. pylori 2.5 mg, VPH16 CR2032 œdème cœlioscopies Crohn's disease")]
    [TestCase("de. de. de\n\nl'. Bonjour! Dépression majeure de")]
    public void Read_UnusualWords_SameWordsAsAPlainReadLookedUpOneByOne(string body)
    {
        // A lexicon word in a casing not seen before, so that it misses the thread's cache (and fills the scratch entry
        // with a word id and flags) right before the unusual words.
        var cased = string.Concat("chimiotherapie".Select(c => Random.Shared.Next(2) == 0 ? char.ToUpperInvariant(c) : c));
        var text = CheckedText.FromParts("Suivi " + Guid.NewGuid().ToString("N"), cased + " " + body);
        AssertSameWordsAsPlainRead(text, 0);
    }

    private static void AssertSameWordsAsPlainRead(CheckedText text, int m)
    {
        using var plain = TokenStream.Read(text, lexicon: null);
        // Twice: a first read fills the thread's word cache, the second reads from it.
        for (var pass = 0; pass < 2; pass++)
        {
            using var fast = TokenStream.Read(text, Lexicon);
            Assert.That((fast.Count, fast.SentenceCount), Is.EqualTo((plain.Count, plain.SentenceCount)), $"message {m}");
            for (var k = 0; k < plain.Count; k++)
            {
                var p = plain.Tokens[k];
                var t = fast.Tokens[k];
                var word = Lexicon.Lookup(plain.StemOf(p), p.Hash, out var fuzzy);
                var continues = word >= 0 && Lexicon.Continues[word];
                var expectedFlags = p.Flags | (fuzzy ? TokenFlags.Fuzzy : 0) | (continues ? TokenFlags.Continues : 0);
                Assert.That((t.Segment, t.Start, t.Length, t.Sentence, t.Word, t.Flags), Is.EqualTo((p.Segment, p.Start, p.Length, p.Sentence, word, expectedFlags)), $"message {m}, token {k}");
            }
        }
    }

    [Test]
    public void Match_EveryDevelopmentMessage_SamePhrasesAsAWalkFromEveryWord()
    {
        var hits = new List<Hit>();
        var phrases = 0;
        foreach (var (text, m) in Corpus.Value.Select((t, m) => (t, m)))
        {
            using var stream = TokenStream.Read(text, Lexicon);
            hits.Clear();
            PhraseMatcher.Match(Lexicon, stream, hits);
            var expected = WalkFromEveryWord(stream);
            Assert.That(hits, Is.EqualTo(expected), $"message {m}");
            phrases += hits.Count;
        }

        Assert.That(phrases, Is.GreaterThan(1000), "the development corpus should hold many lexicon phrases");
    }

    /// <summary>Longest phrase first, left to right, never across a sentence, from every word, with the trie's own
    /// transition (<see cref="Lexicon.Next"/>) and tables (<see cref="Lexicon.TerminalOfState"/>, <see cref="Lexicon.CaseSensitive"/>).</summary>
    private static List<Hit> WalkFromEveryWord(TokenStream stream)
    {
        var found = new List<Hit>();
        var tokens = stream.Tokens;
        for (var i = 0; i < stream.Count; i++)
        {
            int best = -1, bestEnd = -1;
            bool fuzzy = false, bestFuzzy = false;
            var state = 0;
            for (var j = i; j < stream.Count; j++)
            {
                var u = tokens[j];
                if (u.Word < 0 || u.Sentence != tokens[i].Sentence)
                {
                    break;
                }

                state = Lexicon.Next(state, u.Word);
                if (state < 0)
                {
                    break;
                }

                fuzzy |= (u.Flags & TokenFlags.Fuzzy) != 0;
                var terminal = Lexicon.TerminalOfState[state];
                if (terminal >= 0 && !(Lexicon.CaseSensitive[terminal] && (fuzzy || (tokens[i].Flags & TokenFlags.Upper) == 0)))
                {
                    (best, bestEnd, bestFuzzy) = (terminal, j, fuzzy);
                }
            }

            if (best >= 0)
            {
                found.Add(new Hit(best, i, bestEnd, tokens[i].Sentence, bestFuzzy, Lexicon.Markers[best]));
                i = bestEnd;
            }
        }

        return found;
    }
}
