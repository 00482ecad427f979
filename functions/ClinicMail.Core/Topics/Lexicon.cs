using System.Globalization;
using System.Runtime.CompilerServices;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Topics;

/// <summary>What a lexicon phrase says about the sentence it sits in, independent of any category:
/// a negation, a normal result, a start of treatment, a drug name… The rules read these.</summary>
[Flags]
internal enum Marker : ulong
{
    None = 0,
    Negator = 1UL << 0,
    Contrast = 1UL << 1,
    Normal = 1UL << 2,
    Abnormal = 1UL << 3,
    Vaccine = 1UL << 4,
    Weather = 1UL << 5,
    Fundraising = 1UL << 6,
    Conditional = 1UL << 7,
    Renewal = 1UL << 8,
    Hedge = 1UL << 9,
    Start = 1UL << 10,
    StartWeak = 1UL << 11,
    Announce = 1UL << 12,
    AnnounceStrong = 1UL << 13,
    Progression = 1UL << 14,
    Possessive = 1UL << 15,
    AltMental = 1UL << 16,
    AltOncology = 1UL << 17,
    AltSubstance = 1UL << 18,
    AltSexual = 1UL << 19,
    DrugUse = 1UL << 20,
    Titration = 1UL << 21,
    Schedule = 1UL << 22,
    Stop = 1UL << 23,
    Item = 1UL << 24,
    Drug = 1UL << 25,
    Disease = 1UL << 26,
    Clinical = 1UL << 27,
    InPerson = 1UL << 28,
    OncologyTest = 1UL << 29,
    OverTheCounter = 1UL << 30,
    Unit = 1UL << 31,
    Results = 1UL << 32,
    Against = 1UL << 33,
    Benzo = 1UL << 34,
    Taper = 1UL << 35,
    Overdose = 1UL << 36,
    Intent = 1UL << 37,
    /// <summary>The name of a test or a department ("prise de sang", "échographie", "cardiologie").</summary>
    TestName = 1UL << 38,
    /// <summary>A dose change of the same drug ("augmentez", "reduce", "passer de 5 à 10 mg"): not a new treatment.</summary>
    DoseChange = 1UL << 39,
    /// <summary>One drug replaced by another ("on la remplace par", "switch to"): a new treatment.</summary>
    Switch = 1UL << 40,
    /// <summary>A crisis or safety plan: mental health, not by itself emotional news.</summary>
    CrisisPlan = 1UL << 41,
    /// <summary>Suicide and self-harm words, whose emotional cue a crisis plan explains.</summary>
    SelfHarm = 1UL << 42,
    /// <summary>Someone else ("une personne avec qui vous avez eu une relation", "a recent partner").</summary>
    ThirdParty = 1UL << 43,
    /// <summary>The zodiac: "Cancer" is a sign.</summary>
    Astrology = 1UL << 44,
    /// <summary>An everyday word one letter away from a lexicon term ("cancel", "chimie"): matched exactly, it is never
    /// read as a typo of that term.</summary>
    Everyday = 1UL << 45,
    /// <summary>A grave diagnosis (neurodegenerative, hereditary, HIV): its announcement is emotional too.</summary>
    Grave = 1UL << 46,
    /// <summary>"On passe de … à …": a dose change for one drug, a switch when the sentence names two.</summary>
    SwitchFrom = 1UL << 47,
    /// <summary>The crisis itself (an ER visit, an overdose, an attempt): emotional news even beside a crisis plan.</summary>
    CrisisEvent = 1UL << 48,
    /// <summary>"Risque de", "risk of": a cancer named as a risk is not the patient's.</summary>
    Risk = 1UL << 49,
    /// <summary>Taking a drug ("prenez", "take", "apply"): a start for a prescription drug, not for an over-the-counter one.</summary>
    Take = 1UL << 50,
    /// <summary>"C'est un", "it's a": announces the disease written right after it.</summary>
    AnnounceNear = 1UL << 51,
    /// <summary>A relative ("votre mère", "your father"): their illness is family history, not the reader's.</summary>
    Relative = 1UL << 52,
    /// <summary>A thing, not a person or a patient's body (a machine, a phone, coffee, chocolate, a wall): next to it, a
    /// word of death, addiction or overdose is figurative ("the printer died", "accro au café").</summary>
    Object = 1UL << 53,
    /// <summary>Words that make the word before them a figure of speech ("mort de rire", "dying of laughter").</summary>
    Idiom = 1UL << 54,
    /// <summary>"Dépistage du", "screening for": the disease named next is what a test looks for, not the patient's.</summary>
    ScreenFor = 1UL << 55,
    /// <summary>A control test after a treatment ("test de contrôle", "after treatment"): even negative, it reveals the
    /// treated condition.</summary>
    AfterTreatment = 1UL << 56,
    /// <summary>A symptom ("anxiété", "insomnia") that a substance or a taper in its sentence may explain.</summary>
    Symptom = 1UL << 57,
    /// <summary>detA21: a disease getting worse, said after it ("le cancer est revenu", "the leukaemia relapsed", "with
    /// spread to the bones"): a recurrence or a progression, not a new diagnosis; of a cancer, hard news.</summary>
    /// <summary>detB round 6: the writer's own people ("my grandmother", « ma mère »): a death or a loss said of them is the
    /// writer's news (an absence, a delay), not the reader's.</summary>
    Writer = 1UL << 62,
    Worsening = 1UL << 63,
}

