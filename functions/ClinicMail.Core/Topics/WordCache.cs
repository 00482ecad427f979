namespace ClinicMail.Core.Topics;

/// <summary>What the tokenizer decides about a word as written, which depends on its characters only.</summary>
[Flags]
internal enum WordTraits : byte
{
    None = 0,
    /// <summary>Only digits.</summary>
    Numeric = 1,
    /// <summary>Counts as written in capitals (see <see cref="TokenFlags.Upper"/>).</summary>
    Upper = 2,
    /// <summary>Recognised through a one-letter typo.</summary>
    Fuzzy = 4,
    /// <summary>A French elision ("l", "d", "qu"): dropped when an apostrophe and a letter follow.</summary>
    Elision = 8,
    /// <summary>"de": always dropped.</summary>
    De = 16,
    /// <summary>"s": dropped after an apostrophe (English possessive).</summary>
    LoneS = 32,
}

/// <summary>A bounded, direct-mapped cache from a word as written to everything the tokenizer derives from it
/// (stem, stem hash, lexicon word id, flags). Mail repeats the same few hundred words, and folding, stemming,
/// hashing and the (typo-tolerant) lexicon lookup are a pure function of the written characters, so a repeated
/// word costs one hash of its characters, one comparison and one copy of its stem.</summary>
/// <remarks>One instance per thread (<see cref="ForThread"/>), never shared, so it needs no locking; every entry is
/// verified character for character, so a collision only costs a miss. Tied to one lexicon: the word ids are
/// that lexicon's.</remarks>
internal sealed class WordCache
{
    /// <summary>Longest word (as written, and once folded) kept: longer words are rare and simply recomputed.</summary>
    public const int MaxLength = 20;

    /// <summary>8192 slots in pairs (two-way): room for a few thousand distinct words (the 160 messages of the dev
    /// corpus hold about 3,400) in well under a megabyte per thread.</summary>
    private const int SlotBits = 13;
    private const int Slots = 1 << SlotBits;

    [ThreadStatic]
    private static WordCache? _thread;

    private readonly Entry[] _entries = new Entry[Slots];
    private readonly char[] _raw = new char[Slots * MaxLength];
    private readonly char[] _stems = new char[Slots * MaxLength];

    private WordCache(Lexicon lexicon)
    {
        Lexicon = lexicon;
    }

    public Lexicon Lexicon { get; }

    /// <summary>This thread's cache for <paramref name="lexicon"/> (a new one when the thread last used another).</summary>
    public static WordCache ForThread(Lexicon lexicon)
    {
        var cache = _thread;
        if (cache is null || !ReferenceEquals(cache.Lexicon, lexicon))
        {
            cache = new WordCache(lexicon);
            _thread = cache;
        }

        return cache;
    }

    /// <summary>The slot of a word from the hash of its written characters (taken while the tokenizer scanned it).</summary>
    public static int SlotOf(ulong rawHash) => (int)((rawHash ^ (rawHash >> 29) ^ (rawHash >> 43)) * 0x9E3779B97F4A7C15UL >> (64 - SlotBits));

    /// <summary>The slot holding <paramref name="raw"/> (the slot of its hash or its pair), or -1; then
    /// <paramref name="entry"/> is its result.</summary>
    public int Find(int slot, ulong rawHash, ReadOnlySpan<char> raw, out Entry entry)
    {
        entry = _entries[slot];
        if (entry.RawHash == rawHash && entry.RawLength == raw.Length && _raw.AsSpan(slot * MaxLength, raw.Length).SequenceEqual(raw))
        {
            return slot;
        }

        slot ^= 1;
        entry = _entries[slot];
        if (entry.RawHash == rawHash && entry.RawLength == raw.Length && _raw.AsSpan(slot * MaxLength, raw.Length).SequenceEqual(raw))
        {
            return slot;
        }

        return -1;
    }

    public ReadOnlySpan<char> StemAt(int slot, int length) => _stems.AsSpan(slot * MaxLength, length);

    /// <summary>Keeps a word's result in the first free slot of its pair, or else in place of the entry of the pair
    /// that was written less recently.</summary>
    public void Add(int slot, ulong rawHash, ReadOnlySpan<char> raw, ReadOnlySpan<char> stem, in Entry entry)
    {
        if (_entries[slot].RawLength != 0 && (_entries[slot ^ 1].RawLength == 0 || _entries[slot].Newer))
        {
            slot ^= 1;
        }

        _entries[slot ^ 1].Newer = false;
        raw.CopyTo(_raw.AsSpan(slot * MaxLength, MaxLength));
        stem.CopyTo(_stems.AsSpan(slot * MaxLength, MaxLength));
        _entries[slot] = entry with { RawHash = rawHash, RawLength = (byte)raw.Length, Newer = true };
    }

    internal struct Entry
    {
        public ulong RawHash;
        public ulong StemHash;
        public int Word;
        public byte RawLength;
        public byte StemLength;
        public WordTraits Traits;
        public bool Newer;
    }
}
