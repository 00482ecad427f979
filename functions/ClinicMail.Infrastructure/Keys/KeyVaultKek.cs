using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Infrastructure.Keys;

/// <summary>The production key-encryption key: an RSA(-HSM) key in Azure Key Vault, used through
/// the Key Vault REST API (api-version 7.6) over Azure.Core's pipeline (bearer token from a
/// <see cref="TokenCredential"/>, retries on 429/5xx honouring Retry-After, diagnostics that redact
/// the Authorization header). The private key never leaves the vault: data keys travel to it to be
/// wrapped and unwrapped, digests to be signed. Signatures are verified locally with the public key
/// the vault publishes for each version (cached: a version's key never changes).
/// <para>Create with <see cref="CreateAsync"/>, which reads the current version. A rotation done in
/// the vault is picked up after <see cref="KeyVaultKekOptions.CurrentVersionRefreshInterval"/> or on
/// <see cref="RefreshAsync"/>; wrapped keys name their version, so older versions keep unwrapping.</para>
/// Thread-safe; one instance per process.</summary>
public sealed class KeyVaultKek : IKeyEncryptionKey
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _vaultUri;
    private readonly string _keyName;
    private readonly KeyVaultKekOptions _options;
    private readonly ConcurrentDictionary<string, RSAParameters> _publicKeys = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private CurrentVersion _current;

    private sealed record CurrentVersion(string Kid, DateTimeOffset ReadAt);

    private KeyVaultKek(HttpPipeline pipeline, Uri vaultUri, string keyName, KeyVaultKekOptions options)
    {
        _pipeline = pipeline;
        _vaultUri = vaultUri;
        _keyName = keyName;
        _options = options;
        _current = new CurrentVersion(string.Empty, DateTimeOffset.MinValue);
    }

    /// <summary>Connects to the key <paramref name="keyName"/> in the vault at <paramref name="vaultUri"/>
    /// and reads its current version.</summary>
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
        var pipeline = HttpPipelineBuilder.Build(options, new KeyVaultChallengePolicy(credential, options.Audience));
        var kek = new KeyVaultKek(pipeline, new Uri(vaultUri.GetLeftPart(UriPartial.Authority) + "/"), keyName, options);
        await kek.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return kek;
    }

    /// <summary>The current key version's id: "https://{vault}/keys/{name}/{version}".</summary>
    public string KeyId => Volatile.Read(ref _current).Kid;

    /// <summary>Reads the key's current version from the vault (after a rotation).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var key = await GetKeyAsync(version: null, cancellationToken).ConfigureAwait(false);
        if (!key.Enabled)
        {
            throw new KeyProviderException(KeyProviderFailure.Rejected, "get key", "the current key version is disabled");
        }

        _publicKeys.TryAdd(key.Kid, key.Parameters);
        Volatile.Write(ref _current, new CurrentVersion(key.Kid, _options.TimeProvider.GetUtcNow()));
    }

    public async Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken = default)
    {
        var kid = await CurrentKidAsync(cancellationToken).ConfigureAwait(false);
        var (resultKid, value) = await OperationAsync(kid, "wrapkey", KeyAlgorithms.RsaOaep256, dataKey, cancellationToken).ConfigureAwait(false);
        return new WrappedKey { KeyId = resultKid, Algorithm = KeyAlgorithms.RsaOaep256, Value = value };
    }

    public async Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        if (!string.Equals(wrapped.Algorithm, KeyAlgorithms.RsaOaep256, StringComparison.Ordinal))
        {
            throw new KeyProviderException(KeyProviderFailure.Rejected, "unwrapkey", "unsupported wrap algorithm");
        }

        var (_, value) = await OperationAsync(OwnKeyVersionUri(wrapped.KeyId, "unwrapkey"), "unwrapkey", KeyAlgorithms.RsaOaep256, wrapped.Value, cancellationToken).ConfigureAwait(false);
        return value;
    }

    public async Task<KeySignature> SignAsync(ReadOnlyMemory<byte> digest32, CancellationToken cancellationToken = default)
    {
        LocalKeyFileKek.RequireDigest(digest32);
        var kid = await CurrentKidAsync(cancellationToken).ConfigureAwait(false);
        var (resultKid, value) = await OperationAsync(kid, "sign", KeyAlgorithms.Rs256, digest32, cancellationToken).ConfigureAwait(false);
        return new KeySignature { KeyId = resultKid, Algorithm = KeyAlgorithms.Rs256, Value = value };
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
            var key = await GetKeyAsync(versionUri, cancellationToken).ConfigureAwait(false);
            parameters = _publicKeys.GetOrAdd(key.Kid, key.Parameters);
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

    private async Task<(string Kid, byte[] Value)> OperationAsync(Uri versionUri, string operation, string algorithm, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var body = KeyVaultWire.OperationRequest(algorithm, value.Span);
        var uri = new Uri(versionUri.AbsoluteUri.TrimEnd('/') + "/" + operation);
        byte[] response;
        try
        {
            response = await SendAsync(RequestMethod.Post, uri, body, operation, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The request body of a wrap holds the base64url data key.
            CryptographicOperations.ZeroMemory(body);
        }

        try
        {
            var result = KeyVaultWire.ReadOperationResult(response);
            if (!string.Equals(result.Kid, versionUri.AbsoluteUri, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(new Uri(result.Kid).AbsoluteUri, versionUri.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException("the response names another key version");
            }

            return result;
        }
        catch (Exception ex) when (ex is FormatException or UriFormatException)
        {
            throw new KeyProviderException(KeyProviderFailure.BadResponse, operation, ex.Message, 200, ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(response);
        }
    }

    private async Task<KeyVaultPublicKey> GetKeyAsync(Uri? version, CancellationToken cancellationToken)
    {
        var uri = version ?? new Uri(_vaultUri, "keys/" + Uri.EscapeDataString(_keyName));
        var response = await SendAsync(RequestMethod.Get, uri, null, "get key", cancellationToken).ConfigureAwait(false);
        try
        {
            var key = KeyVaultWire.ReadKeyBundle(response);
            _ = OwnKeyVersionUri(key.Kid, "get key");
            return key;
        }
        catch (FormatException ex)
        {
            throw new KeyProviderException(KeyProviderFailure.BadResponse, "get key", ex.Message, 200, ex);
        }
    }

    private async Task<byte[]> SendAsync(RequestMethod method, Uri uri, byte[]? body, string operation, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        var builder = new RequestUriBuilder();
        builder.Reset(uri);
        builder.AppendQuery("api-version", _options.ServiceVersion);
        request.Uri = builder;
        request.Headers.Add(HttpHeader.Common.JsonContentType);
        request.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            request.Content = RequestContent.Create(body);
        }

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationFailedException or CredentialUnavailableException)
        {
            throw new KeyProviderException(KeyProviderFailure.Unauthorized, operation, "no token could be obtained for Key Vault (" + ex.GetType().Name + ")", inner: ex);
        }
        catch (RequestFailedException ex)
        {
            throw new KeyProviderException(KeyProviderFailure.Unavailable, operation, "Key Vault could not be reached", inner: ex);
        }

        var response = message.Response;
        var content = response.Content.ToArray();
        if (response.Status is >= 200 and < 300)
        {
            return content;
        }

        var code = Sanitize(KeyVaultWire.ReadErrorCode(content));
        CryptographicOperations.ZeroMemory(content);
        var failure = response.Status switch
        {
            401 or 403 => KeyProviderFailure.Unauthorized,
            404 => KeyProviderFailure.KeyNotFound,
            400 or 409 or 422 => KeyProviderFailure.Rejected,
            429 => KeyProviderFailure.Throttled,
            >= 500 => KeyProviderFailure.Unavailable,
            _ => KeyProviderFailure.BadResponse,
        };
        var detail = string.Create(CultureInfo.InvariantCulture, $"Key Vault answered {response.Status} {code ?? "(no error code)"}");
        if (failure is KeyProviderFailure.Throttled or KeyProviderFailure.Unavailable)
        {
            detail += string.Create(CultureInfo.InvariantCulture, $" after {_options.Retry.MaxRetries} retries");
        }

        throw new KeyProviderException(failure, operation, detail, response.Status);
    }

    /// <summary>Error codes are short identifiers; anything else is dropped rather than echoed.</summary>
    private static string? Sanitize(string? code) =>
        code is { Length: > 0 and <= 64 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ? code : null;
}