/// <summary>How a category cue behaves in context.</summary>
[Flags]
internal enum CueFlags : byte
{
    None = 0,
    /// <summary>Counts only when another, different cue of the same category is present.</summary>
    Weak = 1,
    /// <summary>Dropped after a negation, in a normal-result or vaccination sentence.</summary>
    Negatable = 2,
    /// <summary>A drug or word with another common use: dropped when the message names that other use.</summary>
    Ambiguous = 4,
    /// <summary>"dépression" of the weather: dropped in a sentence about weather.</summary>
    WeatherSense = 8,
    /// <summary>Dropped after "si"/"if": a safety-net instruction, not an event.</summary>
    Conditional = 16,
    /// <summary>Counts only in a sentence that reports something abnormal ("le dépistage du cancer est positif").</summary>
    NeedsAbnormal = 32,
    /// <summary>A word with a common figurative sense (died, addiction, overdose, crack): dropped next to a thing
    /// (<see cref="Marker.Object"/>) or before an idiom word (<see cref="Marker.Idiom"/>).</summary>
    Literal = 64,
}

internal readonly record struct Cue(TopicCategory Category, float Confidence, CueFlags Flags);

/// <summary>What the phrase walk reads of one trie state, in one place (one memory read instead of four arrays): the
/// terminal (phrase) ending there or -1, whether it counts only as written in capitals, and its children
/// <c>[ChildStart, ChildEnd)</c> in the lexicon's child arrays (empty for a single-word term).</summary>
internal struct StateInfo
{
    public int Terminal;
    public int ChildStart;
    public int ChildEnd;
    public bool CaseSensitive;
}

/// <summary>The compiled lexicon: every word of every phrase gets an id; phrases are a trie over word ids;
/// one-typo variants of the longer words are precomputed as hashes. Built once (the static detector),
/// read-only afterwards, hence thread-safe.</summary>
internal sealed class Lexicon
{
    private const int TrigramSpace = 26 * 26 * 26;

    private readonly HashIndex _words = new();
    private readonly HashIndex _fuzzyWords = new();
    private readonly HashIndex _deletions = new();
    private const int LengthSlots = TermNormalizer.MaxWord + 2;
    private readonly ulong[] _prefixBits = new ulong[((TrigramSpace * LengthSlots) / 64) + 1];
    private readonly ulong[] _suffixBits = new ulong[((TrigramSpace * LengthSlots) / 64) + 1];

    /// <summary>(first trigram, exact length) and (last trigram, exact length) of the typo-tolerant words: a probe of
    /// <see cref="FuzzyLookup"/> that would need a word with a trigram and length no word has is skipped.</summary>
    private readonly ulong[] _exactPrefixBits = new ulong[((TrigramSpace * LengthSlots) / 64) + 1];
    private readonly ulong[] _exactSuffixBits = new ulong[((TrigramSpace * LengthSlots) / 64) + 1];
    private readonly HashIndex _edges = new();
    private readonly List<(ulong Key, int Next)> _edgeList = [];
    private readonly List<int> _stateTerminal = [-1];
    private readonly List<Marker> _markers = [];
    private readonly List<List<Cue>> _cues = [];
    private readonly List<bool> _caseSensitive = [];
    private readonly List<string> _wordText = [];
    private readonly List<ulong> _wordHash = [];
    /// <summary>The children of trie state s past the first word: word ids <c>_childWord[_childStart[s].._childStart[s + 1]]</c>
    /// in ascending order, with their states in <see cref="_childNext"/>. Most states have one to three children,
    /// so a short scan of adjacent ints replaces a hash probe of <see cref="_edges"/> (which only builds the trie).</summary>
    private int[] _childStart = [];
    private int[] _childWord = [];
    private int[] _childNext = [];

