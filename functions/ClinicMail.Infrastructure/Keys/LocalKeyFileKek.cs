using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Infrastructure.Keys;

/// <summary>The development key-encryption key: an RSA-3072 key in a PEM (PKCS#8) file, created on
/// first run, owner-only (0600). It exists so ClinicMail runs on one machine without a cloud; it is
/// refused unless the configuration says development, because a key on the application's disk is
/// exactly what the production design (RSA-HSM key in Key Vault) avoids.
/// <para>Key ids are "local:" plus the base64url SHA-256 thumbprint of the public key, so a key id
/// names one key and never changes. <see cref="Rotate"/> renames the current file to
/// "&lt;file&gt;.&lt;thumbprint&gt;.retired" and creates a new one; retired keys still unwrap and verify.</para></summary>
public sealed class LocalKeyFileKek : IKeyEncryptionKey, IDisposable
{
    private const int KeySizeBits = 3072;
    private const string RetiredSuffix = ".retired";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly Dictionary<string, RSA> _keys;
    private readonly RSA _current;

    private LocalKeyFileKek(string currentKeyId, Dictionary<string, RSA> keys)
    {
        KeyId = currentKeyId;
        _keys = keys;
        _current = keys[currentKeyId];
    }

    public string KeyId { get; }

    /// <summary>Every key id this file set can unwrap with, current first.</summary>
    public IReadOnlyList<string> KnownKeyIds => [KeyId, .. _keys.Keys.Where(k => k != KeyId).Order(StringComparer.Ordinal)];

