namespace ClinicMail.Core.Registry;

/// <summary>The index keys under which a registered address is stored so that near misses can be
/// found with equality look-ups (fast in SQLite, PostgreSQL and memory alike):
/// <list type="bullet">
/// <item><see cref="Skeleton"/>: the address with confusable characters folded (Cyrillic "а" → "a",
/// "rn" → "m", "0" → "o"…), punycode decoded, and provider-insignificant dots removed; two
/// addresses with the same skeleton look the same to a human.</item>
/// <item><see cref="Domain"/> + <see cref="LocalLength"/> + <see cref="LocalPrefix"/> or
/// <see cref="LocalSuffix"/>: one edit (typo, missing or doubled letter, swapped letters) leaves
/// either the first <see cref="PrefixLength"/> or the last <see cref="SuffixLength"/> characters of
/// the local part intact (the two lengths add up to the local length minus one, the most a
/// single edit can break), so candidates for an edit-distance check are found by prefix or suffix
/// on the same domain and length. Version 1 used four characters whatever the length: with
/// 1,000,000 patients "mari…" on gmail.com is thousands of addresses; half a local part plus its
/// exact length is a handful. Two edits are still found when they fall on the same half.</item>
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

    /// <summary>Characters of the prefix key of a local part of <paramref name="localLength"/> characters.</summary>
    public static int PrefixLength(int localLength) =>
        Math.Min(localLength, Math.Max(AffixLength, (localLength - 1) / 2));

    /// <summary>Characters of the suffix key of a local part of <paramref name="localLength"/> characters.</summary>
    public static int SuffixLength(int localLength) =>
        Math.Min(localLength, Math.Max(AffixLength, localLength - 1 - ((localLength - 1) / 2)));

    /// <summary>The prefix and suffix keys to look up for these (probe) keys: one pair per local
    /// length within <see cref="MaxEditDistance"/> of the probe's, cut at the lengths a registered
    /// address of that length was keyed with. A key longer than the probe's local part is null (no
    /// registered address of that length can share it).</summary>
    public IReadOnlyList<AffixProbe> Probes()
    {
        var local = Skeleton.AsSpan(0, LocalLength);
        var probes = new List<AffixProbe>(2 * MaxEditDistance + 1);
        for (var length = Math.Max(1, local.Length - MaxEditDistance); length <= local.Length + MaxEditDistance; length++)
        {
            var prefix = PrefixLength(length);
            var suffix = SuffixLength(length);
            probes.Add(new AffixProbe(
                length,
                prefix <= local.Length ? local[..prefix].ToString() : null,
                suffix <= local.Length ? local[^suffix..].ToString() : null));
        }

        return probes;
    }
}

/// <summary>The prefix and suffix keys a registered local part of <paramref name="Length"/>
/// characters would need to share with a probe (see <see cref="AddressKeys.Probes"/>).</summary>
public sealed record AffixProbe(int Length, string? Prefix, string? Suffix);
