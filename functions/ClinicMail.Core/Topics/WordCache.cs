using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    /// <summary>A copula a test value may follow: "is", "was", "est", "était" (see <see cref="TokenFlags.Copula"/>).</summary>
    Copula = 8,
    /// <summary>A French elision ("l", "d", "qu"): dropped when an apostrophe and a letter follow.</summary>
    Elision = 16,
    /// <summary>"de": always dropped.</summary>
    De = 32,
    /// <summary>"s": dropped after an apostrophe (English possessive).</summary>
    LoneS = 64,
}

/// <summary>A bounded, set-associative cache from a word as written to everything the scan of a checked text needs
/// from it (lexicon word id and traits). Mail repeats the same few hundred words, and folding, stemming, hashing and
/// the (typo-tolerant) lexicon lookup are a pure function of the written characters, so a repeated word costs two
/// 8-byte reads of its characters, one probe and a comparison.</summary>
/// <remarks>One instance per thread (<see cref="ForThread"/>), never shared, so it needs no locking. The key of a
/// word is its length and its first and last four characters (<see cref="KeyOf"/>), which is the whole word up to
/// eight characters; longer words also compare their middle characters, so a collision only ever costs a miss. Tied
/// to one lexicon: the word ids are that lexicon's. Bounded whatever the texts: 32,768 entries of 32 bytes plus 12
/// middle characters each, 1.8 MB per thread that checks text.</remarks>
internal sealed class WordCache
{
    /// <summary>Longest word (as written, and once folded) kept: longer words are rare and simply recomputed.</summary>
    public const int MaxLength = 20;

    /// <summary>Characters kept beyond the key: those between the first four and the last four.</summary>
    private const int MiddleLength = MaxLength - 8;

    /// <summary>8,192 sets of four: the 160 messages of the dev corpus hold about 3,400 distinct words, and with
    /// fewer ways (or fewer sets) the sets that draw more words than they hold evict a common word ("et",
    /// "traitement") on every pass over the text. Measured on an idle machine (BenchmarkDotNet, topics then
    /// identifiers per message): 1,024 sets 73 MB/s, 2,048 sets 88 MB/s, 4,096 sets 95 MB/s, 8,192 sets 109 MB/s;
    /// real mail has a larger vocabulary than the corpus, so the larger table serves it at least as well.</summary>
    private const int SetBits = 13;
    private const int Ways = 4;
    private const int Slots = (1 << SetBits) * Ways;

    [ThreadStatic]
    private static WordCache? _thread;

    /// <summary>The entries, <see cref="Slots"/> of 32 bytes from byte <see cref="_first"/> on: a pinned buffer (it never
    /// moves) whose entries start on a 64-byte boundary, so that a set's first two ways (where nearly every word is found)
    /// share one cache line and no entry straddles two. A word probe costs one line of memory, not two.</summary>
    private readonly byte[] _buffer = GC.AllocateArray<byte>((Slots * EntrySize) + CacheLine, pinned: true);
    private readonly int _first;
    private readonly char[] _middle = new char[Slots * MiddleLength];

    private const int EntrySize = 32;
    private const int CacheLine = 64;

