using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// One source of truth for identity: infra/deploy.sh takes the host and derives (infra/identity.sh) the
// application ID URI, scope, audiences, issuer and NAA redirect once for the sample client id and
// tenant; every other artefact derives them on its own, and each must agree with deploy's values:
// the Entra registration (register-app.sh), the built add-in (defines.mjs: NAA scope and
// dist/manifest.xml), the API's settings (compiled Bicep app settings, read by IdentityOptions).
public sealed class IdentityConsistencyTests
{
    private const string Host = DeployScriptTests.Host;
    private const string ClientId = DeployScriptTests.ClientId;
    private const string TenantId = DeployScriptTests.TenantId;

    private static readonly Lazy<IReadOnlyDictionary<string, string>> LazyDerived = new(() =>
    {
        var plan = DeployScriptTests.WhatIf("--client-id", ClientId, "--tenant-id", TenantId);
        Assert.That(plan.Result.ExitCode, Is.Zero, plan.Result.Stderr);
        return plan.Derived;
    });

    private static IReadOnlyDictionary<string, string> Derived => LazyDerived.Value;

    [Test]
    public void Deploy_DerivedValues_FollowTheEntraShapeForTheSample()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Derived["CLINICMAIL_APP_ID_URI"], Is.EqualTo($"api://{Host}/{ClientId}"));
            Assert.That(Derived["CLINICMAIL_API_SCOPE"], Is.EqualTo($"api://{Host}/{ClientId}/access_as_user"));
            Assert.That(Derived["CLINICMAIL_ACCEPTED_AUDIENCES"].Split(' '), Is.EqualTo(new[] { ClientId, $"api://{Host}/{ClientId}" }));
            Assert.That(Derived["CLINICMAIL_ISSUER"], Is.EqualTo($"https://login.microsoftonline.com/{TenantId}/v2.0"));
            Assert.That(Derived["CLINICMAIL_NAA_REDIRECT"], Is.EqualTo($"brk-multihub://{Host}"));
            Assert.That(Derived["CLINICMAIL_HOST"], Is.EqualTo($"https://{Host}"));
        });
    }

    [Test]
    public void EntraRegistration_Rendered_AgreesWithDeploy()
    {
        var result = Scripts.Run("bash", [Path.Combine(InfraTemplates.Root, "infra", "entra", "register-app.sh"), "--host", Host, "--render-only"],
            new Dictionary<string, string> { ["CLIENT_ID_FOR_RENDER"] = ClientId });
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        var scope = root.GetProperty("api").GetProperty("oauth2PermissionScopes").EnumerateArray().Single().GetProperty("value").GetString();

        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("identifierUris").EnumerateArray().Select(u => u.GetString()), Is.EqualTo(new[] { Derived["CLINICMAIL_APP_ID_URI"] }));
            Assert.That($"{Derived["CLINICMAIL_APP_ID_URI"]}/{scope}", Is.EqualTo(Derived["CLINICMAIL_API_SCOPE"]));
            Assert.That(root.GetProperty("spa").GetProperty("redirectUris").EnumerateArray().Select(u => u.GetString()), Does.Contain(Derived["CLINICMAIL_NAA_REDIRECT"]));
            // v2 tokens: aud is the client id, the first accepted audience.
            Assert.That(root.GetProperty("api").GetProperty("requestedAccessTokenVersion").GetInt32(), Is.EqualTo(2));
        });
    }

    [Test]
    public void AddinBuild_ScopeAndManifest_AgreeWithDeploy()
    {
        const string script = """
            const [defines, manifestPath] = process.argv.slice(1);
            const { buildSettings, deployManifest } = await import(defines);
            const { readFileSync } = await import("node:fs");
            const settings = buildSettings({ CLINICMAIL_HOST: process.env.H, CLINICMAIL_CLIENT_ID: process.env.C });
            console.log(JSON.stringify({ ...settings, manifest: deployManifest(readFileSync(manifestPath, "utf8"), settings) }));
            """;
        var result = Scripts.Run("node", ["--input-type=module", "-e", script,
            Path.Combine(InfraTemplates.Root, "addin", "scripts", "defines.mjs"), Path.Combine(InfraTemplates.Root, "manifest.xml")],
            new Dictionary<string, string> { ["H"] = Derived["CLINICMAIL_HOST"], ["C"] = ClientId });
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        var built = JsonNode.Parse(result.Stdout)!;
        var manifest = XDocument.Parse(built["manifest"]!.GetValue<string>());
        XNamespace ov = "http://schemas.microsoft.com/office/mailappversionoverrides/1.1";
        var webApp = manifest.Descendants(ov + "WebApplicationInfo").Single();
        var urls = manifest.Descendants().Attributes("DefaultValue").Select(a => a.Value).Where(v => v.StartsWith("https://", StringComparison.Ordinal)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(built["apiScope"]!.GetValue<string>(), Is.EqualTo(Derived["CLINICMAIL_API_SCOPE"]), "the add-in's NAA scope");
            Assert.That(built["clientId"]!.GetValue<string>(), Is.EqualTo(ClientId));
            Assert.That(webApp.Element(ov + "Id")!.Value, Is.EqualTo(ClientId));
            Assert.That(webApp.Element(ov + "Resource")!.Value, Is.EqualTo(Derived["CLINICMAIL_APP_ID_URI"]));
            Assert.That(manifest.Descendants().Where(e => e.Name.LocalName == "AppDomain").Select(e => e.Value), Does.Contain(Derived["CLINICMAIL_HOST"]));
            Assert.That(urls, Is.Not.Empty);
            Assert.That(urls, Has.All.StartWith(Derived["CLINICMAIL_HOST"] + "/"), "every add-in URL on the deployed host");
            Assert.That(built["manifest"]!.GetValue<string>(), Does.Not.Contain("localhost").And.Not.Contain("00000000-0000-0000-0000-000000000000"));
        });
    }

    // The API accepts exactly IdentityOptions.ValidAudiences(): Identity:ClientId and Identity:Audience,
    // with issuers https://login.microsoftonline.com/{Identity:AllowedTenants}/v2.0.
    [Test]
    public void BicepAppSettings_ForTheSample_AreTheApisAcceptedAudiencesAndIssuer()
    {
        var main = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["publicHostName"] = JsonValue.Create(Host),
            ["entraClientId"] = JsonValue.Create(ClientId),
        };
        var functionApp = InfraTemplates.Module("functionapp");
        var moduleParameters = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var mainEvaluator = new ArmEvaluator(main, TenantId);
        foreach (var name in new[] { "publicHostName", "entraClientId" })
        {
            moduleParameters[name] = JsonValue.Create((string)mainEvaluator.Evaluate(ArmExpression.Of(functionApp.PassedParameter(name)))!);
        }
        var evaluator = new ArmEvaluator(moduleParameters, TenantId);
        var settings = AppSettingsTests.CoreSettings;
        string Setting(string name) => evaluator.Evaluate(settings[name]) as string ?? throw new AssertionException($"{name} is not known before deployment: {settings[name]}");

        Assert.Multiple(() =>
        {
            Assert.That(new[] { Setting("Identity__ClientId"), Setting("Identity__Audience") }, Is.EqualTo(Derived["CLINICMAIL_ACCEPTED_AUDIENCES"].Split(' ')));
            Assert.That($"https://login.microsoftonline.com/{Setting("Identity__AllowedTenants__0")}/v2.0", Is.EqualTo(Derived["CLINICMAIL_ISSUER"]));
            Assert.That(Setting("ClinicMail__PublicBaseUrl"), Is.EqualTo(Derived["CLINICMAIL_HOST"]));
            Assert.That(Setting("Identity__Mode"), Is.EqualTo("Entra"), "never the development issuer in Azure");
        });
    }
}
