using System.Text.Json;

namespace ClinicMail.Infra.Tests;

public sealed class EntraManifestTests
{

    // Office clients pre-authorised for the legacy Office SSO fallback (getAccessToken): all Office
    // endpoints, Microsoft Office, Office on the web, Outlook on the web.
    private static readonly string[] OfficeClientIds =
    [
        "ea5a67f6-b6f3-4338-b240-c655ddc3cc8e",
        "d3590ed6-52b3-4102-aeff-aad2292ab01c",
        "93d53678-613d-4013-afc1-62e9e444a0a5",
        "bc59ab01-8403-45c6-8796-ac3ef710b3e3",
    ];

    private static JsonElement Manifest
    {
        get
        {
            using var document = JsonDocument.Parse(InfraTemplates.ReadText("infra", "entra", "app-manifest.json"));
            return document.RootElement.Clone();
        }
    }

    [Test]
    public void AppRoles_ThreeRoles_HaveStableDistinctIdsForUsers()
    {
        var roles = Manifest.GetProperty("appRoles").EnumerateArray().ToList();

        Assert.That(roles.Select(r => r.GetProperty("value").GetString()), Is.EquivalentTo(new[] { "Physician", "ClinicAdmin", "ComplianceReviewer" }));
        var ids = roles.Select(r => Guid.Parse(r.GetProperty("id").GetString()!)).ToList();
        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.None.EqualTo(Guid.Empty));
        foreach (var role in roles)
        {
            Assert.That(role.GetProperty("allowedMemberTypes").EnumerateArray().Select(m => m.GetString()), Is.EqualTo(new[] { "User" }));
            Assert.That(role.GetProperty("isEnabled").GetBoolean(), Is.True);
        }
    }

    [Test]
    public void Api_TokenVersionAndScope_AreV2AndAccessAsUser()
    {
        var api = Manifest.GetProperty("api");
        var scope = api.GetProperty("oauth2PermissionScopes").EnumerateArray().Single();

        Assert.Multiple(() =>
        {
            Assert.That(api.GetProperty("requestedAccessTokenVersion").GetInt32(), Is.EqualTo(2));
            Assert.That(scope.GetProperty("value").GetString(), Is.EqualTo("access_as_user"));
            Assert.That(scope.GetProperty("type").GetString(), Is.EqualTo("User"));
            Assert.That(Manifest.GetProperty("identifierUris").EnumerateArray().Select(u => u.GetString()), Is.EqualTo(new[] { "api://{{ADDIN_HOST}}/{{CLIENT_ID}}" }), "Office SSO needs api://<host>/<client id>");
        });
    }

    [Test]
    public void Api_PreAuthorizedOfficeClients_ReferenceTheScope()
    {
        var api = Manifest.GetProperty("api");
        var scopeId = api.GetProperty("oauth2PermissionScopes")[0].GetProperty("id").GetString();
        var preAuthorized = api.GetProperty("preAuthorizedApplications").EnumerateArray().ToList();

        Assert.That(preAuthorized.Select(p => p.GetProperty("appId").GetString()), Is.EquivalentTo(OfficeClientIds));
        foreach (var client in preAuthorized)
        {
            Assert.That(client.GetProperty("delegatedPermissionIds").EnumerateArray().Select(d => d.GetString()), Is.EqualTo(new[] { scopeId }));
        }
    }

    [Test]
    public void Spa_RedirectUris_HoldTheNaaBrokerForTheAddInHost()
    {
        var redirects = Manifest.GetProperty("spa").GetProperty("redirectUris").EnumerateArray().Select(r => r.GetString());

        Assert.That(redirects, Does.Contain("brk-multihub://{{ADDIN_HOST}}"));
        // The app's web pages sign in with MSAL's redirect flow back to themselves (docs/clinic-page.md).
        Assert.That(redirects, Does.Contain("https://{{ADDIN_HOST}}/clinic/").And.Contain("https://{{ADDIN_HOST}}/review/"));
        Assert.That(Manifest.TryGetProperty("web", out _), Is.False, "no web (confidential) redirect: the registration holds no secret");
    }

    // The add-in's only permission: its own access_as_user scope (NAA), consented for the tenant by
    // register-app.sh. No Graph permission (GraphPermissionTests).
    [Test]
    public void RequiredResourceAccess_IsOnlyTheOwnScopeDelegated()
    {
        var scopeId = Manifest.GetProperty("api").GetProperty("oauth2PermissionScopes")[0].GetProperty("id").GetString();
        var access = Manifest.GetProperty("requiredResourceAccess").EnumerateArray().Single();

        Assert.That(access.GetProperty("resourceAppId").GetString(), Is.EqualTo("{{CLIENT_ID}}"));
        Assert.That(access.GetProperty("resourceAccess").EnumerateArray().Select(a => (a.GetProperty("id").GetString(), a.GetProperty("type").GetString())),
            Is.EqualTo(new[] { (scopeId, "Scope") }));
        Assert.That(InfraTemplates.ReadText("infra", "entra", "register-app.sh"), Does.Contain("az ad app permission admin-consent --id \"$app_id\""));
    }

    [Test]
    public void Manifest_SignInAudience_IsTheClinicTenantOnly()
    {
        Assert.That(Manifest.GetProperty("signInAudience").GetString(), Is.EqualTo("AzureADMyOrg"));
    }

    [Test]
    public void RegisterScript_RenderOnly_FillsHostAndKeepsGraphShape()
    {
        var (exitCode, stdout, stderr) = RunRegisterScript("--host", "clinicmail.clinique-exemple.med", "--spa-redirect", "https://clinicmail.clinique-exemple.med/addin/fallback.html", "--render-only");

        Assert.That(exitCode, Is.Zero, stderr);
        using var rendered = JsonDocument.Parse(stdout);
        var redirects = rendered.RootElement.GetProperty("spa").GetProperty("redirectUris").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.That(redirects, Is.EquivalentTo(new[]
        {
            "brk-multihub://clinicmail.clinique-exemple.med", "https://clinicmail.clinique-exemple.med/clinic/",
            "https://clinicmail.clinique-exemple.med/review/", "https://clinicmail.clinique-exemple.med/addin/fallback.html",
        }));
        Assert.That(stdout, Does.Not.Contain("{{"), "every placeholder must be filled");
    }

    [TestCase("https://clinicmail.example.med")]
    [TestCase("clinicmail.example.med/addin")]
    [TestCase("")]
    public void RegisterScript_HostWithSchemeOrPath_IsRefused(string host)
    {
        var (exitCode, _, stderr) = RunRegisterScript("--host", host, "--render-only");

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(stderr, Does.Contain("--host"));
    }

    [Test]
    public void RegisterScript_Source_IsIdempotentAndSecretless()
    {
        var script = InfraTemplates.ReadText("infra", "entra", "register-app.sh");

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("set -euo pipefail"));
            Assert.That(script, Does.Contain("az ad app list --filter \"displayName eq"), "looks the registration up before creating it");
            Assert.That(script, Does.Contain("az ad app create"));
            Assert.That(script, Does.Contain("az rest --method PATCH"));
            Assert.That(script, Does.Contain("appRoleAssignmentRequired"));
            Assert.That(script, Does.Not.Contain("credential reset").And.Not.Contain("--append").And.Not.Contain("passwordCredentials"));
        });
    }

    private static (int ExitCode, string Stdout, string Stderr) RunRegisterScript(params string[] arguments)
    {
        var result = Scripts.Run("bash", [Path.Combine(InfraTemplates.Root, "infra", "entra", "register-app.sh"), .. arguments]);
        return (result.ExitCode, result.Stdout, result.Stderr);
    }
}