    /// <summary>Whether each word follows another in some phrase: most words of a message that start no phrase
    /// continue none either, and this spares their hash probe of the trie edges.</summary>
    private bool[] _continues = [];
    private int[] _wordLength = [];

    /// <summary>Words of the terms that name a category (diseases, drugs, services). Only these are forgiven a typo:
    /// a one-letter slip that turns "réveillent" into "révèlent" or "November" into "Movember" must not change
    /// what a sentence says.</summary>
    private readonly HashSet<int> _inCueTerm = [];

    /// <summary>Category cues of each terminal (phrase), indexed by terminal id.</summary>
    public Cue[][] Cues { get; private set; } = [];

    /// <summary>Markers of each terminal.</summary>
    public Marker[] Markers { get; private set; } = [];

    /// <summary>Whether each terminal counts only when written in capitals.</summary>
    public bool[] CaseSensitive { get; private set; } = [];

    /// <summary>The trie state after each word id from the root (the first word of a phrase), or -1.</summary>
    public int[] RootNext { get; private set; } = [];

    /// <summary>The terminal (phrase) ending at each trie state, or -1.</summary>
    public int[] TerminalOfState { get; private set; } = [];

    /// <summary>Each trie state's terminal, case rule and children (see <see cref="StateInfo"/>).</summary>
    public StateInfo[] States { get; private set; } = [];

    /// <summary>The next trie state after <paramref name="word"/>, or -1. The first step is an array read.</summary>
    public int Next(int state, int word)
    {
        if (state == 0)
        {
            return RootNext[word];
        }

        return _continues[word] ? NextChild(_childStart[state], _childStart[state + 1], word) : -1;
    }

    /// <summary>The state among the children <c>[from, to)</c> (of one state, see <see cref="StateInfo"/>) reached by
    /// <paramref name="word"/>, or -1.</summary>
    public int NextChild(int from, int to, int word)
    {
        if (to - from > 8)
        {
            // Wide states ("de", "trouble", "cancer"): halve down to a short run, then scan it.
            var words = _childWord;
            while (to - from > 8)
            {
                var middle = (int)((uint)(from + to) >> 1);
                if (words[middle] <= word)
                {
                    from = middle;
                }
                else
                {
                    to = middle;
                }
            }
        }

        for (var k = from; k < to; k++)
        {
            var w = _childWord[k];
            if (w >= word)
            {
                return w == word ? _childNext[k] : -1;
            }
        }

        return -1;
    }

    /// <summary>Whether each word follows another in some phrase (<see cref="Next"/> from a state past the root is -1
    /// for the others).</summary>
    internal bool[] Continues => _continues;

    /// <summary>Whether trie state <paramref name="state"/> (past the root) has any child: a single-word term's state
    /// has none, and its walk ends without looking at the next word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool HasChildren(int state) => _childStart[state] != _childStart[state + 1];

    /// <summary>Every edge of the trie as built, (state, word, next state) (tests compare <see cref="Next"/> against it).</summary>
    internal IEnumerable<(int State, int Word, int Next)> Edges()
    {
        foreach (var (key, next) in _edgeList)
        {
            yield return ((int)(key >> 32), (int)(key & 0xFFFFFFFF), next);
        }
    }

    /// <summary>Number of word ids.</summary>
    internal int WordCount => _wordText.Count;

    /// <summary>The stem a word id stands for (the topic model keys its features on the text, not on the id).</summary>
    internal string WordText(int id) => _wordText[id];

