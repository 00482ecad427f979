using System.Net;
using System.Net.Http.Json;
using ClinicMail.Infrastructure.Identity;

namespace ClinicMail.Functions.Tests;

/// <summary>Token validation through the real JWT pipeline, with tokens minted by the app's development
/// issuer (valid) or deliberately broken (expired, wrong audience, wrong tenant, missing role or scope,
/// tampered or foreign signature).</summary>
public sealed class IdentityTests
{
    private ClinicMailFactory _factory = null!;

    [OneTimeSetUp]
    public void Start() => _factory = new ClinicMailFactory();

    [OneTimeTearDown]
    public void Stop() => _factory.Dispose();

    [Test]
    public async Task Request_WithoutToken_Is401Async()
    {
        using var client = _factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/checks/chk_unknown/override", ValidOverride());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Request_WithValidPhysicianToken_ReachesTheHandlerAsync()
    {
        using var client = _factory.ClientWithRoles("Physician");

        var response = await client.PostAsJsonAsync("/api/v1/checks/chk_unknown/override", ValidOverride());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "authenticated and authorized: the handler answers that the check does not exist");
        Assert.That(response.Headers.GetValues("X-ClinicMail-Development").Single(), Is.EqualTo("true"));
    }

    private static IEnumerable<TestCaseData> RejectedTokens()
    {
        yield return new TestCaseData(new TokenRequest { Roles = ["Physician"], Now = DateTimeOffset.UtcNow.AddHours(-3), Lifetime = TimeSpan.FromHours(1) }, HttpStatusCode.Unauthorized)
            .SetName("Request_ExpiredToken_Is401");
        yield return new TestCaseData(new TokenRequest { Roles = ["Physician"], Audience = "api://some-other-api" }, HttpStatusCode.Unauthorized)
            .SetName("Request_WrongAudience_Is401");
        yield return new TestCaseData(new TokenRequest { Roles = ["Physician"], TenantId = "0b7f6b2c-9a3e-4c55-9d7e-2f1f4c0a9e11" }, HttpStatusCode.Unauthorized)
            .SetName("Request_TenantNotAllowed_Is401");
        yield return new TestCaseData(new TokenRequest { Roles = ["Physician"], TenantId = "0b7f6b2c-9a3e-4c55-9d7e-2f1f4c0a9e11", Issuer = DevelopmentIssuer.IssuerFor("http://localhost", DevelopmentIssuer.TenantId) }, HttpStatusCode.Unauthorized)
            .SetName("Request_TidDiffersFromAllowedIssuer_Is401");
        yield return new TestCaseData(new TokenRequest { Roles = [] }, HttpStatusCode.Forbidden)
            .SetName("Request_NoRole_Is403");
        yield return new TestCaseData(new TokenRequest { Roles = ["ComplianceReviewer"] }, HttpStatusCode.Forbidden)
            .SetName("Request_WrongRole_Is403");
        yield return new TestCaseData(new TokenRequest { Roles = ["Physician"], Scope = null }, HttpStatusCode.Forbidden)
            .SetName("Request_NoDelegatedScope_Is403");
    }

    [TestCaseSource(nameof(RejectedTokens))]
    public async Task Request_WithBrokenToken_IsRefusedAsync(TokenRequest request, HttpStatusCode expected)
    {
        using var client = _factory.ClientWithToken(_factory.Issuer.Mint(request));

        var response = await client.PostAsJsonAsync("/api/v1/checks/chk_unknown/override", ValidOverride());

        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }

    [Test]
    public async Task Request_TamperedPayload_Is401Async()
    {
        var parts = _factory.Token("ComplianceReviewer").Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace("ComplianceReviewer", "Physician", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        using var client = _factory.ClientWithToken(tampered);

        var response = await client.PostAsJsonAsync("/api/v1/checks/chk_unknown/override", ValidOverride());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Request_SignedByAnotherKey_Is401Async()
    {
        var folder = Directory.CreateTempSubdirectory("clinicmail-foreign-key-");
        try
        {
            using var foreign = DevelopmentIssuer.LoadOrCreate(Path.Combine(folder.FullName, "key.pem"), "http://localhost");
            using var client = _factory.ClientWithToken(foreign.Mint(new TokenRequest { Roles = ["Physician"] }));

            var response = await client.PostAsJsonAsync("/api/v1/checks/chk_unknown/override", ValidOverride());

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Health_IsAnonymousAndSaysNothingElseAsync()
    {
        using var client = _factory.CreateClient();

        var body = await client.GetStringAsync("/api/health");

        Assert.That(body, Is.EqualTo("{\"status\":\"ok\"}"));
    }

    private static object ValidOverride() => new { justificationCode = "clinical_necessity", justification = "Le patient l'a demandé par téléphone." };
}
