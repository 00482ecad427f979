using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    /// <summary>"is", "was", "est", "était": a test value may follow.</summary>
    Copula = 8,
    /// <summary>The word follows another in some lexicon phrase (<see cref="Lexicon.Continues"/>; streams read with a
    /// lexicon only): the phrase walk reads this bit instead of the lexicon's table.</summary>
    Continues = 16,
}

/// <summary>One word of the checked text: where it sits in its part, the sentence it belongs to, when the lexicon
/// knows it the lexicon's word id, and, in a stream read without a lexicon only, its stem (in
/// <see cref="TokenStream.Stems"/>) and the stem's hash (zero length and hash otherwise).</summary>
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

/// <summary>A word that starts some lexicon phrase (<see cref="Lexicon.RootNext"/> of its word is a state): its token,
/// that state, and the state's terminal and flags (from the word cache, so the walk reads no lexicon table for a
/// single-word phrase). The tokenizer lists them while reading, so the phrase walk visits only these words.</summary>
internal struct PhraseStart
{
    public int Token;
    public int State;
    /// <summary>The phrase that is this word alone, or -1 (the terminal at <see cref="State"/>).</summary>
    public int Terminal;
    public PhraseStartFlags Flags;
}

/// <summary>What the phrase walk needs of a phrase's first state besides its terminal.</summary>
[Flags]
internal enum PhraseStartFlags : byte
{
    None = 0,
    /// <summary>Longer phrases go on from this word: the walk reads the next words.</summary>
    HasChildren = 1,
    /// <summary>The one-word phrase counts only as written in capitals (see <see cref="StateInfo.CaseSensitive"/>).</summary>
    CaseSensitive = 2,
    /// <summary>Kept in the word cache only: the word continues some phrase (becomes <see cref="TokenFlags.Continues"/>).</summary>
    Continues = 4,
}

/// <summary>The words of every part of a <see cref="CheckedText"/>, in one pass, in arrays rented from the
/// shared pool (returned by <see cref="Dispose"/>): a check allocates no per-word objects.</summary>
internal sealed class TokenStream : IDisposable
{
    private static readonly string[] Elisions = ["l", "d", "j", "m", "t", "s", "c", "n", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"];

    /// <summary>1 for the ASCII letters and digits, 0 for every other ASCII character (data in the assembly image:
    /// the JIT reads it at a constant address).</summary>
    private static ReadOnlySpan<byte> AsciiWord =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    ];

