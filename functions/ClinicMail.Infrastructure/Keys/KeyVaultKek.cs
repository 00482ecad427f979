using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Keys;
using Azure.Security.KeyVault.Keys.Cryptography;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Infrastructure.Keys;

/// <summary>The production key-encryption key: an RSA(-HSM) key in Azure Key Vault, used through
/// the Key Vault SDK (Azure.Security.KeyVault.Keys: <see cref="KeyClient"/> for the key and its
/// versions, <see cref="CryptographyClient"/> for wrap, unwrap and sign; Azure.Core's retries
/// honouring Retry-After; the SDK's challenge-based authentication, which learns the vault's tenant
/// and checks that the challenge names the vault's own domain). The private key never leaves the
/// vault: data keys travel to it to be wrapped and unwrapped, digests to be signed. Signatures are
/// verified locally with the public key the vault publishes for each version (cached: a version's
/// key never changes).
/// <para>Create with <see cref="CreateAsync"/>, which reads the current version. A rotation done in
/// the vault is picked up after <see cref="KeyVaultKekOptions.CurrentVersionRefreshInterval"/> or on
/// <see cref="RefreshAsync"/>; wrapped keys name their version, so older versions keep unwrapping.</para>
/// Thread-safe; one instance per process.</summary>
public sealed class KeyVaultKek : IKeyEncryptionKey
{
    private readonly KeyClient _keys;
    private readonly Uri _vaultUri;
    private readonly string _keyName;
    private readonly KeyVaultKekOptions _options;
    private readonly ConcurrentDictionary<string, RSAParameters> _publicKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CryptographyClient> _crypto = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private CurrentVersion _current;

    private sealed record CurrentVersion(string Kid, DateTimeOffset ReadAt);

    private KeyVaultKek(KeyClient keys, Uri vaultUri, string keyName, KeyVaultKekOptions options)
    {
        _keys = keys;
        _vaultUri = vaultUri;
        _keyName = keyName;
        _options = options;
        _current = new CurrentVersion(string.Empty, DateTimeOffset.MinValue);
    }

    /// <summary>Connects to the key <paramref name="keyName"/> in the vault at <paramref name="vaultUri"/>
    /// and reads its current version.</summary>
    /// <remarks>The SDK checks that an authentication challenge names the vault's own domain; a
    /// vault on a loopback address (the local test server) cannot pass that check, so it is turned
    /// off for loopback only. Tokens are bound to <see cref="KeyVaultKekOptions.Audience"/> either way.</remarks>
    /// <exception cref="ArgumentException">The vault URI is not https or the key name is empty.</exception>
    /// <exception cref="KeyProviderException">The vault refused or could not be reached.</exception>
    public static async Task<KeyVaultKek> CreateAsync(
        Uri vaultUri,
        string keyName,
        TokenCredential credential,
        KeyVaultKekOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vaultUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyName);
        ArgumentNullException.ThrowIfNull(credential);
        if (vaultUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("The Key Vault URI must use https.", nameof(vaultUri));
        }

        if (keyName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("The key name is a name, not a path.", nameof(keyName));
        }

