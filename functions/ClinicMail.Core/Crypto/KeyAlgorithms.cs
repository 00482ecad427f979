namespace ClinicMail.Core.Crypto;

/// <summary>Algorithm names as they are written into envelopes and sent to key providers. They are
/// part of the stored format (docs/architecture.md, "Contracts"): never rename one, add a new name instead.</summary>
public static class KeyAlgorithms
{
    /// <summary>RSAES-OAEP with SHA-256 and MGF1/SHA-256: the data-key wrap algorithm (JOSE name, as Key Vault spells it).</summary>
    public const string RsaOaep256 = "RSA-OAEP-256";

    /// <summary>RSASSA-PKCS1-v1_5 over a SHA-256 digest: the signature algorithm for audit-chain checkpoints.</summary>
    public const string Rs256 = "RS256";

    /// <summary>AES-256 in Galois/Counter Mode, 96-bit nonce, 128-bit tag: the content algorithm (JOSE "enc" name).</summary>
    public const string Aes256Gcm = "A256GCM";

    /// <summary>Length of a SHA-256 digest, the only digest <see cref="IKeyEncryptionKey.SignAsync"/> accepts.</summary>
    public const int Sha256DigestLength = 32;
}
