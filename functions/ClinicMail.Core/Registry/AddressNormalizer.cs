using System.Globalization;
using System.Text;

namespace ClinicMail.Core.Registry;

/// <summary>One normal form for addresses, used by every store and every comparison.</summary>
/// <remarks>Fails closed: anything we cannot parse with confidence is reported as invalid rather
/// than guessed at, so the check never matches a registry entry on a half-understood address.
/// Quoted local parts and address literals (<c>user@[192.0.2.1]</c>) are valid in RFC 5321 but
/// no patient mailbox uses them; they are rejected.</remarks>
public static class AddressNormalizer
{
    /// <summary>RFC 5321 §4.5.3.1.1.</summary>
    public const int MaxLocalLength = 64;

    /// <summary>RFC 5321 §4.5.3.1.2 (domain in its ASCII form).</summary>
    public const int MaxDomainLength = 255;

    /// <summary>RFC 5321 forward-path limit (256) less the angle brackets.</summary>
    public const int MaxAddressLength = 254;

    private const int MaxLabelLength = 63;

    /// <summary>The normalized address (trimmed, lower-case, IDN domain in its ASCII form), or null
    /// when <paramref name="raw"/> is not a syntactically valid e-mail address.</summary>
    public static string? Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var address = StripWrapper(raw.AsSpan().Trim());
        if (address.IsEmpty || address.Length > 4 * MaxAddressLength)
        {
            return null;
        }

        var at = address.IndexOf('@');
        if (at <= 0 || at != address.LastIndexOf('@') || at == address.Length - 1)
        {
            return null;
        }

        var local = NormalizeLocal(address[..at]);
        var domain = NormalizeDomain(address[(at + 1)..]);
        if (local is null || domain is null)
        {
            return null;
        }

