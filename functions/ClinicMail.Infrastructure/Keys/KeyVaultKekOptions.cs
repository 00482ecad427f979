using Azure.Security.KeyVault.Keys;

namespace ClinicMail.Infrastructure.Keys;

/// <summary>Client options for <see cref="KeyVaultKek"/>: the Key Vault SDK's (transport, and
/// Azure.Core's retries: by default 3 with exponential back-off on 408, 429, 500, 502, 503 and 504,
/// honouring Retry-After), pinned to service version 7.6, plus what the SDK does not hold.</summary>
public sealed class KeyVaultKekOptions() : KeyClientOptions(ServiceVersion.V7_6)
{
    /// <summary>The token audience; another cloud's (e.g. "https://vault.azure.cn") for sovereign
    /// clouds. No token is ever asked for another resource, whatever a challenge names.</summary>
    public Uri Audience { get; set; } = new("https://vault.azure.net");

    /// <summary>How long the current key version is trusted before <see cref="KeyVaultKek"/> asks the
    /// vault again, so that a rotation done in the vault is picked up without a restart.</summary>
    public TimeSpan CurrentVersionRefreshInterval { get; set; } = TimeSpan.FromMinutes(15);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
