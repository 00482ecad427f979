using System.Runtime.CompilerServices;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>The tokenizer's fast paths (words delimited eight characters at a time, the per-thread word cache) against
/// the plain rules they stand for: a word is a maximal run of characters that fold to a letter or a digit, and a
/// cached word reads exactly as a freshly analysed one.</summary>
[TestFixture]
public sealed class TokenStreamTests
{
    private static readonly Lexicon Lexicon = Lexicon.Build(LexiconSources.All);

    private static readonly string[] Texts =
    [
        "",
        " ",
        "a",
        "Ab",
        "VPH16",
        "Dépression majeure, anxiété généralisée.",
        "Le médecin d’urgence a parlé d'alcool et de l’anxiété; c'est l'hôpital qui appelle.",
        "Crohn's disease, prophylaxie post-exposition (PPE) et re-test à 2.5 mg/L ou 0.6 mm.",
        "CR2032 1234567890 ABCDEFGH abcdefgh ABCDEFGHI 12345678x",
        "Straße, œdème du cœur, Ægir, naïve, façade, Øresund, ı.",
        // Cyrillic look-alikes: "сancer" starts with a Cyrillic es, "рsychiatre" with a Cyrillic er.
        "сancer du sein, рsychiatre, ΑΒΓ δέλτα, 日本語テキスト, ٣٤٥ chiffres arabes.",
        "Fin… puis • puce! Question? Oui; non.\nLigne deux\r\nLigne trois",
        "mot" + new string('x', 100) + " suivant " + new string('é', 45) + " fin",
        "exactementhuit abcdefgh",
        "douzecaracts",
        "“Guillemets” «français» — tiret – court ‐ et emoji 😀 au milieu😀du texte.",
        "tab\tsep\u00A0insécable\u2009fine\u200Bzero",
        "12h30, 7,6 mmol/L, A1c 7.2%, TSH était 12; PSA is 9.8 and it was 10.",
    ];

    private static IEnumerable<string> AllTexts => Texts;

    [TestCaseSource(nameof(AllTexts))]
    public void WordEnd_EveryWordStart_EndsWhereThePlainRuleEnds(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsWordChar(text[i]))
            {
                continue;
            }

            var end = i;
            while (end < text.Length && IsWordChar(text[end]))
            {
                end++;
            }

