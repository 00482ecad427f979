namespace ClinicMail.Core.Crypto;

/// <summary>The key-encryption key (KEK): the one seam between the envelope crypto and wherever the
/// long-lived key lives (Azure Key Vault in production, a local RSA key file in development). The
/// private key never leaves the provider; only wrapped data keys and digests cross this seam.
/// Implementations are thread-safe singletons.</summary>
public interface IKeyEncryptionKey
{
    /// <summary>The identifier of the key version new wraps and signatures use, version included
    /// (a Key Vault key URL with its version segment, or "local:" plus the public-key thumbprint).</summary>
    string KeyId { get; }

    /// <summary>Wraps a data key under the current version (<see cref="KeyAlgorithms.RsaOaep256"/>).</summary>
    /// <exception cref="KeyProviderException">The provider refused or could not be reached.</exception>
    Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken = default);

    /// <summary>Unwraps a data key with the version named by <see cref="WrappedKey.KeyId"/>, which may
    /// be an older version than <see cref="KeyId"/>. The caller owns the returned array and zeroes it.</summary>
    /// <exception cref="KeyProviderException">Unknown or foreign key id, wrong key, unsupported
    /// algorithm (<see cref="KeyProviderFailure.KeyNotFound"/>, <see cref="KeyProviderFailure.Rejected"/>),
    /// or the provider could not be reached.</exception>
    Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken cancellationToken = default);

    /// <summary>Signs a SHA-256 digest (<see cref="KeyAlgorithms.Rs256"/>) with the current version.</summary>
    /// <exception cref="ArgumentException">The digest is not 32 bytes long.</exception>
    Task<KeySignature> SignAsync(ReadOnlyMemory<byte> digest32, CancellationToken cancellationToken = default);

    /// <summary>Verifies a signature made by <see cref="SignAsync"/> with the version it names. May be
    /// done locally with the public key. False for a bad signature or a digest that does not match;
    /// throws only when the key version cannot be found or the provider cannot be reached.</summary>
    Task<bool> VerifyAsync(ReadOnlyMemory<byte> digest32, KeySignature signature, CancellationToken cancellationToken = default);
}

/// <summary>A data key wrapped by a key-encryption key.</summary>
public sealed record WrappedKey
{
    /// <summary>The key that wrapped it, version included (see <see cref="IKeyEncryptionKey.KeyId"/>).</summary>
    public required string KeyId { get; init; }

    /// <summary>The wrap algorithm, e.g. <see cref="KeyAlgorithms.RsaOaep256"/>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The wrapped bytes. Not secret on their own: useless without the key-encryption key.</summary>
    public required byte[] Value { get; init; }
}

/// <summary>A signature over a SHA-256 digest.</summary>
public sealed record KeySignature
{
    /// <summary>The key version that signed, needed to verify after a rotation.</summary>
    public required string KeyId { get; init; }

    /// <summary>The signature algorithm, e.g. <see cref="KeyAlgorithms.Rs256"/>.</summary>
    public required string Algorithm { get; init; }

    public required byte[] Value { get; init; }
}
