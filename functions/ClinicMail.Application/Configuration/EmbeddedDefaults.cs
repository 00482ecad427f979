using ClinicMail.Application.Identity;
using ClinicMail.Infrastructure.Identity;
using ClinicMail.Infrastructure.Keys;

namespace ClinicMail.Application.Configuration;

/// <summary>The defaults that depend on <c>ClinicMail:Mode</c> (docs/configuration.md): the embedded run
/// (Development) needs no settings beyond the mode; production sets everything. Applied after binding,
/// before validation, by both the composition-time read and <c>IOptions&lt;T&gt;</c>.</summary>
public static class EmbeddedDefaults
{
    /// <summary>Domains compared as the checks compare them: trimmed, no leading '@', lower case.</summary>
    public static void Normalize(ClinicMailOptions clinic)
    {
        ArgumentNullException.ThrowIfNull(clinic);
        clinic.InternalDomains = [.. clinic.InternalDomains.Select(d => (d ?? "").Trim().TrimStart('@').ToLowerInvariant())];
    }

    /// <summary>Development: SQLite under the data folder.</summary>
    public static void Apply(StorageOptions storage, ClinicMailOptions clinic)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(clinic);
        if (!clinic.IsDevelopment)
        {
            return;
        }

        if (string.IsNullOrEmpty(storage.Provider))
        {
            storage.Provider = "Sqlite";
        }

        if (storage.IsSqlite && string.IsNullOrEmpty(storage.ConnectionString))
        {
            storage.ConnectionString = Path.Combine(clinic.DataDirectory, "clinicmail.db");
        }
    }

    /// <summary>Development with the development issuer: its client id and tenant.</summary>
    public static void Apply(IdentityOptions identity, ClinicMailOptions clinic)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(clinic);
        if (!clinic.IsDevelopment || !identity.IsDevelopment)
        {
            return;
        }

        identity.ClientId = string.IsNullOrEmpty(identity.ClientId) ? DevelopmentIssuer.ClientId : identity.ClientId;
        if (identity.AllowedTenants.Count == 0)
        {
            identity.AllowedTenants.Add(DevelopmentIssuer.TenantId);
        }
    }

    /// <summary>The local key file exists only in development, under the data folder; production names a vault key.</summary>
    public static void Apply(KeyProviderOptions keys, ClinicMailOptions clinic)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(clinic);
        keys.AllowDevelopmentKeys = clinic.IsDevelopment && keys.VaultUri is null;
        if (keys.AllowDevelopmentKeys && string.Equals(keys.LocalKeyPath, new KeyProviderOptions().LocalKeyPath, StringComparison.Ordinal))
        {
            keys.LocalKeyPath = Path.Combine(clinic.DataDirectory, "keys", "kek.pem");
        }
    }
}