    /// <summary>The word id of a stem, exact or within one typo (for stems of six letters or more).</summary>
    public int Lookup(ReadOnlySpan<char> stem, ulong hash, out bool fuzzy)
    {
        fuzzy = false;
        if (_words.TryGetValue(hash, out var id))
        {
            return id;
        }

        var n = stem.Length;
        if (n < 6 || !TermNormalizer.IsAsciiLetters(stem) || !MayBeNearAWord(stem))
        {
            return -1;
        }

        var found = FuzzyLookup(stem, hash);
        fuzzy = found >= 0;
        return found;
    }

    private bool MayBeNearAWord(ReadOnlySpan<char> stem)
    {
        // One edit in a word of six letters or more leaves its first three or its last three letters intact,
        // and changes its length by at most one: a bit per (trigram, length) keeps most words off the slow path.
        var p = (Trigram(stem[..3]) * LengthSlots) + stem.Length;
        var s = (Trigram(stem[^3..]) * LengthSlots) + stem.Length;
        return (_prefixBits[p >> 6] & (1UL << (p & 63))) != 0 || (_suffixBits[s >> 6] & (1UL << (s & 63))) != 0;
    }

    private int FuzzyLookup(ReadOnlySpan<char> s, ulong hash)
    {
        // The text lost a letter: its hash is one of the precomputed deletions of a lexicon word.
        if (_deletions.TryGetValue(hash, out var w) && w >= 0)
        {
            return w;
        }

        // Which probes can hit at all. A probe that deletes text letter i looks for a word of length n - 1 that
        // keeps the text's first three letters (i >= 3) or its last three (i < 3, since n >= 6); a swap at i, i + 1
        // looks for a word of length n that keeps the first three (i >= 3) or the last three (i + 1 <= n - 4).
        // Skipping the others never changes the word found, and most words of a message skip every probe.
        var n = s.Length;
        var prefix3 = Trigram(s[..3]) * LengthSlots;
        var suffix3 = Trigram(s[^3..]) * LengthSlots;
        var deletePrefix = HasBit(_exactPrefixBits, prefix3 + n - 1);
        var deleteSuffix = HasBit(_exactSuffixBits, suffix3 + n - 1);
        var swapPrefix = HasBit(_exactPrefixBits, prefix3 + n);
        var swapSuffix = HasBit(_exactSuffixBits, suffix3 + n);
        if (!deletePrefix && !deleteSuffix && !swapPrefix && !swapSuffix && n != 6)
        {
            return -1;
        }

        Span<ulong> prefix = stackalloc ulong[n + 1];
        prefix[0] = 0;
        for (var i = 0; i < n; i++)
        {
            prefix[i + 1] = unchecked((prefix[i] * TermNormalizer.HashBase) + s[i]);
        }

        var powers = TermNormalizer.Powers;
        for (var i = 0; i < n; i++)
        {
            // The text has one letter too many (a doubled key, a slip): delete letter i.
            if (!(i >= 3 ? deletePrefix : deleteSuffix))
            {
                continue;
            }

            var p = powers[n - 1 - i];
            var h = unchecked((prefix[i] * p) + (hash - (prefix[i + 1] * p)));
            if (_fuzzyWords.TryGetValue(h, out w))
            {
                return w;
            }
        }

        for (var i = 0; i < n; i++)
        {
            // One letter replaced by another (the commonest slip on a phone keyboard: "chlamidia"): the text without
            // letter i is a lexicon word without its letter i, a precomputed deletion of a word of the same length.
            if ((i >= 3 && !swapPrefix) || (i <= n - 4 && !swapSuffix) || n < 7)
            {
                continue;
            }

            var p = powers[n - 1 - i];
            var h = unchecked((prefix[i] * p) + (hash - (prefix[i + 1] * p)));
            if (_deletions.TryGetValue(h, out w) && w >= 0 && _wordLength[w] == n)
            {
                return w;
            }
        }

        for (var i = 0; i < n - 1; i++)
        {
            // Two adjacent letters swapped.
            if (s[i] == s[i + 1] || (i >= 3 && !swapPrefix) || (i + 1 <= n - 4 && !swapSuffix))
            {
                continue;
            }

            var d = unchecked((ulong)(long)(s[i + 1] - s[i]));
            var h = unchecked(hash + (d * powers[n - 1 - i]) - (d * powers[n - 2 - i]));
            if (_fuzzyWords.TryGetValue(h, out w))
            {
                return w;
            }
        }

        return -1;
    }

