namespace ClinicMail.Core.Registry;

/// <summary>The index keys under which a registered address is stored so that near misses can be
/// found with equality look-ups (fast in SQLite, PostgreSQL and memory alike):
/// <list type="bullet">
/// <item><see cref="Skeleton"/>: the address with confusable characters folded (Cyrillic "а" → "a",
/// "rn" → "m", "0" → "o"…), punycode decoded, and provider-insignificant dots removed; two
/// addresses with the same skeleton look the same to a human.</item>
/// <item><see cref="Domain"/> + <see cref="LocalLength"/> + one of three affix keys of the local
/// part: <see cref="LocalPrefix"/> (its first two thirds or so), <see cref="LocalSuffix"/> (its last
/// two thirds) and <see cref="LocalOuter"/> (its first and last characters, without the middle).
/// One edit (typo, missing or doubled letter, swapped letters) falls in the last part, the first
/// part or the middle, and leaves the matching key whole (the lengths are chosen so that even a
/// swap across a boundary does), so candidates for an edit-distance check are found by equality
/// on the same domain and length. Version 1 used four characters whatever the length: with
/// 1,000,000 patients "mari…" on gmail.com is thousands of addresses; two thirds of a local part
/// plus its exact length is a handful. Two edits are found when both fall in one key's gap.
/// Local parts under 7 characters keep the version-1 four-character prefix and suffix.</item>
/// </list>
/// Computed by <see cref="AddressKeys.For"/>; stores persist them next to the address.</summary>
public sealed record AddressKeys(string Skeleton, string Domain, string LocalPrefix, string LocalSuffix)
{
    /// <summary>Fewest characters kept for the prefix and suffix keys (a shorter local part is kept whole).</summary>
    public const int AffixLength = 4;

    /// <summary>The most edits between two local parts that still count as a near miss. Stores use
    /// it to skip prefix/suffix candidates whose local part is longer or shorter than that: they
    /// cannot be within reach.</summary>
    public const int MaxEditDistance = 2;

    /// <summary>Length of the skeleton's local part (what edit distances are measured on).</summary>
    public int LocalLength => Skeleton.LastIndexOf('@');

    /// <summary>Version of the folding rules behind these keys. Stores persist it next to the keys
    /// and recompute rows written under an older version, so a better confusables table never
    /// leaves stale keys that silently miss look-alikes.</summary>
    public const int AlgorithmVersion = 2;

    /// <summary>Keys for a normalized address (see <see cref="AddressNormalizer.Normalize"/>).</summary>
    public static AddressKeys For(string normalizedAddress) => AddressSkeleton.KeysFor(normalizedAddress);

    /// <summary>Shortest local part that gets the three-key split (shorter ones: 4-character prefix and suffix).</summary>
    public const int MinLengthForOuterKey = 7;

    /// <summary>The outer key (first and last characters, middle removed); empty for short local parts.</summary>
    public string LocalOuter { get; init; } = "";

    /// <summary>Characters of the prefix key (and of the suffix key) of a local part of <paramref name="localLength"/> characters.</summary>
    /// <remarks>With prefix and suffix keys of k characters, the outer key keeps the first l-k-1 and
    /// the last l-k-1 characters: an edit window [p, p+2) either starts at or after k (prefix whole),
    /// ends at or before l-k (suffix whole), or lies between l-k-1 and k+1 (outer whole). k ≈ 2(l-1)/3
    /// makes the three keys about equally long.</remarks>
    public static int PrefixLength(int localLength) =>
        localLength < MinLengthForOuterKey ? Math.Min(localLength, AffixLength) : (2 * localLength - 2) / 3;

    /// <summary>Characters of the suffix key: the same as the prefix key.</summary>
    public static int SuffixLength(int localLength) => PrefixLength(localLength);

    /// <summary>Characters kept at each end by the outer key (0: no outer key).</summary>
    public static int OuterEndLength(int localLength) =>
        localLength < MinLengthForOuterKey ? 0 : localLength - PrefixLength(localLength) - 1;

    /// <summary>The prefix, suffix and outer keys to look up for these (probe) keys: one set per local
    /// length within reach of the probe's (<see cref="NearMiss.EditBound"/>, at most <see cref="MaxEditDistance"/>), cut at the lengths a registered
    /// address of that length was keyed with. A key longer than the probe's local part is null (no
    /// registered address of that length can share it).</summary>
    public IReadOnlyList<AffixProbe> Probes()
    {
        var local = Skeleton.AsSpan(0, LocalLength);
        // Only lengths the look-alike test can accept: it allows NearMiss.EditBound edits for a
        // local part of this length, and each edit changes the length by at most one.
        var reach = Math.Min(MaxEditDistance, NearMiss.EditBound(local.Length));
        var probes = new List<AffixProbe>(2 * reach + 1);
        for (var length = Math.Max(1, local.Length - reach); length <= local.Length + reach; length++)
        {
            var affix = PrefixLength(length);
            var end = OuterEndLength(length);
            probes.Add(new AffixProbe(
                length,
                affix <= local.Length ? local[..affix].ToString() : null,
                affix <= local.Length ? local[^affix..].ToString() : null,
                end > 0 && 2 * end <= local.Length ? string.Concat(local[..end], local[^end..]) : null));
        }

        return probes;
    }
}

/// <summary>The prefix, suffix and outer keys a registered local part of <paramref name="Length"/>
/// characters would need to share with a probe (see <see cref="AddressKeys.Probes"/>); null: that
/// key cannot match at this length.</summary>
public sealed record AffixProbe(int Length, string? Prefix, string? Suffix, string? Outer);
