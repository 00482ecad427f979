using System.Buffers;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Topics;

[Flags]
internal enum TokenFlags : byte
{
    None = 0,
    /// <summary>Only digits.</summary>
    Numeric = 1,
    /// <summary>At least two uppercase letters as written (or one in a one-letter word): "ITS", "PrEP", "AA".</summary>
    Upper = 2,
    /// <summary>The word was recognised through a one-letter typo, not exactly.</summary>
    Fuzzy = 4,
}

/// <summary>One word of the checked text: where it sits in its part, the sentence it belongs to, its stem
/// (in <see cref="TokenStream.Stems"/>) and, when the lexicon knows it, the lexicon's word id.</summary>
internal struct Token
{
    public int Segment;
    public int Start;
    public int Length;
    public int Sentence;
    public int Word;
    public int StemStart;
    public ulong Hash;
    public byte StemLength;
    public TokenFlags Flags;
}

/// <summary>The words of every part of a <see cref="CheckedText"/>, in one pass, in arrays rented from the
/// shared pool (returned by <see cref="Dispose"/>): a check allocates no per-word objects.</summary>
internal sealed class TokenStream : IDisposable
{
    private static readonly string[] Elisions = ["l", "d", "j", "m", "t", "s", "c", "n", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"];

    /// <summary>ASCII classes: 0 separator, 1 lowercase letter or digit, 2 uppercase letter.</summary>
    private static readonly byte[] Ascii = BuildAscii();

    private int _stemPosition;

    private TokenStream(CheckedText text, Token[] tokens, char[] stems)
    {
        Text = text;
        Tokens = tokens;
        Stems = stems;
    }

    public CheckedText Text { get; }

    public Token[] Tokens { get; private set; }

    public char[] Stems { get; private set; }

    public int Count { get; private set; }

    public int SentenceCount { get; private set; }

    public ReadOnlySpan<char> StemOf(in Token t) => Stems.AsSpan(t.StemStart, t.StemLength);

    /// <summary>Splits, folds, stems and looks up every word. <paramref name="lexicon"/> may be null
    /// (declared-term matching needs stems only).</summary>
    public static TokenStream Read(CheckedText text, Lexicon? lexicon)
    {
        var total = 0;
        foreach (var s in text.Segments)
        {
            total += s.Text.Length;
        }

        var tokens = ArrayPool<Token>.Shared.Rent((total / 2) + text.Segments.Count + 1);
        var stems = ArrayPool<char>.Shared.Rent((total * 2) + (2 * TermNormalizer.MaxWord) + 16);
        var stream = new TokenStream(text, tokens, stems);
        var sentence = 0;
        for (var seg = 0; seg < text.Segments.Count; seg++)
        {
            stream.ReadSegment(seg, text.Segments[seg].Text, lexicon, ref sentence);
            sentence++;
        }

        stream.SentenceCount = sentence;
        return stream;
    }

    private void ReadSegment(int segment, string source, Lexicon? lexicon, ref int sentence)
    {
        // Hot loop: spans and locals only (no property, static-field or string-indexer access per character).
        // A word is first only delimited (and its written characters hashed); what it folds, stems and looks up
        // to comes from this thread's word cache when the word was seen before, and is computed in place in the
        // rented stems buffer otherwise.
        ReadOnlySpan<char> s = source;
        ReadOnlySpan<byte> ascii = Ascii;
        var stems = Stems.AsSpan();
        var tokens = Tokens.AsSpan();
        var cache = lexicon is null ? null : WordCache.ForThread(lexicon);
        var count = Count;
        var pos = _stemPosition;
        var i = 0;
        var sentenceHasWords = false;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == ' ')
            {
                i++;
                continue;
            }

            if (c < 128 ? ascii[c] == 0 : TermNormalizer.FoldChar(c) == '\0')
            {
                if (sentenceHasWords && IsSentenceEnd(s, i))
                {
                    sentence++;
                    sentenceHasWords = false;
                }

                i++;
                continue;
            }

            // A word: letters and digits kept together ("VPH16", "CR2032").
            var start = i;
            i = ScanWord(s, i, out var rawHash);
            var wordLength = i - start;
            var written = s.Slice(start, wordLength);
            WordCache.Entry result;
            if (cache is not null && wordLength <= WordCache.MaxLength)
            {
                var slot = WordCache.SlotOf(rawHash);
                var found = cache.Find(slot, rawHash, written, out result);
                if (found >= 0)
                {
                    cache.StemAt(found, result.StemLength).CopyTo(stems[pos..]);
                }
                else
                {
                    // Ligatures fold to two letters: a short written word can still fold too long to keep or to use.
                    var folded = Analyze(written, stems.Slice(pos, TermNormalizer.MaxWord), lexicon, out result);
                    if (folded > TermNormalizer.MaxWord)
                    {
                        continue;
                    }

                    if (folded <= WordCache.MaxLength)
                    {
                        cache.Add(slot, rawHash, written, stems.Slice(pos, result.StemLength), result);
                    }
                }
            }
            else if (Analyze(written, stems.Slice(pos, TermNormalizer.MaxWord), lexicon, out result) > TermNormalizer.MaxWord)
            {
                continue;
            }

            var traits = result.Traits;

            // Apostrophes are rare: test them only where one sits next to the word.
            if ((traits & WordTraits.Elision) != 0 && i + 1 < s.Length && TermNormalizer.IsApostrophe(s[i]) && TermNormalizer.FoldChar(s[i + 1]) != '\0')
            {
                // French elision ("l'", "d'", "qu'") carries no meaning of its own: "d'alcool" reads "alcool".
                continue;
            }

            // "de" and its elided "d'" read the same: "trouble de l'humeur" / "trouble d'anxiété", "on parle d'insuffisance".
            if ((traits & WordTraits.De) != 0)
            {
                continue;
            }

            // English possessive: "Crohn's disease" reads "crohn disease".
            if ((traits & WordTraits.LoneS) != 0 && start > 0 && TermNormalizer.IsApostrophe(s[start - 1]))
            {
                continue;
            }

            ref var t = ref tokens[count++];
            t.Segment = segment;
            t.Start = start;
            t.Length = wordLength;
            t.Sentence = sentence;
            t.StemStart = pos;
            t.StemLength = result.StemLength;
            t.Hash = result.StemHash;
            t.Flags = (TokenFlags)(traits & (WordTraits.Numeric | WordTraits.Upper | WordTraits.Fuzzy));
            t.Word = result.Word;
            sentenceHasWords = true;
            pos += result.StemLength;
        }