    /// <summary>What the reading loop does with each ASCII character: <see cref="Skip"/> (spaces, commas, quotes…),
    /// <see cref="InWord"/> (letters and digits) or <see cref="MayEndSentence"/> (\n . ! ? ;, then read by
    /// <see cref="IsSentenceEnd"/>). One table read per character instead of a word test and a sentence test.</summary>
    private static ReadOnlySpan<byte> AsciiClass =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2, 0, 0, 0, 2,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    ];

    private const byte Skip = 0;
    private const byte InWord = 1;
    private const byte MayEndSentence = 2;

    /// <summary>Largest token buffer a thread keeps between checks: 8,192 tokens of 40 bytes (320 KB), enough for a
    /// text of 16,000 characters. A longer text rents and returns its buffers as before.</summary>
    internal const int MaxKeptTokens = 8 * 1024;

    /// <summary>Scratch length of the stems buffer of a stream read with a lexicon (the stems are not kept).</summary>
    private const int LexiconStemsLength = (2 * TermNormalizer.MaxWord) + 16;

    /// <summary>This thread's idle stream for checks with a lexicon: short messages are the common case, and renting
    /// and returning two buffers and allocating a stream per message cost as much as reading a short message. Taken
    /// out of the slot while in use (two streams read at once on one thread each get their own) and put back by
    /// <see cref="Dispose"/>. Bound: <see cref="MaxKeptTokens"/> tokens plus the small stems scratch, per thread.</summary>
    [ThreadStatic]
    private static TokenStream? _spare;

    private static readonly CheckedText NoText = new([]);

    private int _stemPosition;

    /// <summary>Where <see cref="ReadPart{TMode}"/> puts what a word read without the word cache comes to.</summary>
    private WordCache.Entry _scratch;

    /// <summary>Whether <see cref="Dispose"/> puts this stream back in its thread's slot (streams read with a lexicon).</summary>
    private readonly bool _reusable;

    private TokenStream(CheckedText text, Token[] tokens, char[] stems, PhraseStart[] starts, bool reusable)
    {
        Text = text;
        Tokens = tokens;
        Stems = stems;
        Starts = starts;
        _reusable = reusable;
    }

    public CheckedText Text { get; private set; }

    public Token[] Tokens { get; private set; }

    public char[] Stems { get; private set; }

    public int Count { get; private set; }

    /// <summary>With a lexicon: the words that start a phrase, in text order (<see cref="StartCount"/> of them).</summary>
    public PhraseStart[] Starts { get; private set; }

    public int StartCount { get; private set; }

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

        var needed = (total / 2) + text.Segments.Count + 1;
        TokenStream stream;
        if (lexicon is not null && _spare is { } spare)
        {
            _spare = null;
            stream = spare;
            stream.Text = text;
            stream.Count = 0;
            stream.StartCount = 0;
            stream.SentenceCount = 0;
            stream._stemPosition = 0;
            if (stream.Tokens.Length < needed)
            {
                ArrayPool<Token>.Shared.Return(stream.Tokens);
                stream.Tokens = ArrayPool<Token>.Shared.Rent(needed);
            }

            if (stream.Starts.Length < needed)
            {
                ArrayPool<PhraseStart>.Shared.Return(stream.Starts);
                stream.Starts = ArrayPool<PhraseStart>.Shared.Rent(needed);
            }
        }
        else
        {
            var tokens = ArrayPool<Token>.Shared.Rent(needed);
            // Without a lexicon every stem is kept (a stem is at most twice its word: ligatures); with one, the buffer
            // is only the scratch space where an uncached word is folded.
            var stems = ArrayPool<char>.Shared.Rent(lexicon is null ? (total * 2) + LexiconStemsLength : LexiconStemsLength);
            var starts = lexicon is null ? [] : ArrayPool<PhraseStart>.Shared.Rent(needed);
            stream = new TokenStream(text, tokens, stems, starts, reusable: lexicon is not null);
        }

        var sentence = 0;
        var segments = text.Segments;
        if (lexicon is null)
        {
            for (var seg = 0; seg < segments.Count; seg++)
            {
                stream.ReadPart<StemMode>(seg, segments[seg].Text, null, null, ref sentence);
                sentence++;
            }
        }
        else
        {
            // One thread-static read per text, not per part.
            var cache = WordCache.ForThread(lexicon);
            for (var seg = 0; seg < segments.Count; seg++)
            {
                stream.ReadPart<CheckMode>(seg, segments[seg].Text, lexicon, cache, ref sentence);
                sentence++;
            }
        }

        stream.SentenceCount = sentence;
        return stream;
    }

    /// <summary>The reading loop, one for both ways a text is read (<typeparamref name="TMode"/>): a check
    /// (<see cref="CheckMode"/>: a lexicon and this thread's word cache) or a read that keeps every word's stem
    /// (<see cref="StemMode"/>: declared terms, the lexicon's own build). The mode is a struct type, so the JIT compiles
    /// this method once per mode with the other mode's branches removed. Hot loop: refs and locals only (no property,
    /// static-field, span-indexer or string-indexer access per character). Each character costs one class-table read; a
    /// word is first only delimited (eight characters at a time, see <see cref="WordEnd(ref char, int, int)"/>).
    /// In a check, what a word folds, stems and looks up to comes from the word cache when the word was seen before (a
    /// miss, <see cref="Miss"/>, runs the fold, stem and typo-tolerant lookup once per distinct word), stems are not kept
    /// (the rules read word ids and flags only), and the words that start a lexicon phrase are listed in
    /// <see cref="Starts"/> with what the phrase walk needs of their first step (<see cref="PhraseMatcher"/> never
    /// revisits the other words, nor reads the lexicon for a single-word phrase).</summary>
    /// <remarks>Not inlined into <see cref="Read"/>: alone, the loop's locals get the registers (inlined, both modes'
    /// loops shared one frame and most locals lived on the stack).</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReadPart<TMode>(int segment, string source, Lexicon? lexicon, WordCache? cache, ref int sentence)
        where TMode : struct, IReadMode
    {
        var check = typeof(TMode) == typeof(CheckMode);
        ref var s = ref MemoryMarshal.GetReference(source.AsSpan());
        ref var classes = ref MemoryMarshal.GetReference(AsciiClass);
        var n = source.Length;
        var tokens = Tokens;
        var starts = Starts;
        var count = Count;
        var startCount = StartCount;
        var stemPosition = _stemPosition;
        var i = 0;
        var sentenceHasWords = false;
        while (i < n)
        {
            var c = Unsafe.Add(ref s, i);
            if (c < 128 ? Unsafe.Add(ref classes, c) != InWord : TermNormalizer.FoldChar(c) == '\0')
            {
                // Spaces and commas cost the table read; only \n . ! ? ; (and … •) ask whether the sentence ends.
                if (sentenceHasWords && (c < 128 ? Unsafe.Add(ref classes, c) == MayEndSentence : c is '\u2026' or '\u2022')
                    && IsSentenceEnd(source, i))
                {
                    sentence++;
                    sentenceHasWords = false;
                }

                i++;
                continue;
            }

            // A word: letters and digits kept together ("VPH16", "CR2032").
            var start = i;
            i = WordEnd(ref s, i, n);
            var wordLength = i - start;
            // The word's entry is read where it lies (in the cache, or in this stream's scratch entry after a miss), not
            // copied: a 32-byte copy read back field by field stalls on store forwarding.
            ref var result = ref _scratch;
            var stemLength = 0;
            ulong stemHash = 0;
            if (check)
            {
                ulong head = 0, tail = 0;
                var set = 0;
                result = ref Unsafe.NullRef<WordCache.Entry>();
                if (wordLength <= WordCache.MaxLength)
                {
                    ref var w = ref Unsafe.Add(ref s, start);
                    WordCache.KeyOf(ref w, wordLength, n - start, out head, out tail);
                    set = WordCache.SetOf(head, tail, wordLength);
                    result = ref cache!.Find(set, head, tail, ref w, wordLength);
                }

                if (Unsafe.IsNullRef(ref result))
                {
                    result = ref _scratch;
                    if (!Miss(source, start, wordLength, set, head, tail, lexicon!, cache!, out _scratch))
                    {
                        continue;
                    }
                }
            }
            else if (Analyze(source.AsSpan(start, wordLength), Stems.AsSpan(stemPosition, TermNormalizer.MaxWord), null, out _scratch, out stemLength, out stemHash) > TermNormalizer.MaxWord)
            {
                continue;
            }

            var traits = result.Traits;
            if (traits >= WordTraits.Elision && IsDropped(traits, ref s, start, i, n))
            {
                continue;
            }

            if (check && result.Root >= 0)
            {
                ref var p = ref starts[startCount++];
                p.Token = count;
                p.State = result.Root;
                p.Terminal = result.RootTerminal;
                p.Flags = result.RootFlags;
            }

            ref var t = ref tokens[count++];
            t.Segment = segment;
            t.Start = start;
            t.Length = wordLength;
            t.Sentence = sentence;
            t.StemStart = stemPosition;
            t.StemLength = (byte)stemLength;
            t.Hash = stemHash;
            t.Flags = (TokenFlags)(traits & (WordTraits.Numeric | WordTraits.Upper | WordTraits.Fuzzy | WordTraits.Copula))
                | (TokenFlags)(((int)result.RootFlags & (int)PhraseStartFlags.Continues) << 2);
            t.Word = result.Word;
            sentenceHasWords = true;
            stemPosition += stemLength;
        }

        Count = count;
        StartCount = startCount;
        _stemPosition = stemPosition;
    }

    /// <summary>A word the thread's cache does not hold (or too long for it): folded, stemmed and looked up
    /// (<see cref="Analyze"/>), with its first phrase step (<see cref="WithRoot"/>), and kept in the cache when it fits.
    /// False when the word folds too long to be a term (it is then not a token). Out of the reading loop, so that the
    /// loop keeps its locals in registers.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Miss(string source, int start, int length, int set, ulong head, ulong tail, Lexicon lexicon, WordCache cache, out WordCache.Entry result)
    {
        // Ligatures fold to two letters: a short written word can still fold too long to keep or to use.
        var written = source.AsSpan(start, length);
        var folded = Analyze(written, Stems.AsSpan(0, TermNormalizer.MaxWord), lexicon, out result, out _, out _);
        if (folded > TermNormalizer.MaxWord)
        {
            return false;
        }

        WithRoot(lexicon, ref result);
        if (length <= WordCache.MaxLength && folded <= WordCache.MaxLength)
        {
            cache.Add(set, head, tail, written, result);
        }

        return true;
    }

    /// <summary>The phrases a word starts: the trie state after it, the phrase that is the word alone, whether longer
    /// phrases go on from it, and whether it continues a phrase (see <see cref="WordCache.Entry"/>).</summary>
    private static void WithRoot(Lexicon lexicon, ref WordCache.Entry result)
    {
        result.Root = result.Word >= 0 ? lexicon.RootNext[result.Word] : -1;
        result.RootTerminal = -1;
        result.RootFlags = result.Word >= 0 && lexicon.Continues[result.Word] ? PhraseStartFlags.Continues : PhraseStartFlags.None;
        if (result.Root >= 0)
        {
            ref readonly var info = ref lexicon.States[result.Root];
            result.RootTerminal = info.Terminal;
            result.RootFlags |= (info.ChildStart != info.ChildEnd ? PhraseStartFlags.HasChildren : PhraseStartFlags.None)
                | (info.CaseSensitive ? PhraseStartFlags.CaseSensitive : PhraseStartFlags.None);
        }
    }

    /// <summary>Words that carry no meaning of their own and are not kept as tokens: a French elision before an apostrophe
    /// ("d'alcool" reads "alcool"), "de" (so "trouble de l'humeur" and "trouble d'anxiété" read the same), and the "s" of
    /// an English possessive ("Crohn's disease" reads "crohn disease"). <paramref name="start"/> and
    /// <paramref name="end"/> delimit the word in the text at <paramref name="s"/> of <paramref name="n"/> characters.</summary>
    private static bool IsDropped(WordTraits traits, ref char s, int start, int end, int n) =>
        ((traits & WordTraits.Elision) != 0 && end + 1 < n && TermNormalizer.IsApostrophe(Unsafe.Add(ref s, end)) && IsWordChar(Unsafe.Add(ref s, end + 1)))
        || (traits & WordTraits.De) != 0
        || ((traits & WordTraits.LoneS) != 0 && start > 0 && TermNormalizer.IsApostrophe(Unsafe.Add(ref s, start - 1)));

    /// <summary>How <see cref="ReadPart{TMode}"/> reads (see there).</summary>
    private interface IReadMode
    {
    }

    /// <summary>A check: lexicon, word cache, phrase starts; stems not kept.</summary>
    private struct CheckMode : IReadMode
    {
    }

    /// <summary>No lexicon: every stem and its hash kept in <see cref="Stems"/>.</summary>
    private struct StemMode : IReadMode
    {
    }

    /// <summary>Whether <paramref name="c"/> belongs to a word (a letter or a digit of any script).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsWordChar(char c) =>
        c < 128 ? Unsafe.Add(ref MemoryMarshal.GetReference(AsciiWord), c) != 0 : TermNormalizer.FoldChar(c) != '\0';

    /// <summary>The end of the word that starts at <paramref name="i"/> in <paramref name="text"/> (exposed for tests).</summary>
    internal static int WordEnd(ReadOnlySpan<char> text, int i) => WordEnd(ref MemoryMarshal.GetReference(text), i, text.Length);

    /// <summary>The end of the word at <paramref name="i"/>: the first character from <paramref name="i"/> on that is
    /// not a letter or a digit, or <paramref name="n"/>. ASCII letters and digits are tested eight at a time (most
    /// words end within the first eight); the first other character found is then tested alone, since accented
    /// letters (and the letters of other scripts) belong to words too.</summary>
    private static int WordEnd(ref char s, int i, int n)
    {
        while (i + 8 <= n)
        {
            var v = Vector128.LoadUnsafe(ref Unsafe.As<char, ushort>(ref s), (nuint)i);
            var digit = Vector128.LessThan(v - Vector128.Create((ushort)'0'), Vector128.Create((ushort)10));
            var letter = Vector128.LessThan((v | Vector128.Create((ushort)0x20)) - Vector128.Create((ushort)'a'), Vector128.Create((ushort)26));
            var other = ~(digit | letter).ExtractMostSignificantBits() & 0xFF;
            if (other == 0)
            {
                i += 8;
                continue;
            }

            i += BitOperations.TrailingZeroCount(other);
            var c = Unsafe.Add(ref s, i);
            if (c < 128 || TermNormalizer.FoldChar(c) == '\0')
            {
                return i;
            }

            i++;
        }

        // Fewer than eight characters left: one at a time.
        for (; i < n; i++)
        {
            if (!IsWordChar(Unsafe.Add(ref s, i)))
            {
                return i;
            }
        }

        return n;
    }

    /// <summary>Folds, stems, hashes and looks up one written word (a maximal run of word characters) into
    /// <paramref name="word"/>, which receives the stem. Returns the folded length: above
    /// <see cref="TermNormalizer.MaxWord"/> the word is never a term and <paramref name="result"/> is meaningless.
    /// A pure function of the written characters (and the lexicon), which is what lets <see cref="WordCache"/> keep it.</summary>
    private static int Analyze(ReadOnlySpan<char> written, Span<char> word, Lexicon? lexicon, out WordCache.Entry result, out int stemLength, out ulong stemHash)
    {
        result = default;
        stemLength = 0;
        stemHash = 0;
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
        stemLength = digitsOnly || (digit != 0 && len >= 5) ? len : TermNormalizer.StemLetters(raw);
        var stem = raw[..stemLength];
        stemHash = TermNormalizer.Hash(stem);
        if (IsCopula(stem))
        {
            traits |= WordTraits.Copula;
        }
        if (digitsOnly)
        {
            traits |= WordTraits.Numeric;
        }

        if (upper >= 2 || (upper == 1 && written.Length == 1))
        {
            traits |= WordTraits.Upper;
        }

        result.Word = -1;
        result.Root = -1;
        result.RootTerminal = -1;
        if (lexicon is not null)
        {
            result.Word = lexicon.Lookup(stem, stemHash, out var fuzzy);
            if (fuzzy)
            {
                traits |= WordTraits.Fuzzy;
            }
        }

        result.Traits = traits;
        return len;
    }

    /// <summary>"is", "was", "est", "était" once stemmed: a test value may follow them ("PSA is 9.8", "TSH était 12").</summary>
    private static bool IsCopula(ReadOnlySpan<char> stem) =>
        stem.SequenceEqual("is") || stem.SequenceEqual("was") || stem.SequenceEqual("est") || stem.SequenceEqual("etait");

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
                return !(digitBefore && digitAfter) && !IsGenusInitial(s, i);
            default:
                return false;
        }
    }

    /// <summary>"H. pylori", "E. coli", "C. difficile": a lone capital and a point before a lower-case word abbreviate a genus;
    /// the sentence goes on. ("… la vitamine D. Prenez …" ends, the next word is capitalised.)</summary>
    private static bool IsGenusInitial(ReadOnlySpan<char> s, int i) =>
        i >= 1 && char.IsUpper(s[i - 1]) && (i == 1 || !char.IsLetter(s[i - 2]))
        && i + 2 < s.Length && s[i + 1] == ' ' && char.IsLower(s[i + 2]);

    public void Dispose()
    {
        if (Tokens.Length == 0 || ReferenceEquals(_spare, this))
        {
            // Already disposed (or already back in the slot).
            return;
        }

        if (_reusable && Tokens.Length <= MaxKeptTokens && _spare is null)
        {
            // Back to this thread's slot, buffers kept; the text is dropped so that the slot pins no message.
            Text = NoText;
            _spare = this;
            return;
        }

        ArrayPool<Token>.Shared.Return(Tokens);
        ArrayPool<char>.Shared.Return(Stems);
        if (Starts.Length > 0)
        {
            ArrayPool<PhraseStart>.Shared.Return(Starts);
        }

        Tokens = [];
        Stems = [];
        Starts = [];
    }
}
