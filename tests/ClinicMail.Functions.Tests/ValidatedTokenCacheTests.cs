using ClinicMail.Application.Identity;
using ClinicMail.Infrastructure.Identity;
using Microsoft.IdentityModel.Tokens;

namespace ClinicMail.Functions.Tests;

/// <summary>The validated-token cache (<see cref="ValidatedTokenCache"/>): a real development-issuer
/// token and real RSA keys. Reuse only what a full validation would accept now.</summary>
public sealed class ValidatedTokenCacheTests
{
    private const string BaseUrl = "http://localhost:7071";

    private DirectoryInfo _folder = null!;
    private DevelopmentIssuer _issuer = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Directory.CreateTempSubdirectory("clinicmail-tokencache-");
        _issuer = DevelopmentIssuer.LoadOrCreate(Path.Combine(_folder.FullName, "key.pem"), BaseUrl);
    }

    [TearDown]
    public void TearDown()
    {
        _issuer.Dispose();
        _folder.Delete(recursive: true);
    }

    private TokenValidationParameters Parameters(params SecurityKey[] keys) => new()
    {
        ValidIssuer = _issuer.Issuer,
        ValidAudience = DevelopmentIssuer.ClientId,
        IssuerSigningKeys = keys,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        ClockSkew = TimeSpan.Zero,
    };

    [Test]
    public async Task AValidToken_IsValidatedOnce_ThenReusedWithAnIdentityOfItsOwn()
    {
        var cache = new ValidatedTokenCache();
        var token = _issuer.Mint(new TokenRequest { Roles = ["Physician"] });

        var first = await cache.ValidateTokenAsync(token, Parameters(_issuer.SigningKey));
        var second = await cache.ValidateTokenAsync(token, Parameters(_issuer.SigningKey));

        Assert.Multiple(() =>
        {
            Assert.That(first.IsValid, Is.True, first.Exception?.Message);
            Assert.That(second.IsValid, Is.True);
            Assert.That(cache.Count, Is.EqualTo(1));
            Assert.That(second.ClaimsIdentity, Is.Not.SameAs(first.ClaimsIdentity), "each request gets its own identity");
            Assert.That(second.ClaimsIdentity.FindFirst("oid")?.Value, Is.EqualTo(first.ClaimsIdentity.FindFirst("oid")?.Value));
            Assert.That(second.ClaimsIdentity.FindAll("roles").Select(c => c.Value), Is.EquivalentTo(new[] { "Physician" }));
        });
    }

    [Test]
    public async Task ATamperedOrWronglySignedToken_IsRefusedEveryTime_AndNeverRemembered()
    {
        var cache = new ValidatedTokenCache();
        var token = _issuer.Mint(new TokenRequest { Roles = ["Physician"] });
        var parts = token.Split('.');
        var tampered = parts[0] + "." + Base64UrlEncoder.Encode("{\"oid\":\"someone-else\"}") + "." + parts[2];
        using var other = System.Security.Cryptography.RSA.Create(2048);

        var refused = await cache.ValidateTokenAsync(tampered, Parameters(_issuer.SigningKey));
        var unknownKey = await cache.ValidateTokenAsync(token, Parameters(new RsaSecurityKey(other) { KeyId = "other" }));

        Assert.Multiple(() =>
        {
            Assert.That(refused.IsValid, Is.False);
            Assert.That(unknownKey.IsValid, Is.False);
            Assert.That(cache.Count, Is.Zero);
        });
    }

    [Test]
    public async Task AToken_WhoseSigningKeyIsNoLongerOffered_IsValidatedInFullAgain_AndRefused()
    {
        var cache = new ValidatedTokenCache();
        var token = _issuer.Mint(new TokenRequest { Roles = ["Physician"] });
        using var other = System.Security.Cryptography.RSA.Create(2048);

        var accepted = await cache.ValidateTokenAsync(token, Parameters(_issuer.SigningKey));
        var afterRotation = await cache.ValidateTokenAsync(token, Parameters(new RsaSecurityKey(other) { KeyId = "rotated" }));

        Assert.Multiple(() =>
        {
            Assert.That(accepted.IsValid, Is.True, accepted.Exception?.Message);
            Assert.That(afterRotation.IsValid, Is.False, "the key that signed it is gone: not reused");
            Assert.That(cache.Count, Is.Zero);
        });
    }

    [Test]
    public async Task AToken_IsNotReusedPastItsExpiry()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new ValidatedTokenCache(clock);
        var token = _issuer.Mint(new TokenRequest { Roles = ["Physician"], Lifetime = TimeSpan.FromMinutes(2) });

        var accepted = await cache.ValidateTokenAsync(token, Parameters(_issuer.SigningKey));
        clock.Advance(TimeSpan.FromMinutes(3));
        // The handler's own clock is the system's: the full validation still accepts it, but the cached
        // entry has lapsed, so this was a full validation (the entry was replaced, not reused).
        Assert.That(accepted.IsValid, Is.True, accepted.Exception?.Message);
        var again = await cache.ValidateTokenAsync(token, Parameters(_issuer.SigningKey));
        Assert.That(again.ClaimsIdentity, Is.Not.Null);
        Assert.That(cache.Count, Is.Zero, "a token past its expiry on the cache's clock is not remembered");
    }
}
