namespace ClinicMail.Core.Registry;

/// <summary>How the big mailbox providers read a local part. Two addresses a provider delivers to
/// the same mailbox, or that differ only by what the provider ignores, must share a skeleton, or a
/// "jeantremblay@gmail.com" typed from memory would not be recognised as the registered
/// "jean.tremblay@gmail.com".</summary>
internal static class MailProviderRules
{
    /// <summary>Providers that ignore dots in the local part (Gmail documents this for consumer
    /// accounts; googlemail.com is the same service).</summary>
    private static readonly HashSet<string> DotInsensitive = new(StringComparer.Ordinal)
    {
        "gmail.com",
        "googlemail.com",
    };

    /// <summary>Providers that deliver "name+tag@" to "name@" (sub-addressing).</summary>
    private static readonly HashSet<string> PlusSubaddressing = new(StringComparer.Ordinal)
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.ca",
        "live.com",
        "live.ca",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "fastmail.com",
        "yandex.com",
    };

    /// <summary>Domains that are another name for the same mailbox service.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["googlemail.com"] = "gmail.com",
        ["protonmail.com"] = "proton.me",
        ["protonmail.ch"] = "proton.me",
        ["pm.me"] = "proton.me",
    };

    // The skeleton compares folded domains ("gmail.com" folds to "gmaii.com"), so the rule tables
    // are looked up under their folded form too: a provider is recognised through a confusable.
    private static readonly HashSet<string> FoldedDotInsensitive = Fold(DotInsensitive);
    private static readonly HashSet<string> FoldedPlusSubaddressing = Fold(PlusSubaddressing);
    private static readonly Dictionary<string, string> FoldedAliases =
        Aliases.ToDictionary(p => Confusables.Fold(p.Key), p => Confusables.Fold(p.Value), StringComparer.Ordinal);

    /// <summary>The canonical folded domain for a folded domain (provider aliases resolved).</summary>
    public static string CanonicalFoldedDomain(string foldedDomain) =>
        FoldedAliases.TryGetValue(foldedDomain, out var canonical) ? canonical : foldedDomain;

    public static bool IgnoresDots(string foldedDomain) => FoldedDotInsensitive.Contains(foldedDomain);

    public static bool UsesPlusSubaddressing(string foldedDomain) => FoldedPlusSubaddressing.Contains(foldedDomain);

    private static HashSet<string> Fold(HashSet<string> domains) =>
        new(domains.Select(Confusables.Fold), StringComparer.Ordinal);
}