            Assert.That(TokenStream.WordEnd(text, i), Is.EqualTo(end), $"word starting at {i}");
        }
    }

    [TestCaseSource(nameof(AllTexts))]
    public void Read_WithLexicon_SameWordsAndIdsAsFreshAnalysisAndAsSecondRead(string text)
    {
        var checkedText = CheckedText.FromParts("Objet: résultats", text);
        using var plain = TokenStream.Read(checkedText, lexicon: null);
        using var first = TokenStream.Read(checkedText, Lexicon);
        using var second = TokenStream.Read(checkedText, Lexicon);

        Assert.That(first.Count, Is.EqualTo(plain.Count));
        Assert.That(second.Count, Is.EqualTo(plain.Count));
        Assert.That(second.SentenceCount, Is.EqualTo(plain.SentenceCount));
        for (var k = 0; k < plain.Count; k++)
        {
            var p = plain.Tokens[k];
            var expectedWord = Lexicon.Lookup(plain.StemOf(p), p.Hash, out var fuzzy);
            foreach (var t in new[] { first.Tokens[k], second.Tokens[k] })
            {
                Assert.That((t.Segment, t.Start, t.Length, t.Sentence), Is.EqualTo((p.Segment, p.Start, p.Length, p.Sentence)), $"token {k}");
                Assert.That(t.Word, Is.EqualTo(expectedWord), $"word id of token {k}");
                Assert.That((t.Flags & TokenFlags.Fuzzy) != 0, Is.EqualTo(fuzzy), $"typo flag of token {k}");
                Assert.That((t.Flags & TokenFlags.Continues) != 0, Is.EqualTo(expectedWord >= 0 && Lexicon.Continues[expectedWord]), $"phrase-continuation flag of token {k}");
                Assert.That(t.Flags & ~(TokenFlags.Fuzzy | TokenFlags.Continues), Is.EqualTo(p.Flags), $"flags of token {k}");
            }
        }
    }

    [TestCase("is", true)]
    [TestCase("était", true)]
    [TestCase("EST", true)]
    [TestCase("was", true)]
    [TestCase("estime", false)]
    [TestCase("wa", false)]
    public void Read_Copula_FlaggedOnlyForTheFourCopulas(string word, bool expected)
    {
        using var stream = TokenStream.Read(CheckedText.FromParts("", word), Lexicon);

        Assert.That(stream.Count, Is.EqualTo(1));
        Assert.That((stream.Tokens[0].Flags & TokenFlags.Copula) != 0, Is.EqualTo(expected));
    }

    [Test]
    public void Read_AfterDispose_ReusesThisThreadsStreamAndReadsTheNewTextOnly()
    {
        var longText = CheckedText.FromParts("Objet", string.Join(' ', Texts));
        var shortText = CheckedText.FromParts("", "anxiété");
        TokenStream first;
        using (first = TokenStream.Read(longText, Lexicon))
        {
            Assert.That(first.Count, Is.GreaterThan(50));
        }

        using var again = TokenStream.Read(shortText, Lexicon);
        using var fresh = TokenStream.Read(shortText, Lexicon);

        // The thread's idle stream serves the next read; a read while it is in use gets a stream of its own.
        Assert.That(again, Is.SameAs(first));
        Assert.That(fresh, Is.Not.SameAs(first));
        foreach (var s in new[] { again, fresh })
        {
            Assert.That(s.Text, Is.SameAs(shortText));
            // An empty subject is no segment: one segment, one sentence, one word.
            Assert.That((s.Count, s.SentenceCount), Is.EqualTo((1, 1)));
            Assert.That((s.Tokens[0].Segment, s.Tokens[0].Start, s.Tokens[0].Length), Is.EqualTo((0, 0, 7)));
        }
    }

    [Test]
    public void Dispose_StreamLargerThanTheBound_NotKeptForTheThread()
    {
        var huge = CheckedText.FromParts("", string.Concat(Enumerable.Repeat("mot ", TokenStream.MaxKeptTokens)));
        TokenStream big;
        using (big = TokenStream.Read(huge, Lexicon))
        {
            Assert.That(big.Count, Is.EqualTo(TokenStream.MaxKeptTokens));
        }

        using var next = TokenStream.Read(CheckedText.FromParts("", "mot"), Lexicon);

        Assert.That(next, Is.Not.SameAs(big));
        Assert.That(big.Tokens, Is.Empty);
    }

    [Test]
    public void Read_EmptyText_NoTokens()
    {
        using var stream = TokenStream.Read(new CheckedText([]), Lexicon);

        Assert.That(stream.Count, Is.Zero);
    }

    [TestCase("et")]
    [TestCase("été")]
    [TestCase("x")]
    public void KeyOf_ShortWord_SameKeyAtTheEndOfTheTextAsInside(string word)
    {
        var inside = (word + " suite").ToCharArray();
        var atEnd = word.ToCharArray();

        WordCache.KeyOf(ref inside[0], word.Length, inside.Length, out var insideHead, out var insideTail);
        WordCache.KeyOf(ref atEnd[0], word.Length, atEnd.Length, out var endHead, out var endTail);

        Assert.That((insideHead, insideTail), Is.EqualTo((endHead, endTail)));
    }

    [Test]
    public void Find_WordsDifferingOnlyInTheMiddle_OnlyTheAddedOneIsFound()
    {
        var cache = new WordCache(Lexicon);
        var added = "abcdXXXXXefgh".ToCharArray();
        var other = "abcdYYYYYefgh".ToCharArray();
        WordCache.KeyOf(ref added[0], added.Length, added.Length, out var head, out var tail);
        var set = WordCache.SetOf(head, tail, added.Length);
        cache.Add(set, head, tail, added, new WordCache.Entry { Word = 1234, Traits = WordTraits.Upper });

        WordCache.KeyOf(ref other[0], other.Length, other.Length, out var otherHead, out var otherTail);
        Assert.That((otherHead, otherTail), Is.EqualTo((head, tail)), "same first and last four characters, same key");
        Assert.That(Unsafe.IsNullRef(ref cache.Find(set, head, tail, ref other[0], other.Length)), Is.True);
        ref var found = ref cache.Find(set, head, tail, ref added[0], added.Length);
        Assert.That(Unsafe.IsNullRef(ref found), Is.False);
        Assert.That((found.Word, found.Traits), Is.EqualTo((1234, WordTraits.Upper)));
    }

    [Test]
    public void Add_FifthWordOfASet_DropsTheOldestAndKeepsFour()
    {
        // Five distinct words that share a set, found by trying generated words.
        var cache = new WordCache(Lexicon);
        var bySet = new Dictionary<int, List<char[]>>();
        List<char[]>? words = null;
        for (var n = 0; words is null; n++)
        {
            var w = ("mot" + n.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToCharArray();
            WordCache.KeyOf(ref w[0], w.Length, w.Length, out var h, out var t);
            var s = WordCache.SetOf(h, t, w.Length);
            if (!bySet.TryGetValue(s, out var list))
            {
                bySet[s] = list = [];
            }

            list.Add(w);
            if (list.Count == 5)
            {
                words = list;
            }
        }

        for (var k = 0; k < words.Count; k++)
        {
            Add(cache, words[k], k);
        }

        Assert.That(Find(cache, words[0]), Is.Null, "the oldest word left the set");
        Assert.That(Enumerable.Range(1, 4).Select(k => Find(cache, words[k])), Is.EqualTo(new int?[] { 1, 2, 3, 4 }));
    }

    private static void Add(WordCache cache, char[] w, int id)
    {
        WordCache.KeyOf(ref w[0], w.Length, w.Length, out var h, out var t);
        cache.Add(WordCache.SetOf(h, t, w.Length), h, t, w, new WordCache.Entry { Word = id });
    }

    private static int? Find(WordCache cache, char[] w)
    {
        WordCache.KeyOf(ref w[0], w.Length, w.Length, out var h, out var t);
        ref var e = ref cache.Find(WordCache.SetOf(h, t, w.Length), h, t, ref w[0], w.Length);
        return Unsafe.IsNullRef(ref e) ? null : e.Word;
    }

    private static bool IsWordChar(char c) => TermNormalizer.FoldChar(c) != '\0';
}
