using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ClinicMail.Infrastructure.Keys;

/// <summary>Bearer authentication for Key Vault, with its challenge. Key Vault answers an
/// unauthenticated or wrong-tenant request with 401 and
/// <c>WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/{tenant}", resource="https://vault.azure.net"</c>
/// (newer vaults may say <c>authorization_uri</c> and <c>scope</c>). On such a challenge this policy
/// asks the credential again for the vault's tenant and retries once; later requests go to that tenant
/// directly. It never asks for a token for a resource other than the configured Key Vault audience,
/// whatever a server names: a token is only ever sent where it is meant to be used.</summary>
internal sealed class KeyVaultChallengePolicy : BearerTokenAuthenticationPolicy
{
    private readonly string _audience;
    private readonly string[] _scopes;
    private string? _tenantId;

    public KeyVaultChallengePolicy(TokenCredential credential, Uri audience)
        : base(credential, ScopeFor(audience))
    {
        _audience = Canonical(audience.AbsoluteUri);
        _scopes = [ScopeFor(audience)];
    }

    /// <summary>The tenant learned from the last challenge, if any.</summary>
    public string? TenantId => Volatile.Read(ref _tenantId);

    protected override ValueTask AuthorizeRequestAsync(HttpMessage message) =>
        AuthenticateAndAuthorizeRequestAsync(message, Context(message, TenantId));

    protected override void AuthorizeRequest(HttpMessage message) =>
        AuthenticateAndAuthorizeRequest(message, Context(message, TenantId));

    protected override async ValueTask<bool> AuthorizeRequestOnChallengeAsync(HttpMessage message)
    {
        var challenge = Challenge(message.Response);
        if (IsClaimsChallenge(challenge))
        {
            return await base.AuthorizeRequestOnChallengeAsync(message).ConfigureAwait(false);
        }

        if (!TryReadChallenge(challenge, out var tenantId))
        {
            return false;
        }

        await AuthenticateAndAuthorizeRequestAsync(message, Context(message, tenantId)).ConfigureAwait(false);
        return true;
    }

    protected override bool AuthorizeRequestOnChallenge(HttpMessage message)
    {
        var challenge = Challenge(message.Response);
        if (IsClaimsChallenge(challenge))
        {
            return base.AuthorizeRequestOnChallenge(message);
        }

        if (!TryReadChallenge(challenge, out var tenantId))
        {
            return false;
        }

        AuthenticateAndAuthorizeRequest(message, Context(message, tenantId));
        return true;
    }

    /// <summary>Accepts a challenge only for our audience and a tenant other than the one whose
    /// token was just refused (asking the same tenant again would return the same token).</summary>
    private bool TryReadChallenge(IReadOnlyDictionary<string, string>? challenge, out string tenantId)
    {
        tenantId = string.Empty;
        if (challenge is null)
        {
            return false;
        }

        var resource = challenge.GetValueOrDefault("resource") ?? challenge.GetValueOrDefault("scope");
        var authority = challenge.GetValueOrDefault("authorization") ?? challenge.GetValueOrDefault("authorization_uri");
        if (resource is null || authority is null
            || !string.Equals(Canonical(resource), _audience, StringComparison.OrdinalIgnoreCase)
            || !Uri.TryCreate(authority, UriKind.Absolute, out var authorityUri)
            || authorityUri.Scheme != Uri.UriSchemeHttps)
        {
            return false;
        }

        var tenant = authorityUri.AbsolutePath.Trim('/').Split('/')[0];
        if (tenant.Length == 0 || string.Equals(tenant, TenantId, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Volatile.Write(ref _tenantId, tenant);
        tenantId = tenant;
        return true;
    }

    private static IReadOnlyDictionary<string, string>? Challenge(Response response) =>
        BearerChallenge.Parse(response.Headers.TryGetValue("WWW-Authenticate", out var value) ? value : null);

    /// <summary>A Continuous Access Evaluation challenge (<c>error="insufficient_claims", claims=...</c>),
    /// which the base policy already answers.</summary>
    private static bool IsClaimsChallenge(IReadOnlyDictionary<string, string>? challenge) =>
        challenge is not null
        && string.Equals(challenge.GetValueOrDefault("error"), "insufficient_claims", StringComparison.Ordinal)
        && challenge.ContainsKey("claims");

    private TokenRequestContext Context(HttpMessage message, string? tenantId) =>
        new(_scopes, message.Request.ClientRequestId, claims: null, tenantId: tenantId, isCaeEnabled: true);

    private static string ScopeFor(Uri audience) => Canonical(audience.AbsoluteUri) + "/.default";

    /// <summary>"https://vault.azure.net/", "https://vault.azure.net/.default" → "https://vault.azure.net".</summary>
    private static string Canonical(string resource)
    {
        var value = resource.Trim();
        if (value.EndsWith("/.default", StringComparison.OrdinalIgnoreCase))
        {
            value = value[..^"/.default".Length];
        }

        return value.TrimEnd('/');
    }
}
