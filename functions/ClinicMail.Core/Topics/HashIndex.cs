namespace ClinicMail.Core.Topics;

/// <summary>A read-mostly open-addressing map from a 64-bit hash to an int, for the hot lookups of the
/// scan (one per word). Smaller and faster than <see cref="Dictionary{TKey, TValue}"/> for this one job:
/// no comparer, no buckets, linear probing in one array. Filled at start-up only; reads are thread-safe.</summary>
internal sealed class HashIndex
{
    private const ulong Empty = 0;
    private const ulong ZeroStandIn = 0x9E3779B97F4A7C15UL;

    private ulong[] _keys = new ulong[16];
    private int[] _values = new int[16];
    private int _count;

    public int Count => _count;

    public bool TryGetValue(ulong key, out int value)
    {
        if (key == Empty)
        {
            key = ZeroStandIn;
        }

        var keys = _keys;
        var mask = keys.Length - 1;
        var i = (int)(Mix(key) & (ulong)mask);
        while (true)
        {
            var k = keys[i];
            if (k == key)
            {
                value = _values[i];
                return true;
            }

            if (k == Empty)
            {
                value = -1;
                return false;
            }

            i = (i + 1) & mask;
        }
    }

    public bool ContainsKey(ulong key) => TryGetValue(key, out _);

    public void Set(ulong key, int value)
    {
        if (key == Empty)
        {
            key = ZeroStandIn;
        }

        if ((_count + 1) * 2 > _keys.Length)
        {
            Grow();
        }

        var mask = _keys.Length - 1;
        var i = (int)(Mix(key) & (ulong)mask);
        while (_keys[i] != Empty && _keys[i] != key)
        {
            i = (i + 1) & mask;
        }

        if (_keys[i] == Empty)
        {
            _count++;
        }

        _keys[i] = key;
        _values[i] = value;
    }

    private void Grow()
    {
        var oldKeys = _keys;
        var oldValues = _values;
        _keys = new ulong[oldKeys.Length * 2];
        _values = new int[oldKeys.Length * 2];
        _count = 0;
        for (var i = 0; i < oldKeys.Length; i++)
        {
            if (oldKeys[i] != Empty)
            {
                Set(oldKeys[i], oldValues[i]);
            }
        }
    }

    /// <summary>The word hashes are polynomial: their low bits are weak, so fold the high bits in.</summary>
    private static ulong Mix(ulong key) => (key ^ (key >> 29) ^ (key >> 47)) * 0xBF58476D1CE4E5B9UL >> 20;
}
