namespace ClinicMail.Infrastructure.Keys;

/// <summary>Which key-encryption key ClinicMail uses, bound from the "Keys" section.
/// Production names a Key Vault key; development may use a local key file, but only when
/// <see cref="AllowDevelopmentKeys"/> says so (see <see cref="KeyProviderFactory"/>).</summary>
public sealed class KeyProviderOptions
{
    public const string SectionName = "Keys";

    /// <summary>KeyVault (production) or LocalFile (development); empty: chosen by <see cref="VaultUri"/>.
    /// When set it must agree with <see cref="VaultUri"/> (checked at startup), so a deployment that
    /// means a vault cannot silently run on a key file.</summary>
    public string? Provider { get; set; }

    /// <summary>"https://{vault-name}.vault.azure.net/". Set: the Key Vault provider is used.</summary>
    public Uri? VaultUri { get; set; }

    /// <summary>The key's name in the vault (an RSA-HSM key allowing wrapKey, unwrapKey and sign).</summary>
    public string? KeyName { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one or
    /// the developer's own sign-in (DefaultAzureCredential).</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The development key file, used only when <see cref="VaultUri"/> is empty.</summary>
    public string LocalKeyPath { get; set; } = Path.Combine(".data", "keys", "kek.pem");

    /// <summary>True only in development: allows the local key file.</summary>
    public bool AllowDevelopmentKeys { get; set; }
}
