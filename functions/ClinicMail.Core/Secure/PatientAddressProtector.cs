using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Core.Secure;

/// <summary>Keeps patients' addresses out of the clear in the secure-message and consent-invitation
/// tables (issue 22 item 10): a keyed hash for look-up (HMAC-SHA256 under a key derived from the
/// one-time code secret, which is held outside the database) and the address sealed with AES-256-GCM
/// under an address data key that is itself wrapped by the key-encryption key (envelope encryption).
/// A copy of the database alone reveals neither the address nor a way to test guesses.</summary>
/// <remarks>A singleton: the unwrapped data keys are cached for the life of the process (one
/// key-encryption key call per key, not per row). Sealed values name their data key, so a key made by
/// another instance at the same moment still opens.</remarks>
public sealed class PatientAddressProtector
{
    private static readonly byte[] Magic = "CMA1"u8.ToArray();
    private const int NonceLength = 12;
    private const int TagLength = 16;

    private readonly byte[] _lookupKey;
    private readonly IKeyEncryptionKey _kek;
    private readonly IAddressKeyStore _keys;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, byte[]> _unwrapped = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _currentId;

    /// <param name="codeKey">The one-time code secret; a look-up key of its own is derived from it.</param>
    /// <param name="kek">Wraps and unwraps the address data key.</param>
    /// <param name="keys">Where the wrapped address data keys are kept (the database: useless without the KEK).</param>
    /// <param name="time">Clock of the key rows.</param>
    public PatientAddressProtector(OneTimeCodeKey codeKey, IKeyEncryptionKey kek, IAddressKeyStore keys, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(codeKey);
        ArgumentNullException.ThrowIfNull(kek);
        ArgumentNullException.ThrowIfNull(keys);
        _lookupKey = codeKey.DeriveKey("patient-address-lookup-v1");
        _kek = kek;
        _keys = keys;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The look-up hash of an address (trimmed, lower case): equal addresses, equal hashes.</summary>
    public byte[] LookupHash(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return HMACSHA256.HashData(_lookupKey, Encoding.UTF8.GetBytes(address.Trim().ToLowerInvariant()));
    }

    /// <summary>Seals a text (an address, or a JSON list of them) bound to <paramref name="context"/>
    /// (table, column and row id): a sealed value copied to another row does not open there.</summary>
    public async Task<byte[]> SealAsync(string text, string context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (id, key) = await CurrentKeyAsync(cancellationToken).ConfigureAwait(false);
        var idBytes = Encoding.UTF8.GetBytes(id);
        var plaintext = Encoding.UTF8.GetBytes(text);
        var sealedValue = new byte[Magic.Length + 1 + idBytes.Length + NonceLength + plaintext.Length + TagLength];
        Magic.CopyTo(sealedValue, 0);
        sealedValue[Magic.Length] = checked((byte)idBytes.Length);
        idBytes.CopyTo(sealedValue, Magic.Length + 1);
        var at = Magic.Length + 1 + idBytes.Length;
        var nonce = sealedValue.AsSpan(at, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(nonce, plaintext, sealedValue.AsSpan(at + NonceLength, plaintext.Length), sealedValue.AsSpan(at + NonceLength + plaintext.Length, TagLength), Aad(id, context));
        CryptographicOperations.ZeroMemory(plaintext);
        return sealedValue;
    }

    /// <summary>Opens what <see cref="SealAsync"/> sealed for the same context.</summary>
    /// <exception cref="EnvelopeIntegrityException">Altered, truncated or moved from another row.</exception>
    public async Task<string> OpenAsync(byte[] sealedValue, string context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sealedValue);
        if (sealedValue.Length < Magic.Length + 1 || !sealedValue.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "a sealed address has an unknown format");
        }

        var idLength = sealedValue[Magic.Length];
        var at = Magic.Length + 1 + idLength;
        var length = sealedValue.Length - at - NonceLength - TagLength;
        if (length < 0)
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "a sealed address is truncated");
        }

        var id = Encoding.UTF8.GetString(sealedValue, Magic.Length + 1, idLength);
        var key = await KeyAsync(id, cancellationToken).ConfigureAwait(false);
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(sealedValue.AsSpan(at, NonceLength), sealedValue.AsSpan(at + NonceLength, length), sealedValue.AsSpan(at + NonceLength + length, TagLength), plaintext, Aad(id, context));
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.AuthenticationFailed, "a sealed address was altered or belongs to another row", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[] Aad(string keyId, string context) => Encoding.UTF8.GetBytes("ClinicMail/address/v1\n" + keyId + "\n" + context);

    /// <summary>The data key new values are sealed with: the oldest stored one, made (and wrapped) on first use.</summary>
    private async Task<(string Id, byte[] Key)> CurrentKeyAsync(CancellationToken cancellationToken)
    {
        if (_currentId is { } known && _unwrapped.TryGetValue(known, out var cached))
        {
            return (known, cached);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await _keys.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            if (stored.Count == 0)
            {
                var fresh = RandomNumberGenerator.GetBytes(32);
                try
                {
                    var wrapped = await _kek.WrapAsync(fresh, cancellationToken).ConfigureAwait(false);
                    // Two instances may both add one; both keys stay readable and everyone converges on the oldest.
                    await _keys.AddAsync(new StoredAddressKey("ak_" + Guid.CreateVersion7().ToString("N"), wrapped), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(fresh);
                }

                stored = await _keys.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            }

            var current = stored.OrderBy(k => k.Id, StringComparer.Ordinal).First();
            var key = await UnwrapAsync(current, cancellationToken).ConfigureAwait(false);
            _currentId = current.Id;
            return (current.Id, key);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> KeyAsync(string id, CancellationToken cancellationToken)
    {
        if (_unwrapped.TryGetValue(id, out var cached))
        {
            return cached;
        }

        var stored = (await _keys.ReadAllAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => string.Equals(k.Id, id, StringComparison.Ordinal))
            ?? throw new EnvelopeKeyException("The address data key named by a sealed address is missing.");
        return await UnwrapAsync(stored, cancellationToken).ConfigureAwait(false);
    }

    private async Task<byte[]> UnwrapAsync(StoredAddressKey stored, CancellationToken cancellationToken)
    {
        if (_unwrapped.TryGetValue(stored.Id, out var cached))
        {
            return cached;
        }

        var key = await _kek.UnwrapAsync(stored.Wrapped, cancellationToken).ConfigureAwait(false);
        return _unwrapped.GetOrAdd(stored.Id, key);
    }
}

/// <summary>Where the wrapped address data keys live (a table of the database: each row is useless
/// without the key-encryption key).</summary>
public interface IAddressKeyStore
{
    Task<IReadOnlyList<StoredAddressKey>> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a key (a key with the same id already there is kept).</summary>
    Task AddAsync(StoredAddressKey key, DateTimeOffset createdAt, CancellationToken cancellationToken = default);
}

/// <summary>An address data key as stored: its id and its wrapped form.</summary>
public sealed record StoredAddressKey(string Id, WrappedKey Wrapped);
