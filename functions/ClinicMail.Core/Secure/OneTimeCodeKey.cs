using System.Security.Cryptography;
using System.Text;

namespace ClinicMail.Core.Secure;

/// <summary>The server secret that keys one-time code hashes. A code has only 10^6–10^9 values, so a
/// hash keyed with something stored in the same row (the salt) is brute-forced from a database copy
/// in seconds; keyed with this secret, held outside the database, the copy reveals nothing.</summary>
/// <remarks>A singleton; the key lives as long as the process.</remarks>
public sealed class OneTimeCodeKey
{
    private readonly byte[] _key;

    public OneTimeCodeKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException("The one-time code key must be at least 32 bytes.", nameof(key));
        }

        _key = [.. key];
    }

    /// <summary>HMAC-SHA256 under the server secret of the per-code salt, the access id and the code:
    /// one hash is useless for another access or another code.</summary>
    public byte[] Hash(string code, byte[] salt, string accessId)
    {
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(accessId);
        var message = new byte[salt.Length + Encoding.UTF8.GetByteCount(accessId) + 1 + Encoding.UTF8.GetByteCount(code ?? "")];
        salt.CopyTo(message, 0);
        var at = salt.Length + Encoding.UTF8.GetBytes(accessId, message.AsSpan(salt.Length));
        message[at++] = (byte)':';
        Encoding.UTF8.GetBytes(code ?? "", message.AsSpan(at));
        return HMACSHA256.HashData(_key, message);
    }

    /// <summary>A key of its own for another purpose, derived from the same server secret (HMAC-SHA256 of
    /// the purpose's name): the secret stays in one place outside the database, and a key for one use
    /// says nothing about another.</summary>
    public byte[] DeriveKey(string purpose)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("clinicmail/derived-key/" + purpose));
    }

    /// <summary>Constant-time comparison of a typed code (digits only are kept) with the stored hash.</summary>
    public bool Matches(string? typed, byte[] salt, string accessId, byte[] storedHash)
    {
        ArgumentNullException.ThrowIfNull(storedHash);
        var normalized = new string([.. (typed ?? "").Where(char.IsAsciiDigit)]);
        return CryptographicOperations.FixedTimeEquals(Hash(normalized, salt, accessId), storedHash);
    }
}
