using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClinicMail.Application.Identity;

/// <summary>JWT validation that remembers the tokens it has already accepted. The add-in sends the same
/// access token with every check for up to an hour; parsing it and verifying its RSA signature again each
/// time was about 6 % of a check's CPU at 500 req/s (docs/performance.md, "Steady-state cost of a check").
/// A token is remembered only after a full, successful validation, by the SHA-256 of its text (the token
/// itself is not kept as a key), and only while all of this holds:
/// <list type="bullet">
/// <item>it has not expired (its own <c>exp</c>, without the clock skew the first validation allowed);</item>
/// <item>at most <see cref="MaxAge"/> since it was validated, so a configuration change (issuers, audiences,
/// keys) reaches every token within that time;</item>
/// <item>the key that verified its signature is still among the keys offered now (a key removed from the
/// issuer's metadata ends the tokens it signed at the next metadata refresh).</item>
/// </list>
/// Rejections are never remembered: a bad token is validated (and refused) in full every time. The tenant,
/// object-id and version checks of <see cref="IdentitySetup"/> run on every request, cached or not.</summary>
public sealed class ValidatedTokenCache : JsonWebTokenHandler
{
    /// <summary>Longest a validation is reused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Bound on remembered tokens (about one per signed-in user); beyond it the cache is emptied.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _accepted = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public ValidatedTokenCache(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Tokens currently remembered (tests).</summary>
    public int Count => _accepted.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (string.IsNullOrEmpty(token) || validationParameters is null)
        {
            return await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        }

        var key = KeyOf(token);
        var now = _time.GetUtcNow().UtcDateTime;
        if (_accepted.TryGetValue(key, out var entry))
        {
            if (now < entry.Until && await IsStillOfferedAsync(entry.SigningKey, validationParameters).ConfigureAwait(false))
            {
                return entry.Fresh();
            }

            _accepted.TryRemove(key, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.SigningKey is { } signingKey && result.ClaimsIdentity is { } identity
            && jwt.ValidTo > now)
        {
            if (_accepted.Count >= MaxEntries)
            {
                _accepted.Clear();
            }

            var until = jwt.ValidTo < now + MaxAge ? jwt.ValidTo : now + MaxAge;
            _accepted[key] = new Entry(result, identity.Clone(), signingKey, until);
        }

        return result;
    }

    private static string KeyOf(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = System.Text.Encoding.UTF8.GetBytes(token);
        SHA256.HashData(bytes, hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>Whether the key that verified the token is among the keys a validation would use now: the
    /// configured ones and, when the handler reads them from the issuer's metadata, the metadata's current keys.</summary>
    private static async ValueTask<bool> IsStillOfferedAsync(SecurityKey key, TokenValidationParameters parameters)
    {
        if (ReferenceEquals(parameters.IssuerSigningKey, key) || Offers(parameters.IssuerSigningKeys, key))
        {
            return true;
        }

        if (parameters.ConfigurationManager is { } metadata)
        {
            // The manager's cached metadata; it refreshes on its own schedule, as for a full validation.
            var current = await metadata.GetBaseConfigurationAsync(CancellationToken.None).ConfigureAwait(false);
            return Offers(current?.SigningKeys, key);
        }

        return false;
    }

    private static bool Offers(IEnumerable<SecurityKey>? keys, SecurityKey key)
    {
        if (keys is null)
        {
            return false;
        }

        foreach (var offered in keys)
        {
            if (ReferenceEquals(offered, key) || SameKey(offered, key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The same key material under the same id (metadata refreshed: new objects, same keys).</summary>
    private static bool SameKey(SecurityKey offered, SecurityKey key)
    {
        if (offered.KeyId is not { Length: > 0 } id || !string.Equals(id, key.KeyId, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            return offered.ComputeJwkThumbprint().AsSpan().SequenceEqual(key.ComputeJwkThumbprint());
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }

    private sealed record Entry(TokenValidationResult Result, System.Security.Claims.ClaimsIdentity Identity, SecurityKey SigningKey, DateTime Until)
    {
        /// <summary>A result of its own for this request: callers may add to the identity, never to the cached one.</summary>
        public TokenValidationResult Fresh() => new()
        {
            IsValid = true,
            SecurityToken = Result.SecurityToken,
            ClaimsIdentity = Identity.Clone(),
            Issuer = Result.Issuer,
            TokenType = Result.TokenType,
            TokenContext = Result.TokenContext,
        };
    }
}
