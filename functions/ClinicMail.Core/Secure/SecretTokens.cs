using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ClinicMail.Core.Secure;

/// <summary>Link tokens, one-time codes and session ids. Only hashes are stored: a copy of the
/// database opens nothing.</summary>
public static class SecretTokens
{
    /// <summary>256 random bits (the issue asks for at least 128), base64url: 43 characters.</summary>
    public static string NewLinkToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the token text. A token is uniformly random, so a plain hash suffices
    /// (nothing to brute-force); the hash is the look-up key.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>True when the text has the shape of a token (cheap check before any look-up).</summary>
    public static bool LooksLikeToken(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A uniformly random numeric code of <paramref name="digits"/> digits.</summary>
    public static string NewCode(int digits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 9);
        var max = (int)Math.Pow(10, digits);
        return RandomNumberGenerator.GetInt32(max).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }
}
