using System.Runtime.CompilerServices;

namespace ClinicMail.Core.Topics;

/// <summary>Receives the features of one message from <see cref="TopicFeatures.Visit{TVisitor}"/>: a bucket, and the
/// tokens it was read from (first to last, both -1 for a feature of the whole
/// message). A struct, so the JIT compiles the walk once per use (scoring, evidence, training) with the call inlined.</summary>
internal interface IFeatureVisitor
{
    void Feature(int bucket, int first, int last);
}

/// <summary>The features the topic model reads, taken from what the detector already computed: the words of the token
/// stream (unigrams and adjacent-word bigrams), the categories the lexicon's phrases cue and the markers they carry
/// (negation, relative, normal result…), each hashed into <see cref="Buckets"/> buckets with a stable hash.</summary>
/// <remarks>
/// A word the lexicon knows is keyed on its stem's text (<see cref="Vocabulary"/>), never on its id, so adding words to
/// the lexicon moves no other word's feature. A word the lexicon does not know is keyed on its folded written
/// characters (accents and case removed, not stemmed): folding again costs one pass over those characters, which is
/// why unknown words of one or two letters ("le", "of") and numbers are left out. The hash is fixed here
/// (<see cref="Mix"/>), not <see cref="string.GetHashCode()"/>, which changes from process to process: the exported
/// weights are indexed by these buckets. Changing anything here changes the buckets: bump <see cref="Version"/> and
/// retrain (docs/detection.md, "Round 7").
/// </remarks>
internal static class TopicFeatures
{
    /// <summary>Written into the model file; a model trained on other features is refused.</summary>
    public const int Version = 1;

    public const int BucketBits = 18;

    public const int Buckets = 1 << BucketBits;

    /// <summary>Unknown words this short are not features (articles, pronouns, "mg" is in the lexicon).</summary>
    private const int MinUnknownLength = 3;

    private const ulong UnigramSalt = 0x1F3D5B79A2C4E681UL;
    private const ulong BigramSalt = 0x6A09E667F3BCC909UL;
    private const ulong CueSalt = 0xBB67AE8584CAA73BUL;
    private const ulong MarkerSalt = 0x3C6EF372FE94F82BUL;
    private const ulong NumberKey = 0xA54FF53A5F1D36F1UL;

    /// <summary>The key of each marker bit: its name's hash, so reordering <see cref="Marker"/> moves no feature.</summary>
    private static readonly ulong[] MarkerKeys = BuildMarkerKeys();

    /// <summary>The key of each category a lexicon cue names: its name's hash.</summary>
    private static readonly ulong[] CategoryKeys = [.. Enum.GetNames<TopicCategory>().Select(n => KeyOf(n))];

    /// <summary>Calls <paramref name="visitor"/> for each feature occurrence of the message read into
    /// <paramref name="stream"/> with <paramref name="hits"/> its phrases. A feature may occur several times; the
    /// model counts each bucket once (the visitors keep the first occurrence).</summary>
    public static void Visit<TVisitor>(Vocabulary vocabulary, Lexicon lexicon, TokenStream stream, List<Hit> hits, ref TVisitor visitor)
        where TVisitor : struct, IFeatureVisitor
    {
        var tokens = stream.Tokens;
        var segments = stream.Text.Segments;
        var words = vocabulary.WordKeys;
        var unigrams = vocabulary.UnigramBuckets;
        ulong previous = 0;
        var previousSentence = -1;
        var count = stream.Count;
        var segment = -1;
        var source = "";
        for (var i = 0; i < count; i++)
        {
            ref readonly var t = ref tokens[i];
            ulong key;
            if (t.Word >= 0)
            {
                // A lexicon word's unigram bucket is computed once per lexicon (Vocabulary), not once per occurrence.
                key = words[t.Word];
                visitor.Feature(unigrams[t.Word], i, i);
                if (previous != 0 && previousSentence == t.Sentence)
                {
                    visitor.Feature(BucketOf((previous * 0x100000001B3UL) ^ key ^ BigramSalt), i - 1, i);
                }

                previous = key;
                previousSentence = t.Sentence;
                continue;
            }
            else if ((t.Flags & TokenFlags.Numeric) != 0)
            {
                key = NumberKey;
            }
            else if (t.Length >= MinUnknownLength)
            {
                if (t.Segment != segment)
                {
                    segment = t.Segment;
                    source = segments[segment].Text;
                }

                key = FoldedKey(source.AsSpan(t.Start, t.Length));
            }
            else
            {
                previous = 0;
                continue;
            }

            visitor.Feature(UnigramBucket(key), i, i);
            if (previous != 0 && previousSentence == t.Sentence)
            {
                visitor.Feature(BucketOf((previous * 0x100000001B3UL) ^ key ^ BigramSalt), i - 1, i);
            }

            previous = key;
            previousSentence = t.Sentence;
        }

        var message = Marker.None;
        foreach (var h in hits)
        {
            message |= h.Markers;
            foreach (var cue in lexicon.Cues[h.Terminal])
            {
                visitor.Feature(BucketOf(CategoryKeys[(int)cue.Category] ^ CueSalt), -1, -1);
            }
        }

        for (var bits = (ulong)message; bits != 0; bits &= bits - 1)
        {
            visitor.Feature(BucketOf(MarkerKeys[System.Numerics.BitOperations.TrailingZeroCount(bits)] ^ MarkerSalt), -1, -1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int UnigramBucket(ulong key) => BucketOf(key ^ UnigramSalt);

    /// <summary>The bucket of a feature key: the top <see cref="BucketBits"/> bits of its mix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BucketOf(ulong key) => (int)(Mix(key) >> (64 - BucketBits));

    /// <summary>A fixed 64-bit finaliser (MurmurHash3's fmix64): every input bit moves every output bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return x;
    }

    /// <summary>FNV-1a over the characters of a text (a stem, a name).</summary>
    public static ulong KeyOf(ReadOnlySpan<char> text)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 0x100000001B3UL;
        }

        return h;
    }

    /// <summary>FNV-1a over a written word folded as the lexicon folds it (lower case, no accents).</summary>
    private static ulong FoldedKey(ReadOnlySpan<char> written)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var c in written)
        {
            var f = c < 128 ? (c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c) : TermNormalizer.FoldChar(c);
            h = (h ^ f) * 0x100000001B3UL;
        }

        return h;
    }

    private static ulong[] BuildMarkerKeys()
    {
        var keys = new ulong[64];
        for (var b = 0; b < 64; b++)
        {
            keys[b] = KeyOf(((Marker)(1UL << b)).ToString());
        }

        return keys;
    }

    /// <summary>The key of each word id of one lexicon: the hash of its stem.</summary>
    internal sealed class Vocabulary
    {
        public Vocabulary(Lexicon lexicon)
        {
            WordKeys = new ulong[lexicon.WordCount];
            UnigramBuckets = new int[lexicon.WordCount];
            for (var id = 0; id < WordKeys.Length; id++)
            {
                WordKeys[id] = KeyOf(lexicon.WordText(id));
                UnigramBuckets[id] = UnigramBucket(WordKeys[id]);
            }
        }

        public ulong[] WordKeys { get; }

        /// <summary>The unigram bucket of each word id.</summary>
        public int[] UnigramBuckets { get; }
    }
}