        Count = count;
        _stemPosition = pos;
    }

    /// <summary>The end of the word starting at <paramref name="i"/>, and the hash of its written characters. Its own
    /// small method, with no call in its ASCII loop, so that the per-character loop keeps its variables in registers.</summary>
    private static int ScanWord(ReadOnlySpan<char> s, int i, out ulong hash)
    {
        ReadOnlySpan<byte> ascii = Ascii;
        ulong h = 0;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c >= 128)
            {
                return ScanWordFrom(s, i, h, out hash);
            }

            if (ascii[c] == 0)
            {
                break;
            }

            h = unchecked((h * TermNormalizer.HashBase) + c);
        }

        hash = h;
        return i;
    }

    /// <summary><see cref="ScanWord"/> from a non-ASCII character on (accents, ligatures, other scripts).</summary>
    private static int ScanWordFrom(ReadOnlySpan<char> s, int i, ulong h, out ulong hash)
    {
        ReadOnlySpan<byte> ascii = Ascii;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c < 128 ? ascii[c] == 0 : TermNormalizer.FoldChar(c) == '\0')
            {
                break;
            }

            h = unchecked((h * TermNormalizer.HashBase) + c);
        }

        hash = h;
        return i;
    }

    /// <summary>Folds, stems, hashes and looks up one written word (a maximal run of word characters) into
    /// <paramref name="word"/>, which receives the stem. Returns the folded length: above
    /// <see cref="TermNormalizer.MaxWord"/> the word is never a term and <paramref name="result"/> is meaningless.
    /// A pure function of the written characters (and the lexicon), which is what lets <see cref="WordCache"/> keep it.</summary>
    private static int Analyze(ReadOnlySpan<char> written, Span<char> word, Lexicon? lexicon, out WordCache.Entry result)
    {
        result = default;
        var len = 0;
        var upper = 0;
        var notDigit = 0;
        var digit = 0;
        foreach (var c in written)
        {
            char f;
            if (c < 128)
            {
                if (c is >= 'A' and <= 'Z')
                {
                    upper++;
                    f = (char)(c | 0x20);
                }
                else
                {
                    f = c;
                }
            }
            else
            {
                f = TermNormalizer.FoldChar(c);
                if (char.IsUpper(c))
                {
                    upper++;
                }
            }

            if ((uint)(f - '0') > 9)
            {
                notDigit = 1;
            }
            else
            {
                digit = 1;
            }

            if (len < TermNormalizer.MaxWord)
            {
                word[len++] = f;
                if (c >= 128 && TermNormalizer.FoldsToTwo(c) && len < TermNormalizer.MaxWord)
                {
                    word[len++] = 'e';
                }
            }
            else
            {
                return TermNormalizer.MaxWord + 1;
            }
        }

        var raw = word[..len];
        var traits = WordTraits.None;
        if (IsElision(raw))
        {
            traits |= WordTraits.Elision;
        }

        if (len == 2 && raw[0] == 'd' && raw[1] == 'e')
        {
            traits |= WordTraits.De;
        }

        if (len == 1 && raw[0] == 's')
        {
            traits |= WordTraits.LoneS;
        }

        var digitsOnly = notDigit == 0;
        var stemLength = digitsOnly || (digit != 0 && len >= 5) ? len : TermNormalizer.StemLetters(raw);
        var stem = raw[..stemLength];
        result.StemLength = (byte)stemLength;
        result.StemHash = TermNormalizer.Hash(stem);
        if (digitsOnly)
        {
            traits |= WordTraits.Numeric;
        }

        if (upper >= 2 || (upper == 1 && written.Length == 1))
        {
            traits |= WordTraits.Upper;
        }

        result.Word = -1;
        if (lexicon is not null)
        {
            result.Word = lexicon.Lookup(stem, result.StemHash, out var fuzzy);
            if (fuzzy)
            {
                traits |= WordTraits.Fuzzy;
            }
        }

        result.Traits = traits;
        return len;
    }

    private static byte[] BuildAscii()
    {
        var table = new byte[128];
        for (var c = '0'; c <= '9'; c++)
        {
            table[c] = 1;
        }

        for (var c = 'a'; c <= 'z'; c++)
        {
            table[c] = 1;
            table[c - 32] = 2;
        }

        return table;
    }

    private static bool IsElision(ReadOnlySpan<char> w)
    {
        if (w.Length > 6)
        {
            return false;
        }

        foreach (var e in Elisions)
        {
            if (w.SequenceEqual(e))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sentence ends at . ! ? ; and line breaks, but not at the point of "0.6 mm" or "2.5".</summary>
    private static bool IsSentenceEnd(ReadOnlySpan<char> s, int i)
    {
        var c = s[i];
        switch (c)
        {
            case '\n' or '!' or '?' or ';' or '\u2026' or '\u2022':
                return true;
            case '.':
                var digitBefore = i > 0 && char.IsDigit(s[i - 1]);
                var digitAfter = i + 1 < s.Length && char.IsDigit(s[i + 1]);
                return !(digitBefore && digitAfter);
            default:
                return false;
        }
    }

    public void Dispose()
    {
        ArrayPool<Token>.Shared.Return(Tokens);
        ArrayPool<char>.Shared.Return(Stems);
        Tokens = [];
        Stems = [];
    }
}
