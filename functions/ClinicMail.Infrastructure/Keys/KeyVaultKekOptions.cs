using Azure.Core;

namespace ClinicMail.Infrastructure.Keys;

/// <summary>Pipeline options for <see cref="KeyVaultKek"/>. Inherits Azure.Core's retry options:
/// by default 3 retries with exponential back-off on 408, 429, 500, 502, 503 and 504, honouring
/// a Retry-After header.</summary>
public sealed class KeyVaultKekOptions : ClientOptions
{
    /// <summary>The Key Vault REST API version the request and response shapes follow.</summary>
    public string ServiceVersion { get; set; } = "7.6";

    /// <summary>The token audience; another cloud's (e.g. "https://vault.azure.cn") for sovereign clouds.</summary>
    public Uri Audience { get; set; } = new("https://vault.azure.net");

    /// <summary>How long the current key version is trusted before <see cref="KeyVaultKek"/> asks the
    /// vault again, so that a rotation done in the vault is picked up without a restart.</summary>
    public TimeSpan CurrentVersionRefreshInterval { get; set; } = TimeSpan.FromMinutes(15);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