        options ??= new KeyVaultKekOptions();
        options.DisableChallengeResourceVerification = vaultUri.IsLoopback;
        var root = new Uri(vaultUri.GetLeftPart(UriPartial.Authority) + "/");
        var keys = new KeyClient(root, new AudienceBoundCredential(credential, options.Audience), options);
        var kek = new KeyVaultKek(keys, root, keyName, options);
        await kek.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return kek;
    }

    /// <summary>The current key version's id: "https://{vault}/keys/{name}/{version}".</summary>
    public string KeyId => Volatile.Read(ref _current).Kid;

    /// <summary>Reads the key's current version from the vault (after a rotation).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var key = await CallAsync("get key", async ct => (await _keys.GetKeyAsync(_keyName, version: null, ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
        var (kid, parameters) = Read(key);
        if (key.Properties.Enabled != true)
        {
            throw new KeyProviderException(KeyProviderFailure.Rejected, "get key", "the current key version is disabled");
        }

        _publicKeys.TryAdd(kid, parameters);
        Volatile.Write(ref _current, new CurrentVersion(kid, _options.TimeProvider.GetUtcNow()));
    }

    public async Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken = default)
    {
        var kid = await CurrentKidAsync(cancellationToken).ConfigureAwait(false);
        var key = dataKey.ToArray();
        try
        {
            var result = await CallAsync("wrapkey", ct => Crypto(kid).WrapKeyAsync(KeyWrapAlgorithm.RsaOaep256, key, ct), cancellationToken).ConfigureAwait(false);
            return new WrappedKey { KeyId = SameVersion(kid, result.KeyId, "wrapkey"), Algorithm = KeyAlgorithms.RsaOaep256, Value = result.EncryptedKey };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public async Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        if (!string.Equals(wrapped.Algorithm, KeyAlgorithms.RsaOaep256, StringComparison.Ordinal))
        {
            throw new KeyProviderException(KeyProviderFailure.Rejected, "unwrapkey", "unsupported wrap algorithm");
        }

        var kid = OwnKeyVersionUri(wrapped.KeyId, "unwrapkey");
        var result = await CallAsync("unwrapkey", ct => Crypto(kid).UnwrapKeyAsync(KeyWrapAlgorithm.RsaOaep256, wrapped.Value, ct), cancellationToken).ConfigureAwait(false);
        try
        {
            SameVersion(kid, result.KeyId, "unwrapkey");
        }
        catch (KeyProviderException)
        {
            CryptographicOperations.ZeroMemory(result.Key);
            throw;
        }

        return result.Key;
    }

    public async Task<KeySignature> SignAsync(ReadOnlyMemory<byte> digest32, CancellationToken cancellationToken = default)
    {
        LocalKeyFileKek.RequireDigest(digest32);
        var kid = await CurrentKidAsync(cancellationToken).ConfigureAwait(false);
        var digest = digest32.ToArray();
        var result = await CallAsync("sign", ct => Crypto(kid).SignAsync(SignatureAlgorithm.RS256, digest, ct), cancellationToken).ConfigureAwait(false);
        return new KeySignature { KeyId = SameVersion(kid, result.KeyId, "sign"), Algorithm = KeyAlgorithms.Rs256, Value = result.Signature };
    }

    /// <summary>Verified here with the version's public key (fetched once), not by a vault call.</summary>
    public async Task<bool> VerifyAsync(ReadOnlyMemory<byte> digest32, KeySignature signature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signature);
        LocalKeyFileKek.RequireDigest(digest32);
        var versionUri = OwnKeyVersionUri(signature.KeyId, "verify");
        if (!string.Equals(signature.Algorithm, KeyAlgorithms.Rs256, StringComparison.Ordinal))
        {
            return false;
        }

        if (!_publicKeys.TryGetValue(versionUri.AbsoluteUri, out var parameters))
        {
            var version = versionUri.AbsolutePath.Trim('/').Split('/')[2];
            var key = await CallAsync("get key", async ct => (await _keys.GetKeyAsync(_keyName, version, ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
            var (kid, read) = Read(key);
            parameters = _publicKeys.GetOrAdd(kid, read);
        }

        using var rsa = RSA.Create(parameters);
        return rsa.VerifyHash(digest32.Span, signature.Value, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private async Task<Uri> CurrentKidAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (_options.TimeProvider.GetUtcNow() - current.ReadAt >= _options.CurrentVersionRefreshInterval)
        {
            await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (Volatile.Read(ref _current) == current)
                {
                    await RefreshAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _refreshLock.Release();
            }
        }

        return new Uri(KeyId);
    }

    /// <summary>One operations client per key version, sharing the key client's pipeline.</summary>
    private CryptographyClient Crypto(Uri versionUri) =>
        _crypto.GetOrAdd(versionUri.AbsoluteUri, _ => _keys.GetCryptographyClient(_keyName, versionUri.AbsolutePath.Trim('/').Split('/')[2]));

    /// <summary>The key's id and public parameters, after checking it is a version of our key.</summary>
    private (string Kid, RSAParameters Parameters) Read(KeyVaultKey key)
    {
        try
        {
            var kid = OwnKeyVersionUri(key.Id?.AbsoluteUri ?? "", "get key").AbsoluteUri;
            using var rsa = key.Key.ToRSA();
            return (kid, rsa.ExportParameters(includePrivateParameters: false));
        }
        catch (Exception ex) when (ex is InvalidOperationException or CryptographicException or ArgumentException)
        {
            throw new KeyProviderException(KeyProviderFailure.BadResponse, "get key", "the vault's key is not an RSA key", 200, ex);
        }
    }

    /// <summary>The vault must answer with the version it was asked for.</summary>
    private static string SameVersion(Uri asked, string? answered, string operation)
    {
        if (answered is not null && Uri.TryCreate(answered, UriKind.Absolute, out var uri)
            && string.Equals(uri.AbsoluteUri, asked.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
        {
            return asked.AbsoluteUri;
        }

        throw new KeyProviderException(KeyProviderFailure.BadResponse, operation, "the response names another key version", 200);
    }

    /// <summary>A key id from a stored record, accepted only if it names a version of our key in our
    /// vault: a tampered record must not make us send a wrapped key, or our token, elsewhere.</summary>
    private Uri OwnKeyVersionUri(string keyId, string operation)
    {
        if (Uri.TryCreate(keyId, UriKind.Absolute, out var uri)
            && Uri.Compare(uri, _vaultUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
        {
            var segments = uri.AbsolutePath.Trim('/').Split('/');
            if (segments is ["keys", var name, var version]
                && string.Equals(name, _keyName, StringComparison.OrdinalIgnoreCase)
                && version.Length > 0 && version.All(char.IsAsciiLetterOrDigit))
            {
                return uri;
            }
        }

        throw new KeyProviderException(KeyProviderFailure.KeyNotFound, operation, "the key id does not name a version of the configured Key Vault key");
    }

    /// <summary>Runs one SDK call and turns its failures into <see cref="KeyProviderException"/>s
    /// that name the status and the vault's error code, never a token, a key or a value.</summary>
    private async Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationFailedException or CredentialUnavailableException)
        {
            throw new KeyProviderException(KeyProviderFailure.Unauthorized, operation, "no token could be obtained for Key Vault (" + ex.GetType().Name + ")", inner: ex);
        }
        catch (RequestFailedException ex) when (ex.Status == 0)
        {
            throw new KeyProviderException(KeyProviderFailure.Unavailable, operation, "Key Vault could not be reached", inner: ex);
        }
        catch (RequestFailedException ex)
        {
            var failure = ex.Status switch
            {
                401 or 403 => KeyProviderFailure.Unauthorized,
                404 => KeyProviderFailure.KeyNotFound,
                400 or 409 or 422 => KeyProviderFailure.Rejected,
                429 => KeyProviderFailure.Throttled,
                >= 500 => KeyProviderFailure.Unavailable,
                _ => KeyProviderFailure.BadResponse,
            };
            var detail = string.Create(CultureInfo.InvariantCulture, $"Key Vault answered {ex.Status} {Sanitize(ex.ErrorCode) ?? "(no error code)"}");
            if (failure is KeyProviderFailure.Throttled or KeyProviderFailure.Unavailable)
            {
                detail += string.Create(CultureInfo.InvariantCulture, $" after {_options.Retry.MaxRetries} retries");
            }

            throw new KeyProviderException(failure, operation, detail, ex.Status, ex);
        }
        catch (InvalidOperationException ex)
        {
            // The SDK refuses a challenge that names another domain than the vault's.
            throw new KeyProviderException(KeyProviderFailure.Unauthorized, operation, "Key Vault's authentication challenge was refused (" + ex.GetType().Name + ")", 401, ex);
        }
    }

    /// <summary>Error codes are short identifiers; anything else is dropped rather than echoed.</summary>
    private static string? Sanitize(string? code) =>
        code is { Length: > 0 and <= 64 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ? code : null;
}