    /// <summary>Opens the key at <paramref name="path"/>, creating it (mode 0600) if absent, with the
    /// retired keys next to it.</summary>
    /// <param name="path">The key file (e.g. ".data/keys/kek.pem"); its folder is created owner-only if absent.</param>
    /// <param name="allowDevelopmentKeys">The caller's configuration flag; false refuses.</param>
    /// <exception cref="KeyProviderException"><see cref="KeyProviderFailure.Misconfigured"/>: not allowed
    /// outside development, a file readable by group or others, or not an RSA-3072+ private key.</exception>
    public static LocalKeyFileKek OpenOrCreate(string path, bool allowDevelopmentKeys)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        RequireDevelopment(allowDevelopmentKeys);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            TryCreate(path);
        }

        var keys = new Dictionary<string, RSA>(StringComparer.Ordinal);
        try
        {
            var current = Load(path);
            var currentId = KeyIdOf(current);
            keys[currentId] = current;
            foreach (var retiredPath in RetiredFiles(path))
            {
                var retired = Load(retiredPath);
                if (!keys.TryAdd(KeyIdOf(retired), retired))
                {
                    retired.Dispose();
                }
            }

            return new LocalKeyFileKek(currentId, keys);
        }
        catch
        {
            foreach (var key in keys.Values)
            {
                key.Dispose();
            }

            throw;
        }
    }

    /// <summary>Retires the current key (kept for unwrap and verify) and creates a new current key.
    /// Existing envelopes keep working; run a rewrap to move their data keys to the new key.</summary>
    /// <returns>The new current key id.</returns>
    public static string Rotate(string path, bool allowDevelopmentKeys)
    {
        using (var existing = OpenOrCreate(path, allowDevelopmentKeys))
        {
            path = Path.GetFullPath(path);
            var thumbprint = existing.KeyId["local:".Length..];
            File.Move(path, $"{path}.{thumbprint}{RetiredSuffix}");
        }

        using var rotated = OpenOrCreate(path, allowDevelopmentKeys);
        return rotated.KeyId;
    }

    public Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken = default)
    {
        byte[] wrapped;
        lock (_current)
        {
            wrapped = _current.Encrypt(dataKey.Span, RSAEncryptionPadding.OaepSHA256);
        }

        return Task.FromResult(new WrappedKey { KeyId = KeyId, Algorithm = KeyAlgorithms.RsaOaep256, Value = wrapped });
    }

    public Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        var key = Find(wrapped.KeyId, "unwrapkey");
        if (!string.Equals(wrapped.Algorithm, KeyAlgorithms.RsaOaep256, StringComparison.Ordinal))
        {
            throw new KeyProviderException(KeyProviderFailure.Rejected, "unwrapkey", "unsupported wrap algorithm");
        }

        try
        {
            lock (key)
            {
                return Task.FromResult(key.Decrypt(wrapped.Value, RSAEncryptionPadding.OaepSHA256));
            }
        }
        catch (CryptographicException ex)
        {
            throw new KeyProviderException(KeyProviderFailure.Rejected, "unwrapkey", "the key could not unwrap this value", inner: ex);
        }
    }

    public Task<KeySignature> SignAsync(ReadOnlyMemory<byte> digest32, CancellationToken cancellationToken = default)
    {
        RequireDigest(digest32);
        byte[] signature;
        lock (_current)
        {
            signature = _current.SignHash(digest32.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        return Task.FromResult(new KeySignature { KeyId = KeyId, Algorithm = KeyAlgorithms.Rs256, Value = signature });
    }

    public Task<bool> VerifyAsync(ReadOnlyMemory<byte> digest32, KeySignature signature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signature);
        RequireDigest(digest32);
        var key = Find(signature.KeyId, "verify");
        if (!string.Equals(signature.Algorithm, KeyAlgorithms.Rs256, StringComparison.Ordinal))
        {
            return Task.FromResult(false);
        }

        lock (key)
        {
            return Task.FromResult(key.VerifyHash(digest32.Span, signature.Value, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }

    internal static string KeyIdOf(RSA key) =>
        "local:" + Base64Url.EncodeToString(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    internal static void RequireDigest(ReadOnlyMemory<byte> digest32)
    {
        if (digest32.Length != KeyAlgorithms.Sha256DigestLength)
        {
            throw new ArgumentException("RS256 signs a 32-byte SHA-256 digest.", nameof(digest32));
        }
    }

    private RSA Find(string keyId, string operation) =>
        _keys.TryGetValue(keyId, out var key)
            ? key
            : throw new KeyProviderException(KeyProviderFailure.KeyNotFound, operation, "no local key file holds this key id");

    private static void RequireDevelopment(bool allowDevelopmentKeys)
    {
        if (!allowDevelopmentKeys)
        {
            throw new KeyProviderException(
                KeyProviderFailure.Misconfigured,
                "open key file",
                "the local key file is a development key and is refused outside development. "
                + "Production: set Keys:VaultUri and Keys:KeyName (Azure Key Vault). "
                + "Development: set Keys:AllowDevelopmentKeys=true. / "
                + "Le fichier de clé local est une clé de développement, refusée hors développement. "
                + "Production : définir Keys:VaultUri et Keys:KeyName (Azure Key Vault). "
                + "Développement : définir Keys:AllowDevelopmentKeys=true.");
        }
    }

    private static IEnumerable<string> RetiredFiles(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        var prefix = Path.GetFileName(path) + ".";
        return Directory.EnumerateFiles(directory, prefix + "*" + RetiredSuffix).Order(StringComparer.Ordinal);
    }

    private static void TryCreate(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        using var rsa = RSA.Create(KeySizeBits);
        var der = rsa.ExportPkcs8PrivateKey();
        var pem = PemEncoding.Write("PRIVATE KEY", der);
        var bytes = Encoding.ASCII.GetBytes(pem);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                // Created owner-only from the first byte: no window where the key is readable by others.
                options.UnixCreateMode = OwnerOnly;
            }

            using var stream = new FileStream(path, options);
            stream.Write(bytes);
            stream.Write("\n"u8);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; the caller loads that one.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(bytes);
            Array.Clear(pem);
        }
    }

    private static RSA Load(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOther) != 0)
            {
                var octal = Convert.ToString((int)mode, 8).PadLeft(4, '0');
                throw new KeyProviderException(
                    KeyProviderFailure.Misconfigured,
                    "open key file",
                    string.Create(CultureInfo.InvariantCulture, $"key file {path} has mode {octal}: group or others may read it. Restrict it with `chmod 600 {path}`. / ")
                    + string.Create(CultureInfo.InvariantCulture, $"le fichier de clé {path} a le mode {octal} : le groupe ou les autres peuvent le lire. Restreindre avec `chmod 600 {path}`."));
            }
        }

        var bytes = File.ReadAllBytes(path);
        var chars = Encoding.ASCII.GetChars(bytes);
        var rsa = RSA.Create();
        try
        {
            // Only a private key will do: a PEM holding a public key imports but cannot unwrap or sign.
            var label = chars.AsSpan()[PemEncoding.Find(chars).Label];
            if (!label.SequenceEqual("PRIVATE KEY") && !label.SequenceEqual("RSA PRIVATE KEY"))
            {
                throw new ArgumentException("not a private key");
            }

            rsa.ImportFromPem(chars);
            if (rsa.KeySize < KeySizeBits)
            {
                throw new KeyProviderException(KeyProviderFailure.Misconfigured, "open key file",
                    string.Create(CultureInfo.InvariantCulture, $"key file {path} holds an RSA-{rsa.KeySize} key; RSA-{KeySizeBits} or larger is required."));
            }
            return rsa;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new KeyProviderException(KeyProviderFailure.Misconfigured, "open key file",
                string.Create(CultureInfo.InvariantCulture, $"key file {path} is not an unencrypted PEM RSA private key (PKCS#8)."), inner: ex);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            Array.Clear(chars);
        }
    }
}
