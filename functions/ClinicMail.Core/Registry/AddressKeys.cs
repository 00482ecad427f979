namespace ClinicMail.Core.Registry;

/// <summary>The index keys under which a registered address is stored so that near misses can be
/// found with equality look-ups (fast in SQLite, PostgreSQL and memory alike):
/// <list type="bullet">
/// <item><see cref="Skeleton"/>: the address with confusable characters folded (Cyrillic "а" → "a",
/// "rn" → "m", "0" → "o"…), punycode decoded, and provider-insignificant dots removed; two
/// addresses with the same skeleton look the same to a human.</item>
/// <item><see cref="Domain"/> + <see cref="LocalPrefix"/> or <see cref="LocalSuffix"/>: one edit
/// (typo, missing or doubled letter, swapped letters) in a local part of four characters or more
/// leaves either its first or its last characters intact, so candidates for an edit-distance check
/// are found by prefix or suffix on the same domain.</item>
/// </list>
/// Computed by <see cref="AddressKeys.For"/>; stores persist them next to the address.</summary>
public sealed record AddressKeys(string Skeleton, string Domain, string LocalPrefix, string LocalSuffix)
{
    /// <summary>Characters kept for the prefix and suffix keys.</summary>
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
    public const int AlgorithmVersion = 1;

    /// <summary>Keys for a normalized address (see <see cref="AddressNormalizer.Normalize"/>).</summary>
    public static AddressKeys For(string normalizedAddress) => AddressSkeleton.KeysFor(normalizedAddress);
}
