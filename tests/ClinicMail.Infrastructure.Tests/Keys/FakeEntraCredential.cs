using System.Collections.Concurrent;
using Azure.Core;

namespace ClinicMail.Infrastructure.Tests.Keys;

/// <summary>The Entra seam for tests: a <see cref="TokenCredential"/> that hands out static tokens,
/// one per tenant (the default one when the request names none), and records what it was asked.</summary>
internal sealed class FakeEntraCredential(string defaultToken, IReadOnlyDictionary<string, string>? tokensByTenant = null) : TokenCredential
{
    private readonly ConcurrentQueue<TokenRequestContext> _requests = new();

    public IReadOnlyList<TokenRequestContext> Requests => [.. _requests];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        _requests.Enqueue(requestContext);
        var token = requestContext.TenantId is { } tenant && tokensByTenant is not null && tokensByTenant.TryGetValue(tenant, out var tenantToken)
            ? tenantToken
            : defaultToken;
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
