using System.Runtime.InteropServices;
using System.Text;

namespace ClinicMail.Core.Registry;

/// <summary>An in-process copy of what the near-miss search needs from the registry: for every
/// registered address row, its row id and its <see cref="AddressKeys.Skeleton"/>, indexed by the
/// same four keys the stores index (skeleton; domain + length + prefix, suffix or outer part), plus
/// a hash of every registered address. A store builds it once from its rows and then feeds it the
/// rows written since (see <c>NearMissReplica</c> in the infrastructure), so a check's near-miss
/// search costs no index seek in the database: at 1,000,000 patients that search was ~100 seeks
/// per draft with typos, most of a PostgreSQL check's time.</summary>
/// <remarks>
/// <para>Only ids and skeletons are kept, never names; the address itself is kept as a 64-bit hash,
/// only to tell which recipients are probably registered (those need no near-miss search). The store
/// loads the surviving rows by id in the same round trip as the exact look-up, which also drops rows
/// deleted since (no tombstones needed) and re-tests each against its current skeleton.</para>
/// <para>Memory: about 100 bytes per address row (skeleton bytes, ids, four hash chains, the address
/// hash table): ~10 MB for 100,000 patients, ~100 MB for 1,000,000.</para>
/// <para>Thread-safe: look-ups and additions take one lock, held for microseconds (a look-up walks
/// a few hash chains). Rows are only ever added; a row re-keyed by a newer folding algorithm is
/// added again under its new keys, and the stale entry is filtered out by the store's re-test.</para>
/// </remarks>
public sealed class NearMissIndex
{
    private const int KindSkeleton = 0;
    private const int KindPrefix = 1;
    private const int KindSuffix = 2;
    private const int KindOuter = 3;
    private const int Kinds = 4;

    /// <summary>Longest skeleton kept, in UTF-8 bytes (addresses are at most 254 characters; a longer
    /// skeleton from a pathological row is simply not indexed, and the database search covers it).</summary>
    private const int MaxSkeletonBytes = 1024;

    private readonly Lock _lock = new();

    // Entry i: row id, skeleton at _arena[_offsets[i] .. + _lengths[i]] (UTF-8).
    private long[] _rowIds;
    private int[] _offsets;
    private short[] _lengths;
    private byte[] _arena;
    private int _arenaUsed;

    // Slot s = entry * Kinds + kind: its key hash and the next slot of its bucket (-1: end).
    private ulong[] _slotHashes;
    private int[] _next;
    private int[] _buckets;

    // Open addressing over 64-bit address hashes (0: empty).
    private ulong[] _addresses;
    private int _addressCount;

    /// <param name="capacity">Expected number of rows (the arrays grow past it, at a copying cost).</param>
    public NearMissIndex(int capacity = 1024)
    {
        capacity = Math.Max(capacity, 16);
        _rowIds = new long[capacity];
        _offsets = new int[capacity];
        _lengths = new short[capacity];
        _arena = new byte[capacity * 32];
        _slotHashes = new ulong[capacity * Kinds];
        _next = new int[capacity * Kinds];
        _buckets = NewBuckets(capacity * Kinds);
        _addresses = new ulong[RoundUpToPowerOfTwo(capacity * 2)];
    }

    /// <summary>Number of rows added (a re-keyed row counts twice).</summary>
    public int Count { get; private set; }

    /// <summary>Approximate bytes held by the arrays (for the start-up log and docs/registry.md).</summary>
    public long ApproximateBytes
    {
        get
        {
            lock (_lock)
            {
                return (_rowIds.LongLength * 8) + (_offsets.LongLength * 4) + (_lengths.LongLength * 2) + _arena.LongLength +
                    (_slotHashes.LongLength * 8) + (_next.LongLength * 4) + (_buckets.LongLength * 4) + (_addresses.LongLength * 8);
            }
        }
    }

