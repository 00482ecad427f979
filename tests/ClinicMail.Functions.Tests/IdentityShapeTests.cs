using System.Text.Json;
using ClinicMail.Application.Identity;
using ClinicMail.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ClinicMail.Functions.Tests;

/// <summary>The development issuer mints tokens in the shape Entra issues for the registration in
/// infra/entra/app-manifest.json (v2: aud = client id, the registration's scope and app roles), and
/// only the development mode trusts it: in Entra mode the API's issuers and metadata are Entra's.</summary>
public sealed class IdentityShapeTests
{
    private static JsonElement Registration()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
        {
            dir = dir.Parent;
        }
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir!.FullName, "infra", "entra", "app-manifest.json")));
        return json.RootElement.Clone();
    }

    [Test]
    public void DevelopmentToken_Claims_HaveTheEntraV2ShapeOfTheRegistration()
    {
        var folder = Directory.CreateTempSubdirectory("clinicmail-devissuer-");
        try
        {
            using var issuer = DevelopmentIssuer.LoadOrCreate(Path.Combine(folder.FullName, "key.pem"), "http://localhost:7071");
            var registration = Registration();
            var roles = registration.GetProperty("appRoles").EnumerateArray().Select(r => r.GetProperty("value").GetString()!).ToList();
            var scope = registration.GetProperty("api").GetProperty("oauth2PermissionScopes")[0].GetProperty("value").GetString();
            var parts = issuer.Mint(new TokenRequest { Roles = roles }).Split('.');
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[1]));
            var claims = payload.RootElement;

            Assert.Multiple(() =>
            {
                Assert.That(registration.GetProperty("api").GetProperty("requestedAccessTokenVersion").GetInt32(), Is.EqualTo(2));
                Assert.That(claims.GetProperty("ver").GetString(), Is.EqualTo("2.0"));
                Assert.That(claims.GetProperty("aud").GetString(), Is.EqualTo(DevelopmentIssuer.ClientId), "v2 tokens carry the client id as aud");
                Assert.That(claims.GetProperty("scp").GetString(), Is.EqualTo(scope));
                Assert.That(claims.GetProperty("roles").EnumerateArray().Select(r => r.GetString()), Is.EquivalentTo(roles));
                Assert.That(claims.GetProperty("iss").GetString(), Is.EqualTo($"http://localhost:7071/dev-issuer/{DevelopmentIssuer.TenantId}/v2.0"));
                foreach (var name in new[] { "tid", "oid", "sub", "azp", "iat", "nbf", "exp" })
                {
                    Assert.That(claims.TryGetProperty(name, out _), Is.True, name);
                }
                // Like ClinicMail's Entra tokens: no name or address in the token.
                Assert.That(claims.TryGetProperty("name", out _) || claims.TryGetProperty("preferred_username", out _) || claims.TryGetProperty("upn", out _), Is.False);
            });
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public void EntraMode_IssuersAndAudiences_AreEntrasOnly()
    {
        const string tenant = "8f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b";
        const string clientId = "2b0c5a6e-7d41-4f0e-9a3b-5c8d1e2f3a4b";
        var identity = new IdentityOptions
        {
            Mode = "Entra",
            ClientId = clientId,
            Audience = $"api://clinicmail.clinique-exemple.med/{clientId}",
            AllowedTenants = [tenant],
        };
        using var services = new ServiceCollection().AddLogging().AddClinicMailIdentity(identity, "https://clinicmail.clinique-exemple.med").BuildServiceProvider();
        var options = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

        Assert.Multiple(() =>
        {
            Assert.That(options.TokenValidationParameters.ValidIssuers, Is.EqualTo(new[] { $"https://login.microsoftonline.com/{tenant}/v2.0" }));
            Assert.That(options.MetadataAddress, Is.EqualTo($"https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"));
            Assert.That(options.TokenValidationParameters.ValidAudiences, Is.EqualTo(new[] { clientId, $"api://clinicmail.clinique-exemple.med/{clientId}" }));
            Assert.That(options.RequireHttpsMetadata, Is.True);
            Assert.That(string.Join(" ", options.TokenValidationParameters.ValidIssuers), Does.Not.Contain("dev-issuer"));
        });
    }
}