        var result = string.Concat(local, "@", domain);
        return result.Length <= MaxAddressLength ? result : null;
    }

    /// <summary>The domain of an address <see cref="Normalize"/> returned (everything after the "@").</summary>
    public static string Domain(string normalizedAddress)
    {
        ArgumentNullException.ThrowIfNull(normalizedAddress);
        return normalizedAddress[(normalizedAddress.LastIndexOf('@') + 1)..];
    }

    /// <summary>The local part of an address <see cref="Normalize"/> returned (everything before the "@").</summary>
    public static string LocalPart(string normalizedAddress)
    {
        ArgumentNullException.ThrowIfNull(normalizedAddress);
        var at = normalizedAddress.LastIndexOf('@');
        return at < 0 ? normalizedAddress : normalizedAddress[..at];
    }

    /// <summary>A domain in the same normal form as the domain of a normalized address (lower-case,
    /// ASCII/punycode), or null when it is not a valid mail domain. Accepts a leading "@" so an
    /// administrator may write internal domains either way.</summary>
    public static string? NormalizeDomain(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var span = raw.AsSpan().Trim();
        if (span.StartsWith("@"))
        {
            span = span[1..];
        }

        return NormalizeDomain(span);
    }

    /// <summary>True when <paramref name="domain"/> equals <paramref name="parent"/> or is one of its
    /// subdomains (label boundary respected: "evilclinic.med" is not under "clinic.med"). Both must
    /// be normalized.</summary>
    public static bool IsSameOrSubdomain(string domain, string parent)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(parent);
        if (parent.Length == 0)
        {
            return false;
        }

        return domain.Length == parent.Length
            ? string.Equals(domain, parent, StringComparison.Ordinal)
            : domain.Length > parent.Length
                && domain.EndsWith(parent, StringComparison.Ordinal)
                && domain[domain.Length - parent.Length - 1] == '.';
    }

    /// <summary>"Jean Tremblay &lt;jean@example.com&gt;" → "jean@example.com"; a "mailto:" prefix is
    /// dropped as well because Outlook and browsers hand us either form.</summary>
    private static ReadOnlySpan<char> StripWrapper(ReadOnlySpan<char> value)
    {
        if (value.EndsWith(">"))
        {
            var open = value.LastIndexOf('<');
            if (open < 0)
            {
                return [];
            }

            value = value[(open + 1)..^1].Trim();
        }

        if (value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
        {
            value = value[7..].Trim();
        }

        return value;
    }

    private static string? NormalizeLocal(ReadOnlySpan<char> local)
    {
        if (local.IsEmpty || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        var ascii = true;
        foreach (var c in local)
        {
            if (c < 0x80)
            {
                if (!IsAtext(c) && c != '.')
                {
                    return null;
                }
            }
            else
            {
                ascii = false;
            }
        }

        string result;
        if (ascii)
        {
            result = ToLowerAscii(local);
        }
        else
        {
            // RFC 6531 (SMTPUTF8) lets a local part hold any printable Unicode. We accept letters,
            // digits and combining marks only: that is what real internationalised mailboxes use,
            // and it keeps homoglyph local parts (Cyrillic "а" for "a") parseable so the check
            // can call them look-alikes instead of a mere "invalid".
            var composed = local.ToString().Normalize(NormalizationForm.FormC);
            foreach (var rune in composed.EnumerateRunes())
            {
                if (rune.Value < 0x80)
                {
                    continue;
                }

                var category = Rune.GetUnicodeCategory(rune);
                var allowed = Rune.IsLetterOrDigit(rune)
                    || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
                if (!allowed)
                {
                    return null;
                }
            }

            result = composed.ToLowerInvariant();
        }

        return Encoding.UTF8.GetByteCount(result) <= MaxLocalLength ? result : null;
    }

    private static string? NormalizeDomain(ReadOnlySpan<char> domain)
    {
        if (domain.EndsWith("."))
        {
            // The DNS root dot ("example.com.") names the same domain.
            domain = domain[..^1];
        }

        if (domain.IsEmpty || domain.Length > MaxDomainLength * 4)
        {
            return null;
        }

        string ascii;
        if (IsAscii(domain))
        {
            ascii = ToLowerAscii(domain);
        }
        else
        {
            try
            {
                // Maps full-width and other compatibility forms, lower-cases and NFC-normalizes
                // (UTS #46), then encodes each non-ASCII label as punycode (xn--).
                ascii = NewIdnMapping().GetAscii(domain.ToString()).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        return IsValidAsciiDomain(ascii) ? ascii : null;
    }

    private static bool IsValidAsciiDomain(string domain)
    {
        if (domain.Length > MaxDomainLength)
        {
            return false;
        }

        var labels = 0;
        var start = 0;
        var lastLabelAllDigits = false;
        while (start <= domain.Length)
        {
            var end = domain.IndexOf('.', start);
            if (end < 0)
            {
                end = domain.Length;
            }

            var label = domain.AsSpan(start, end - start);
            if (label.IsEmpty || label.Length > MaxLabelLength || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            var allDigits = true;
            foreach (var c in label)
            {
                if (c is >= '0' and <= '9')
                {
                    continue;
                }

                allDigits = false;
                if (c is not ((>= 'a' and <= 'z') or '-'))
                {
                    return false;
                }
            }

            if (label.Length >= 4 && label[2] == '-' && label[3] == '-' && !label.StartsWith("xn--", StringComparison.Ordinal))
            {
                // Reserved by IDNA 2008 ("ab--"): never a real registered host name.
                return false;
            }

            if (label.StartsWith("xn--", StringComparison.Ordinal) && !IsDecodablePunycode(label))
            {
                return false;
            }

            labels++;
            lastLabelAllDigits = allDigits;
            start = end + 1;
        }

        // A mail domain on the Internet has a top-level domain, and no top-level domain is numeric
        // (that would be an IPv4 address written without brackets).
        return labels >= 2 && !lastLabelAllDigits;
    }

    private static bool IsDecodablePunycode(ReadOnlySpan<char> label)
    {
        try
        {
            _ = NewIdnMapping().GetUnicode(label.ToString());
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>UseStd3AsciiRules: only letters, digits and hyphens in host labels, which is what
    /// mail domains may hold. A fresh instance per use because IdnMapping does not document its
    /// instance members as thread-safe; only non-ASCII and xn-- domains get here, so it is rare.</summary>
    internal static IdnMapping NewIdnMapping() => new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>RFC 5322 atext.</summary>
    private static bool IsAtext(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '/' or '='
            or '?' or '^' or '_' or '`' or '{' or '|' or '}' or '~';

    private static bool IsAscii(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c >= 0x80)
            {
                return false;
            }
        }

        return true;
    }

    private static string ToLowerAscii(ReadOnlySpan<char> value) =>
        string.Create(value.Length, value, static (destination, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                destination[i] = c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
            }
        });
}