    /// <summary>A cache of its own (tests); checks use <see cref="ForThread"/>.</summary>
    internal WordCache(Lexicon lexicon)
    {
        Lexicon = lexicon;
        // The buffer's address (its distance from address zero): pinned, it is fixed for the buffer's life.
        var address = Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref MemoryMarshal.GetArrayDataReference(_buffer));
        _first = (int)((CacheLine - (address & (CacheLine - 1))) & (CacheLine - 1));
    }

    /// <summary>The first entry (slot 0).</summary>
    private ref Entry Entries => ref Unsafe.As<byte, Entry>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _first));

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

    /// <summary>The key of the word of <paramref name="length"/> characters (1 to <see cref="MaxLength"/>) at
    /// <paramref name="word"/>: its first four characters in <paramref name="head"/> and its last four in
    /// <paramref name="tail"/> (they overlap below eight; below four, <paramref name="head"/> holds them all, zero
    /// padded, and <paramref name="tail"/> is zero). <paramref name="readable"/> is how many characters may be read
    /// from <paramref name="word"/> on, at least <paramref name="length"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void KeyOf(ref char word, int length, int readable, out ulong head, out ulong tail)
    {
        if (length >= 4)
        {
            head = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref word));
            tail = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref word, length - 4)));
            return;
        }

        tail = 0;
        if (readable >= 4)
        {
            // Read four characters and keep the word's: one load instead of a loop.
            head = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref word)) & ((1UL << (16 * length)) - 1);
            return;
        }

        head = word;
        if (length > 1)
        {
            head |= (ulong)Unsafe.Add(ref word, 1) << 16;
        }

        if (length > 2)
        {
            head |= (ulong)Unsafe.Add(ref word, 2) << 32;
        }
    }

    /// <summary>The first slot of the set a key maps to.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SetOf(ulong head, ulong tail, int length) =>
        (int)(((head * 0x9E3779B97F4A7C15UL) ^ (BitOperations.RotateLeft(tail, 29) * 0xBF58476D1CE4E5B9UL) ^ (uint)length) >> (64 - SetBits)) * Ways;

    /// <summary>The entry for the word at <paramref name="word"/> in the set starting at <paramref name="set"/>, or a
    /// null reference when it is not cached.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Entry Find(int set, ulong head, ulong tail, ref char word, int length)
    {
        ref var e = ref Unsafe.Add(ref Entries, set);
        for (var way = 0; way < Ways; way++, e = ref Unsafe.Add(ref e, 1))
        {
            if (e.Head == head && e.Tail == tail && e.RawLength == length && (length <= 8 || MiddleEquals(set + way, ref word, length)))
            {
                return ref e;
            }
        }

        return ref Unsafe.NullRef<Entry>();
    }

    /// <summary>Characters 4 to length - 4 of a word of more than eight characters, against those kept in
    /// <paramref name="slot"/> (the first and last four are in the key).</summary>
    private bool MiddleEquals(int slot, ref char word, int length) =>
        _middle.AsSpan(slot * MiddleLength, length - 8).SequenceEqual(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref word, 4), length - 8));

    /// <summary>Keeps a word's result first in its set; the set's other entries move down one way and the last one
    /// (the oldest added) is dropped.</summary>
    public void Add(int set, ulong head, ulong tail, ReadOnlySpan<char> raw, in Entry entry)
    {
        ref var entries = ref Unsafe.Add(ref Entries, set);
        for (var way = Ways - 1; way > 0; way--)
        {
            Unsafe.Add(ref entries, way) = Unsafe.Add(ref entries, way - 1);
            _middle.AsSpan((set + way - 1) * MiddleLength, MiddleLength).CopyTo(_middle.AsSpan((set + way) * MiddleLength, MiddleLength));
        }

        if (raw.Length > 8)
        {
            raw[4..^4].CopyTo(_middle.AsSpan(set * MiddleLength, MiddleLength));
        }

        entries = entry with { Head = head, Tail = tail, RawLength = (byte)raw.Length };
    }

    /// <summary>One cached word, 32 bytes: its key, what the tokenizer keeps of it, and what the phrase walk needs of
    /// the phrases it starts (<see cref="Root"/>, <see cref="RootTerminal"/>, <see cref="RootFlags"/>), so that neither
    /// reads the lexicon's tables for a word seen before.</summary>
    [StructLayout(LayoutKind.Sequential, Size = EntrySize)]
    internal struct Entry
    {
        public ulong Head;
        public ulong Tail;
        public int Word;
        /// <summary>The trie state after this word from the root (<see cref="Lexicon.RootNext"/>), or -1.</summary>
        public int Root;
        /// <summary>The phrase that is this word alone (the terminal at <see cref="Root"/>), or -1.</summary>
        public int RootTerminal;
        public byte RawLength;
        public WordTraits Traits;
        public PhraseStartFlags RootFlags;
    }
}
