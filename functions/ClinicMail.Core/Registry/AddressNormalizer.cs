namespace ClinicMail.Core.Registry;

/// <summary>One normal form for addresses, used by every store and every comparison.</summary>
public static class AddressNormalizer
{
    /// <summary>The normalized address (trimmed, lower-case, IDN domain in its ASCII form), or null
    /// when <paramref name="raw"/> is not a syntactically valid e-mail address.</summary>
    public static string? Normalize(string? raw) => throw new NotImplementedException("address normalization: in progress");
}

internal static class AddressSkeleton
{
    public static AddressKeys KeysFor(string normalizedAddress) => throw new NotImplementedException("address keys: in progress");
}
