using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ClinicMail.Infrastructure.Files;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClinicMail.Infrastructure.Identity;

/// <summary>The local development token issuer: an RSA signing key created on first run (owner-only
/// file), an OpenID discovery document and a JWKS served on loopback, and token minting for
/// <c>clinicmail token</c> and the sandbox. The API validates its tokens with exactly the same code
/// as Entra tokens. It exists only when the configuration explicitly says Development.</summary>
public sealed class DevelopmentIssuer : IDisposable
{
    /// <summary>The development tenant id (a fixed, recognisable GUID).</summary>
    public const string TenantId = "c11c0000-0000-4000-8000-000000000001";

    /// <summary>The development API client id.</summary>
    public const string ClientId = "c11c0000-0000-4000-8000-0000000000a1";

    /// <summary>The add-in's client id in development (the <c>azp</c> of minted tokens).</summary>
    public const string AddinClientId = "c11c0000-0000-4000-8000-0000000000b2";

    /// <summary>The delegated scope of the API (same as production: <c>access_as_user</c>).</summary>
    public const string Scope = "access_as_user";

    private readonly RSA _rsa;
    private readonly RsaSecurityKey _key;

    private DevelopmentIssuer(RSA rsa, string baseUrl)
    {
        _rsa = rsa;
        _key = new RsaSecurityKey(rsa) { KeyId = KeyIdOf(rsa) };
        BaseUrl = baseUrl.TrimEnd('/');
    }

    public string BaseUrl { get; }

    public string Issuer => IssuerFor(BaseUrl, TenantId);

    public string MetadataAddress => $"{Issuer}/.well-known/openid-configuration";

    public SecurityKey SigningKey => _key;

    public static string IssuerFor(string baseUrl, string tenantId) => $"{baseUrl.TrimEnd('/')}/dev-issuer/{tenantId}/v2.0";

    /// <summary>Loads the signing key from <paramref name="keyPath"/>, creating it (RSA-2048, mode 0600) on first run.</summary>
    public static DevelopmentIssuer LoadOrCreate(string keyPath, string baseUrl)
    {
        // The app and the CLI may create the key at the same moment: one file wins, both use it.
        var pem = PrivateFile.ReadOrCreate(keyPath, () =>
        {
            using var fresh = RSA.Create(2048);
            return System.Text.Encoding.ASCII.GetBytes(fresh.ExportPkcs8PrivateKeyPem());
        });
        var rsa = RSA.Create();
        rsa.ImportFromPem(System.Text.Encoding.ASCII.GetString(pem));
        return new DevelopmentIssuer(rsa, baseUrl);
    }

    /// <summary>Mints an access token shaped like an Entra v2.0 delegated token.</summary>
    public string Mint(TokenRequest request)
    {
        var now = request.Now ?? DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["tid"] = request.TenantId ?? TenantId,
            ["oid"] = request.ObjectId ?? DevUserFor(request.Roles),
            ["sub"] = request.ObjectId ?? DevUserFor(request.Roles),
            ["azp"] = AddinClientId,
            ["ver"] = "2.0",
            ["roles"] = request.Roles.ToArray(),
        };
        if (request.Scope is not null)
        {
            claims["scp"] = request.Scope;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = request.Issuer ?? IssuerFor(BaseUrl, request.TenantId ?? TenantId),
            Audience = request.Audience ?? ClientId,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(request.Lifetime ?? TimeSpan.FromHours(1)).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The OpenID discovery document for a tenant path.</summary>
    public JsonObject DiscoveryDocument(string tenantId) => new()
    {
        ["issuer"] = IssuerFor(BaseUrl, tenantId),
        ["jwks_uri"] = $"{BaseUrl}/dev-issuer/discovery/v2.0/keys",
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["response_types_supported"] = new JsonArray("token"),
        ["subject_types_supported"] = new JsonArray("pairwise"),
        ["clinicmail_development_issuer"] = true,
    };

    public JsonObject Jwks()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = _key.KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            }),
        };
    }

    public void Dispose() => _rsa.Dispose();

    /// <summary>A stable development user per role set, so audit records of a local session line up.</summary>
    private static string DevUserFor(IEnumerable<string> roles) =>
        new Guid(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("dev-user:" + string.Join(',', roles.Order(StringComparer.Ordinal))))[..16]).ToString();

    private static string KeyIdOf(RSA rsa) =>
        Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())[..12]);
}

/// <summary>What to put in a minted token. Tests use the knobs to mint invalid tokens.</summary>
public sealed record TokenRequest
{
    public IReadOnlyList<string> Roles { get; init; } = [];

    public string? Scope { get; init; } = DevelopmentIssuer.Scope;

    public string? TenantId { get; init; }

    public string? ObjectId { get; init; }

    public string? Audience { get; init; }

    public string? Issuer { get; init; }

    public TimeSpan? Lifetime { get; init; }

    public DateTimeOffset? Now { get; init; }

    public IEnumerable<Claim> Extra { get; init; } = [];
}