    /// <summary>Adds one registered address row: its store row id, its normalized address (only
    /// hashed) and its skeleton as the store holds it.</summary>
    public void Add(long rowId, string address, string skeleton)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(skeleton);
        var at = skeleton.LastIndexOf('@');
        var byteCount = Encoding.UTF8.GetByteCount(skeleton);
        lock (_lock)
        {
            AddAddressHash(AddressHash(address));
            if (at <= 0 || byteCount > MaxSkeletonBytes)
            {
                return;
            }

            var entry = Count;
            EnsureEntryCapacity(entry + 1, byteCount);
            _rowIds[entry] = rowId;
            _offsets[entry] = _arenaUsed;
            _lengths[entry] = (short)byteCount;
            _arenaUsed += Encoding.UTF8.GetBytes(skeleton, _arena.AsSpan(_arenaUsed));
            Count = entry + 1;

            var local = skeleton.AsSpan(0, at);
            var domain = skeleton.AsSpan(at + 1);
            var affix = AddressKeys.PrefixLength(local.Length);
            var end = AddressKeys.OuterEndLength(local.Length);
            Link(entry, KindSkeleton, SkeletonHash(skeleton));
            Link(entry, KindPrefix, KeyHash(KindPrefix, domain, local.Length, local[..affix], []));
            Link(entry, KindSuffix, KeyHash(KindSuffix, domain, local.Length, local[^affix..], []));
            if (end > 0)
            {
                Link(entry, KindOuter, KeyHash(KindOuter, domain, local.Length, local[..end], local[^end..]));
            }
            else
            {
                _slotHashes[(entry * Kinds) + KindOuter] = 0;
                _next[(entry * Kinds) + KindOuter] = -1;
            }
        }
    }

    /// <summary>True when an address with this normalized form was added (or, once in 2^64, one with
    /// the same hash). A recipient for which this is false certainly was not registered when the rows
    /// were read: its near-miss search runs here.</summary>
    public bool MayBeRegistered(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var hash = AddressHash(address);
        lock (_lock)
        {
            var mask = _addresses.Length - 1;
            for (var i = (int)(hash & (ulong)mask); ; i = (i + 1) & mask)
            {
                if (_addresses[i] == hash)
                {
                    return true;
                }

                if (_addresses[i] == 0)
                {
                    return false;
                }
            }
        }
    }

    /// <summary>The rows whose skeleton <see cref="NearMiss.IsCandidate(string, string)"/> accepts for <paramref name="key"/>,
    /// found through the same keys as the stores' near-miss statements (<see cref="AddressKeys.Probes"/>).
    /// Adds (row id, the probe's skeleton) pairs to <paramref name="found"/>; a row may come more than once.</summary>
    public void CollectCandidates(AddressKeys key, List<(long RowId, string Probe)> found)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(found);
        var domain = key.Domain.AsSpan();
        var probes = key.Probes();
        // One decoding buffer for every chain this key walks.
        Span<char> buffer = stackalloc char[MaxSkeletonBytes];
        lock (_lock)
        {
            Walk(KindSkeleton, SkeletonHash(key.Skeleton), key.Skeleton, buffer, found);
            foreach (var probe in probes)
            {
                if (probe.Prefix is not null)
                {
                    Walk(KindPrefix, KeyHash(KindPrefix, domain, probe.Length, probe.Prefix, []), key.Skeleton, buffer, found);
                }

                if (probe.Suffix is not null)
                {
                    Walk(KindSuffix, KeyHash(KindSuffix, domain, probe.Length, probe.Suffix, []), key.Skeleton, buffer, found);
                }

                if (probe.Outer is not null)
                {
                    var end = probe.Outer.Length / 2;
                    Walk(KindOuter, KeyHash(KindOuter, domain, probe.Length, probe.Outer.AsSpan(0, end), probe.Outer.AsSpan(end)), key.Skeleton, buffer, found);
                }
            }
        }
    }

    /// <summary>Visits the slots of one key hash and keeps the entries the candidate test accepts.
    /// The hash only narrows the search: the test on the skeleton is the verdict, so a hash
    /// collision costs one extra test, never a wrong answer.</summary>
    private void Walk(int kind, ulong hash, string probe, Span<char> buffer, List<(long RowId, string Probe)> found)
    {
        for (var slot = _buckets[(int)(hash & (ulong)(_buckets.Length - 1))]; slot >= 0; slot = _next[slot])
        {
            if (slot % Kinds != kind || _slotHashes[slot] != hash)
            {
                continue;
            }

            var entry = slot / Kinds;
            var chars = Encoding.UTF8.GetChars(_arena.AsSpan(_offsets[entry], _lengths[entry]), buffer);
            if (NearMiss.IsCandidate(probe, buffer[..chars]))
            {
                found.Add((_rowIds[entry], probe));
            }
        }
    }

    private void Link(int entry, int kind, ulong hash)
    {
        var slot = (entry * Kinds) + kind;
        _slotHashes[slot] = hash;
        ref var head = ref _buckets[(int)(hash & (ulong)(_buckets.Length - 1))];
        _next[slot] = head;
        head = slot;
    }

    private void EnsureEntryCapacity(int entries, int moreBytes)
    {
        if (_arenaUsed + moreBytes > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + moreBytes));
        }

        if (entries <= _rowIds.Length)
        {
            return;
        }

        var capacity = _rowIds.Length * 2;
        Array.Resize(ref _rowIds, capacity);
        Array.Resize(ref _offsets, capacity);
        Array.Resize(ref _lengths, capacity);
        Array.Resize(ref _slotHashes, capacity * Kinds);
        Array.Resize(ref _next, capacity * Kinds);
        // Re-chain every used slot into buckets sized for the new capacity (the hashes are kept, so
        // no skeleton is read again).
        _buckets = NewBuckets(capacity * Kinds);
        for (var slot = 0; slot < Count * Kinds; slot++)
        {
            if (_slotHashes[slot] == 0)
            {
                // An outer slot of a short local part: never linked.
                continue;
            }

            ref var head = ref _buckets[(int)(_slotHashes[slot] & (ulong)(_buckets.Length - 1))];
            _next[slot] = head;
            head = slot;
        }
    }

    private void AddAddressHash(ulong hash)
    {
        if ((_addressCount + 1) * 2 > _addresses.Length)
        {
            var old = _addresses;
            _addresses = new ulong[old.Length * 2];
            _addressCount = 0;
            foreach (var value in old)
            {
                if (value != 0)
                {
                    InsertAddressHash(value);
                }
            }
        }

        InsertAddressHash(hash);
    }

    private void InsertAddressHash(ulong hash)
    {
        var mask = _addresses.Length - 1;
        for (var i = (int)(hash & (ulong)mask); ; i = (i + 1) & mask)
        {
            if (_addresses[i] == hash)
            {
                return;
            }

            if (_addresses[i] == 0)
            {
                _addresses[i] = hash;
                _addressCount++;
                return;
            }
        }
    }

    private static int[] NewBuckets(int slots)
    {
        var buckets = new int[RoundUpToPowerOfTwo(slots)];
        Array.Fill(buckets, -1);
        return buckets;
    }

    private static int RoundUpToPowerOfTwo(int value) => (int)Math.Min(1u << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(value, 16)));

    private static ulong AddressHash(string address) => NonZero(Mix(Fnv(0xA5, address, [])));

    private static ulong SkeletonHash(string skeleton) => NonZero(Mix(Fnv(KindSkeleton, skeleton, [])));

    /// <summary>Hash of an affix key: kind, key domain, local length and the affix (the outer key as
    /// its two ends, so it is hashed without building the concatenation).</summary>
    private static ulong KeyHash(int kind, ReadOnlySpan<char> domain, int length, ReadOnlySpan<char> affix, ReadOnlySpan<char> affixEnd)
    {
        var hash = Fnv(kind, domain, []);
        hash = (hash ^ (uint)length) * FnvPrime;
        return NonZero(Mix(Fnv(hash, affix, affixEnd)));
    }

    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    private static ulong Fnv(int seed, ReadOnlySpan<char> first, ReadOnlySpan<char> second) => Fnv((FnvOffset ^ (uint)seed) * FnvPrime, first, second);

    private static ulong Fnv(ulong hash, ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        foreach (var c in MemoryMarshal.AsBytes(first))
        {
            hash = (hash ^ c) * FnvPrime;
        }

        hash = (hash ^ 0xFF) * FnvPrime;
        foreach (var c in MemoryMarshal.AsBytes(second))
        {
            hash = (hash ^ c) * FnvPrime;
        }

        return hash;
    }

    // SplitMix64's finalizer: spreads FNV's weak low bits over the whole word (buckets use the low bits).
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    private static ulong NonZero(ulong hash) => hash == 0 ? 1 : hash;
}
