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
        // Hot loop: spans and locals only (no property, static-field or string-indexer access per character),
        // and each word is folded, stemmed, hashed and looked up in place in the rented stems buffer.
        ReadOnlySpan<char> s = source;
        ReadOnlySpan<byte> ascii = Ascii;
        var stems = Stems.AsSpan();
        var tokens = Tokens.AsSpan();
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
            var stemStart = pos;
            var word = stems.Slice(pos, TermNormalizer.MaxWord);
            var len = 0;
            var upper = 0;
            var notDigit = 0;
            var digit = 0;
            while (i < s.Length)
            {
                c = s[i];
                char f;
                if (c < 128)
                {
                    // Fast path: plain ASCII is most of every message.
                    var cls = ascii[c];
                    if (cls == 0)
                    {
                        break;
                    }

                    if (cls == 2)
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
                    if (f == '\0')
                    {
                        break;
                    }

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
                    len = TermNormalizer.MaxWord + 1;
                }

                i++;
            }

            if (len > TermNormalizer.MaxWord)
            {
                continue;
            }

            var wordLength = i - start;
            var raw = word[..len];

            // Apostrophes are rare: test them only where one sits next to the word.
            if (i + 1 < s.Length && TermNormalizer.IsApostrophe(s[i]) && TermNormalizer.FoldChar(s[i + 1]) != '\0' && IsElision(raw))
            {
                // French elision ("l'", "d'", "qu'") carries no meaning of its own: "d'alcool" reads "alcool".
                continue;
            }

            // "de" and its elided "d'" read the same: "trouble de l'humeur" / "trouble d'anxiété", "on parle d'insuffisance".
            if (len == 2 && raw[0] == 'd' && raw[1] == 'e')
            {
                continue;
            }

            // English possessive: "Crohn's disease" reads "crohn disease".
            if (len == 1 && raw[0] == 's' && start > 0 && TermNormalizer.IsApostrophe(s[start - 1]))
            {
                continue;
            }

            var digitsOnly = notDigit == 0;
            var stemLength = digitsOnly || (digit != 0 && len >= 5) ? len : TermNormalizer.StemLetters(raw);
            var stem = raw[..stemLength];
            ref var t = ref tokens[count++];
            t.Segment = segment;
            t.Start = start;
            t.Length = wordLength;
            t.Sentence = sentence;
            t.StemStart = stemStart;
            t.StemLength = (byte)stemLength;
            t.Hash = TermNormalizer.Hash(stem);
            t.Flags = (digitsOnly ? TokenFlags.Numeric : TokenFlags.None)
                | (upper >= 2 || (upper == 1 && wordLength == 1) ? TokenFlags.Upper : TokenFlags.None);
            t.Word = -1;
            if (lexicon is not null)
            {
                t.Word = lexicon.Lookup(stem, t.Hash, out var fuzzy);
                if (fuzzy)
                {
                    t.Flags |= TokenFlags.Fuzzy;
                }
            }

            sentenceHasWords = true;
            pos += stemLength;
        }

        Count = count;
        _stemPosition = pos;
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
