namespace ClinicMail.Core.Registry;

/// <summary>Computes <see cref="AddressKeys"/>: see its documentation for what each key is for.</summary>
internal static class AddressSkeleton
{
    public static AddressKeys KeysFor(string normalizedAddress)
    {
        ArgumentNullException.ThrowIfNull(normalizedAddress);
        var at = normalizedAddress.LastIndexOf('@');
        if (at <= 0 || at == normalizedAddress.Length - 1)
        {
            throw new ArgumentException("The value is not a normalized e-mail address.", nameof(normalizedAddress));
        }

        var domain = SkeletonDomain(normalizedAddress.AsSpan(at + 1));
        var local = SkeletonLocal(normalizedAddress.AsSpan(0, at), domain);
        var end = AddressKeys.OuterEndLength(local.Length);
        return new AddressKeys(
            string.Concat(local, "@", domain),
            domain,
            local[..AddressKeys.PrefixLength(local.Length)],
            local[^AddressKeys.SuffixLength(local.Length)..])
        {
            LocalOuter = end == 0 ? "" : string.Concat(local.AsSpan(0, end), local.AsSpan(local.Length - end)),
        };
    }

    /// <summary>The folded domain: punycode labels decoded first, so "xn--gmil-63d.com" (a
    /// Cyrillic "а") folds onto "gmail.com" like the Unicode spelling would.</summary>
    public static string SkeletonDomain(ReadOnlySpan<char> domain)
    {
        string display;
        if (domain.Contains("xn--", StringComparison.Ordinal))
        {
            var labels = domain.ToString().Split('.');
            var idn = AddressNormalizer.NewIdnMapping();
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i].StartsWith("xn--", StringComparison.Ordinal))
                {
                    try
                    {
                        labels[i] = idn.GetUnicode(labels[i]);
                    }
                    catch (ArgumentException)
                    {
                        // An undecodable label stays as written: it can still match itself.
                    }
                }
            }

            display = string.Join('.', labels);
        }
        else
        {
            display = domain.ToString();
        }

        return MailProviderRules.CanonicalFoldedDomain(Confusables.Fold(display));
    }

    private static string SkeletonLocal(ReadOnlySpan<char> local, string foldedDomain)
    {
        if (MailProviderRules.UsesPlusSubaddressing(foldedDomain))
        {
            var plus = local.IndexOf('+');
            if (plus > 0)
            {
                local = local[..plus];
            }
        }

        var folded = Confusables.Fold(local);
        return MailProviderRules.IgnoresDots(foldedDomain) && folded.Contains('.', StringComparison.Ordinal)
            ? folded.Replace(".", "", StringComparison.Ordinal)
            : folded;
    }
}