    private static bool HasBit(ulong[] bits, int index) => (bits[index >> 6] & (1UL << (index & 63))) != 0;

    private static int Trigram(ReadOnlySpan<char> t) => ((t[0] - 'a') * 676) + ((t[1] - 'a') * 26) + (t[2] - 'a');

    /// <summary>Compiles the lexicon sources. Each line reads <c>tags | term; term; …</c>; tags are
    /// a category (mh, onc, sub, sex, dx, tx, emo) with a confidence and flags, and/or @markers.</summary>
    public static Lexicon Build(IEnumerable<string> sources)
    {
        var lexicon = new Lexicon();
        foreach (var source in sources)
        {
            foreach (var rawLine in source.Split('\n'))
            {
                var line = rawLine.Trim();
                if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                var bar = line.IndexOf('|', StringComparison.Ordinal);
                if (bar < 0)
                {
                    throw new InvalidOperationException("Lexicon line without '|' separator.");
                }

                var (cue, markers, caseSensitive) = ParseTags(line[..bar]);
                foreach (var term in line[(bar + 1)..].Split(';'))
                {
                    var trimmed = term.Trim();
                    if (trimmed.Length > 0)
                    {
                        lexicon.Add(trimmed, cue, markers, caseSensitive);
                    }
                }
            }
        }

        lexicon.Freeze();
        return lexicon;
    }

    private static (Cue? Cue, Marker Markers, bool CaseSensitive) ParseTags(string tags)
    {
        TopicCategory? category = null;
        var confidence = 0.8f;
        var flags = CueFlags.None;
        var markers = Marker.None;
        var caseSensitive = false;
        foreach (var tag in tags.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (tag[0] == '@')
            {
                markers |= Enum.Parse<Marker>(tag[1..], ignoreCase: true);
                continue;
            }

            if (char.IsDigit(tag[0]))
            {
                confidence = float.Parse(tag, CultureInfo.InvariantCulture);
                continue;
            }

            switch (tag)
            {
                case "mh": category = TopicCategory.MentalHealth; break;
                case "onc": category = TopicCategory.Oncology; break;
                case "sub": category = TopicCategory.SubstanceUse; break;
                case "sex": category = TopicCategory.SexualHealth; break;
                case "dx": category = TopicCategory.NewDiagnosis; break;
                case "tx": category = TopicCategory.NewTreatment; break;
                case "emo": category = TopicCategory.Emotional; break;
                case "weak": flags |= CueFlags.Weak; break;
                case "neg": flags |= CueFlags.Negatable; break;
                case "amb": flags |= CueFlags.Ambiguous; break;
                case "wx": flags |= CueFlags.WeatherSense; break;
                case "cond": flags |= CueFlags.Conditional; break;
                case "abn": flags |= CueFlags.NeedsAbnormal; break;
                case "lit": flags |= CueFlags.Literal; break;
                case "case": caseSensitive = true; break;
                default: throw new InvalidOperationException("Unknown lexicon tag.");
            }
        }

        Cue? cue = category is { } c ? new Cue(c, confidence, flags) : null;
        return (cue, markers, caseSensitive);
    }

    private void Add(string term, Cue? cue, Marker markers, bool caseSensitive)
    {
        using var stream = TokenStream.Read(new CheckedText([new TextSegment(TextPart.Body, term)]), null);
        if (stream.Count == 0)
        {
            return;
        }

        var state = 0;
        for (var i = 0; i < stream.Count; i++)
        {
            var word = WordId(stream.StemOf(stream.Tokens[i]), stream.Tokens[i].Hash);
            if (cue is not null)
            {
                _inCueTerm.Add(word);
            }

            var key = ((ulong)(uint)state << 32) | (uint)word;
            if (!_edges.TryGetValue(key, out var next))
            {
                next = _stateTerminal.Count;
                _stateTerminal.Add(-1);
                _edges.Set(key, next);
                _edgeList.Add((key, next));
            }

            state = next;
        }

        var terminal = _stateTerminal[state];
        if (terminal < 0)
        {
            terminal = _markers.Count;
            _stateTerminal[state] = terminal;
            _markers.Add(Marker.None);
            _cues.Add([]);
            _caseSensitive.Add(false);
        }

        _markers[terminal] |= markers;
        _caseSensitive[terminal] |= caseSensitive;
        if (cue is { } c && !_cues[terminal].Contains(c))
        {
            _cues[terminal].Add(c);
        }
    }

