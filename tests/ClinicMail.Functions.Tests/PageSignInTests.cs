using System.Net;
using System.Text.Json;
using ClinicMail.Application.Identity;

namespace ClinicMail.Functions.Tests;

/// <summary>What the web pages read to sign in (<c>GET /api/sign-in-config</c>, docs/clinic-page.md):
/// MSAL's authority, client id and the API's scope in Entra mode; only the mode in development. And
/// the pages' Content-Security-Policy, which lets MSAL reach the identity provider in Entra mode only.</summary>
public sealed class PageSignInTests
{
    private const string Tenant = "8f5c3a2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b";
    private const string Client = "3e1b2c4d-5f6a-4b7c-8d9e-0f1a2b3c4d5e";

    [Test]
    public void Entra_OneTenant_AuthorityIsTheTenantAndScopeIsTheApplicationIdUri()
    {
        var config = PageSignIn.Config(new IdentityOptions { Mode = "Entra", ClientId = Client, Audience = $"api://clinicmail.example.med/{Client}", AllowedTenants = [Tenant] });

        Assert.That(config, Is.EqualTo(config with { Mode = "entra", Authority = $"https://login.microsoftonline.com/{Tenant}", ClientId = Client }));
        Assert.That(config.Scopes, Is.EqualTo(new[] { $"api://clinicmail.example.med/{Client}/access_as_user" }));
    }

    [Test]
    public void Entra_SeveralTenants_AuthorityIsOrganizations_AndAnEmptyAudienceFallsBackToTheClientId()
    {
        var config = PageSignIn.Config(new IdentityOptions { Mode = "Entra", Instance = "https://login.microsoftonline.com/", ClientId = Client, AllowedTenants = [Tenant, Guid.NewGuid().ToString()] });

        Assert.That(config.Authority, Is.EqualTo("https://login.microsoftonline.com/organizations"));
        Assert.That(config.Scopes, Is.EqualTo(new[] { $"api://{Client}/access_as_user" }));
    }

    [Test]
    public void ContentSecurityPolicy_OpensOnlyTheIdentityProvider_AndOnlyInEntraMode()
    {
        var entra = PageSignIn.ContentSecurityPolicy(new IdentityOptions { Mode = "Entra", Instance = "https://login.microsoftonline.com" });
        var development = PageSignIn.ContentSecurityPolicy(new IdentityOptions { Mode = "Development" });

        Assert.That(entra, Does.Contain("connect-src 'self' https://login.microsoftonline.com;"));
        Assert.That(development, Does.Contain("connect-src 'self';"));
        Assert.That(entra, Does.Contain("script-src 'self';"));
    }

    [Test]
    public async Task Endpoint_InDevelopment_AnswersAnonymouslyWithTheModeOnly_AndThePagesCarryThePolicyAsync()
    {
        using var factory = new ClinicMailFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/sign-in-config");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var page = await client.GetAsync("/clinic/");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.RootElement.GetProperty("mode").GetString(), Is.EqualTo("development"));
        // No client id in development (the API's JSON leaves null members out).
        Assert.That(body.RootElement.TryGetProperty("clientId", out var clientId) ? clientId.ValueKind : JsonValueKind.Null, Is.EqualTo(JsonValueKind.Null));
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("connect-src 'self';"));
    }
}
