using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Infrastructure.Keys;

namespace ClinicMail.Infrastructure.Audit;

/// <summary><c>Audit:SigningKey:*</c> — the key that signs audit checkpoints, separate from the envelope
/// key-encryption key (<c>Keys:*</c>): a Key Vault key of its own (sign/verify only, its own role
/// assignment) in production, its own key file in the embedded default.</summary>
public sealed class AuditSigningKeyOptions
{
    public const string Section = "Audit:SigningKey";

    /// <summary>The vault holding the signing key; unset: the same vault as <c>Keys:VaultUri</c>.</summary>
    public Uri? VaultUri { get; set; }

    /// <summary>The signing key's name in the vault; must differ from <c>Keys:KeyName</c>.</summary>
    public string? KeyName { get; set; }

    /// <summary>The development key file (default <c>keys/audit-signing.pem</c> under the data folder).</summary>
    public string? LocalKeyPath { get; set; }

    /// <summary>Opens the signing key. Production (a vault is configured): <c>Audit:SigningKey:KeyName</c>
    /// is required and may not name the key-encryption key. Never falls back to the KEK.</summary>
    /// <exception cref="KeyProviderException">Misconfigured, or the key cannot be read.</exception>
    public async Task<IAuditSigningKey> OpenAsync(KeyProviderOptions keys, string dataDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var vault = VaultUri ?? keys.VaultUri;
        if (vault is not null)
        {
            if (string.IsNullOrWhiteSpace(KeyName) || (string.Equals(KeyName, keys.KeyName, StringComparison.OrdinalIgnoreCase) && Equals(vault, keys.VaultUri)))
            {
                throw new KeyProviderException(KeyProviderFailure.Misconfigured, "configure",
                    "Audit:SigningKey:KeyName must name a Key Vault key of its own (sign/verify), not the key-encryption key Keys:KeyName. / "
                    + "Audit:SigningKey:KeyName doit nommer une clé Key Vault distincte (signature), pas la clé de chiffrement de clés Keys:KeyName.");
            }
        }

        var key = await KeyProviderFactory.CreateAsync(new KeyProviderOptions
        {
            VaultUri = vault,
            KeyName = KeyName,
            ManagedIdentityClientId = keys.ManagedIdentityClientId,
            LocalKeyPath = LocalKeyPath ?? Path.Combine(dataDirectory, "keys", "audit-signing.pem"),
            AllowDevelopmentKeys = keys.AllowDevelopmentKeys,
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ProviderAuditSigningKey(key);
    }
}