    /// <summary>The id of a stem, a new one the first time it is seen (only then is the stem kept as a string: most words
    /// of the lexicon's terms are repeated, and the build runs in every cold start).</summary>
    private int WordId(ReadOnlySpan<char> stem, ulong hash)
    {
        if (_words.TryGetValue(hash, out var id))
        {
            return id;
        }

        id = _wordText.Count;
        _wordText.Add(stem.ToString());
        _wordHash.Add(hash);
        _words.Set(hash, id);
        return id;
    }

    private void Freeze()
    {
        // Each one-letter deletion is hashed from this scratch copy, not from a new string per deletion.
        Span<char> scratch = stackalloc char[TermNormalizer.MaxWord];
        for (var id = 0; id < _wordText.Count; id++)
        {
            var w = _wordText[id];
            var hash = _wordHash[id];
            if (w.Length < 5 || !TermNormalizer.IsAsciiLetters(w) || !_inCueTerm.Contains(id))
            {
                continue;
            }

            _fuzzyWords.Set(hash, id);
            SetBit(_exactPrefixBits, (Trigram(w.AsSpan(0, 3)) * LengthSlots) + w.Length);
            SetBit(_exactSuffixBits, (Trigram(w.AsSpan(w.Length - 3)) * LengthSlots) + w.Length);
            for (var length = w.Length - 1; length <= Math.Min(w.Length + 1, TermNormalizer.MaxWord); length++)
            {
                SetBit(_prefixBits, (Trigram(w.AsSpan(0, 3)) * LengthSlots) + length);
                SetBit(_suffixBits, (Trigram(w.AsSpan(w.Length - 3)) * LengthSlots) + length);
            }
            if (w.Length < 7)
            {
                continue;
            }

            for (var i = 0; i < w.Length; i++)
            {
                w.AsSpan(0, i).CopyTo(scratch);
                w.AsSpan(i + 1).CopyTo(scratch[i..]);
                var deleted = TermNormalizer.Hash(scratch[..(w.Length - 1)]);
                if (_words.ContainsKey(deleted))
                {
                    continue;
                }

                // Two different words one deletion away from the same string: ambiguous, never used.
                _deletions.Set(deleted, _deletions.TryGetValue(deleted, out var other) && other != id ? -2 : id);
            }
        }

        Cues = [.. _cues.Select(c => c.ToArray())];
        Markers = [.. _markers];
        CaseSensitive = [.. _caseSensitive];
        TerminalOfState = [.. _stateTerminal];
        _wordLength = [.. _wordText.Select(w => w.Length)];
        var rootNext = new int[_wordText.Count];
        Array.Fill(rootNext, -1);
        RootNext = rootNext;
        _continues = new bool[_wordText.Count];
        var childCount = new int[_stateTerminal.Count + 1];
        var inner = new List<(int State, int Word, int Next)>(_edgeList.Count);
        foreach (var (key, next) in _edgeList)
        {
            var state = (int)(key >> 32);
            var word = (int)(key & 0xFFFFFFFF);
            if (state == 0)
            {
                rootNext[word] = next;
            }
            else
            {
                _continues[word] = true;
                childCount[state + 1]++;
                inner.Add((state, word, next));
            }
        }

        // Children grouped by state, ascending word ids within a state (Next stops at the first larger id).
        inner.Sort();
        for (var state = 0; state < _stateTerminal.Count; state++)
        {
            childCount[state + 1] += childCount[state];
        }

        _childStart = childCount;
        _childWord = [.. inner.Select(e => e.Word)];
        _childNext = [.. inner.Select(e => e.Next)];
        var states = new StateInfo[_stateTerminal.Count];
        for (var state = 0; state < states.Length; state++)
        {
            var terminal = _stateTerminal[state];
            states[state] = new StateInfo
            {
                Terminal = terminal,
                ChildStart = childCount[state],
                ChildEnd = childCount[state + 1],
                CaseSensitive = terminal >= 0 && _caseSensitive[terminal],
            };
        }

        States = states;
    }

    private static void SetBit(ulong[] bits, int index) => bits[index >> 6] |= 1UL << (index & 63);
}
