using Azure.Core;
using Azure.Identity;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Infrastructure.Keys;

/// <summary>Chooses the key-encryption key once, at startup, from configuration (docs/architecture.md, "Storage and providers").
/// A key provider is a security sink: a missing or contradictory configuration stops startup with
/// a message that says what to set; there is no silent fallback to a development key.</summary>
public static class KeyProviderFactory
{
    /// <param name="options">The bound "Keys" section.</param>
    /// <param name="credential">The Entra credential for Key Vault; null uses
    /// <see cref="DefaultAzureCredential"/> (managed identity in Azure, the developer's sign-in locally).</param>
    /// <param name="clientOptions">Pipeline options (retries, transport); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the first read of the vault key.</param>
    /// <exception cref="KeyProviderException"><see cref="KeyProviderFailure.Misconfigured"/> when neither
    /// provider is configured, or the vault key cannot be read.</exception>
    public static async Task<IKeyEncryptionKey> CreateAsync(
        KeyProviderOptions options,
        TokenCredential? credential = null,
        KeyVaultKekOptions? clientOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.VaultUri is not null)
        {
            if (string.IsNullOrWhiteSpace(options.KeyName))
            {
                throw new KeyProviderException(KeyProviderFailure.Misconfigured, "configure",
                    "Keys:VaultUri is set but Keys:KeyName is empty: set the name of the RSA-HSM key. / "
                    + "Keys:VaultUri est défini mais Keys:KeyName est vide : indiquer le nom de la clé RSA-HSM.");
            }

            credential ??= new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
            });
            return await KeyVaultKek.CreateAsync(options.VaultUri, options.KeyName, credential, clientOptions, cancellationToken).ConfigureAwait(false);
        }

        if (!options.AllowDevelopmentKeys)
        {
            throw new KeyProviderException(KeyProviderFailure.Misconfigured, "configure",
                "no key-encryption key is configured. Production: set Keys:VaultUri and Keys:KeyName. "
                + "Development only: set Keys:AllowDevelopmentKeys=true to use a local key file. / "
                + "aucune clé de chiffrement de clés n'est configurée. Production : définir Keys:VaultUri et "
                + "Keys:KeyName. Développement seulement : définir Keys:AllowDevelopmentKeys=true pour un fichier de clé local.");
        }

        return LocalKeyFileKek.OpenOrCreate(options.LocalKeyPath, options.AllowDevelopmentKeys);
    }
}
