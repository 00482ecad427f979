using Azure.Core;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Infrastructure.Keys;

/// <summary>Hands the Key Vault SDK tokens for the configured vault audience only. The SDK takes the
/// scope from the vault's 401 challenge; whatever a server names there, no token is ever asked for
/// (and so never sent to) another resource. The tenant the challenge names is honoured: a vault in
/// another tenant than the app's is a supported setup.</summary>
internal sealed class AudienceBoundCredential(TokenCredential inner, Uri audience) : TokenCredential
{
    private readonly string _scope = audience.AbsoluteUri.TrimEnd('/') + "/.default";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        inner.GetToken(Bound(requestContext), cancellationToken);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        inner.GetTokenAsync(Bound(requestContext), cancellationToken);

    private TokenRequestContext Bound(TokenRequestContext context)
    {
        if (context.Scopes is [var scope] && string.Equals(scope.TrimEnd('/'), _scope, StringComparison.OrdinalIgnoreCase))
        {
            return context;
        }

        throw new KeyProviderException(KeyProviderFailure.Unauthorized, "authenticate",
            "Key Vault's challenge named another resource than the configured audience; no token was asked for it", 401);
    }
}
