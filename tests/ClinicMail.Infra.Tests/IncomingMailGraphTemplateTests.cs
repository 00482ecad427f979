using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClinicMail.Application.Incoming;
using ClinicMail.Core.Incoming;
using Microsoft.Extensions.Configuration;

namespace ClinicMail.Infra.Tests;

// Issue 18, Graph mode in the Bicep: the watched mailboxes become IncomingMail__Mailboxes__<i>__*, the
// watcher is on with them, Graph's two callbacks point at the worker's routes on the public host, and the
// clientState and one-time-code HMAC keys are Key Vault references resolved with the user-assigned
// identity. The settings are the compiled template's, evaluated for 0, 1 and 2 mailboxes, then bound by
// the application's own options class.
public sealed partial class IncomingMailGraphTemplateTests
{
    private static JsonObject Box(string address, string mode, int? delay = null, string? owner = null)
    {
        var box = new JsonObject { ["address"] = address, ["mode"] = mode };
        if (delay is not null) box["responseDelayBusinessDays"] = delay;
        if (owner is not null) box["ownerObjectId"] = owner;
        return box;
    }

    private static IReadOnlyDictionary<string, string> MailboxSettings(IReadOnlyDictionary<string, string> settings) =>
        settings.Where(s => s.Key.StartsWith("IncomingMail__Mailboxes__", StringComparison.Ordinal)).ToDictionary(s => s.Key, s => s.Value);

    private static string MainVariable(string name) => InfraTemplates.Main.Variable(name)!.GetValue<string>();

    // As the platform hands them to the app: a Key Vault reference becomes the secret's value.
    private static IConfiguration AsResolved(IReadOnlyDictionary<string, string> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(
            s.Key.Replace("__", ":", StringComparison.Ordinal),
            (string?)(s.Value.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal) ? Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7)).ToArray()) : s.Value)))).Build();

    private static IncomingMailOptions Bound(IReadOnlyDictionary<string, string> settings) =>
        AsResolved(settings).GetSection(IncomingMailOptions.Section).Get<IncomingMailOptions>()!;

    [Test]
    public void NoMailbox_WatcherOff_GraphCallbacksAndKeyStillSet()
    {
        var settings = DeployedSettings.For(DeployedSettings.Mailboxes());

        Assert.Multiple(() =>
        {
            Assert.That(settings["IncomingMail__Enabled"], Is.EqualTo("false"));
            Assert.That(MailboxSettings(settings), Is.Empty);
            Assert.That(settings["IncomingMail__Graph__NotificationUrl"], Is.EqualTo($"https://{DeployedSettings.Host}/api/v1/mail/notifications"));
            Assert.That(settings["IncomingMail__Graph__ClientStateKey"], Does.StartWith("@Microsoft.KeyVault(SecretUri="));
            Assert.That(Bound(settings).IsEnabled(development: false), Is.False);
        });
    }

    [Test]
    public void OneMailbox_AddressAndMode_OneIndexedGroup()
    {
        var settings = DeployedSettings.For(DeployedSettings.Mailboxes(Box("dre.tremblay@clinique-exemple.med", "correspondence")));

        Assert.That(MailboxSettings(settings), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["IncomingMail__Mailboxes__0__Address"] = "dre.tremblay@clinique-exemple.med",
            ["IncomingMail__Mailboxes__0__Mode"] = "Correspondence",
        }));
        Assert.That(settings["IncomingMail__Enabled"], Is.EqualTo("true"));
    }

    [Test]
    public void TwoMailboxes_BothModesAndOptionalFields_BindAsTheAppReadsThem()
    {
        const string owner = "5f0c7a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
        var settings = DeployedSettings.For(DeployedSettings.Mailboxes(
            Box("dre.tremblay@clinique-exemple.med", "correspondence", delay: 3, owner: owner),
            Box("clinique@clinique-exemple.med", "not_for_patients")), clinicName: "Clinique Exemple");

        var options = Bound(settings);

        Assert.Multiple(() =>
        {
            Assert.That(MailboxSettings(settings).Keys, Is.EquivalentTo(new[]
            {
                "IncomingMail__Mailboxes__0__Address", "IncomingMail__Mailboxes__0__Mode", "IncomingMail__Mailboxes__0__ResponseDelayBusinessDays",
                "IncomingMail__Mailboxes__0__OwnerObjectId", "IncomingMail__Mailboxes__1__Address", "IncomingMail__Mailboxes__1__Mode",
            }), "an optional field absent is no setting (the app's default applies)");
            Assert.That(options.Mailboxes.Select(b => (b.Address, b.Mode)), Is.EqualTo(new[]
            {
                ("dre.tremblay@clinique-exemple.med", MailboxMode.Correspondence),
                ("clinique@clinique-exemple.med", MailboxMode.NotForPatients),
            }));
            Assert.That(options.Mailboxes[0].ResponseDelayBusinessDays, Is.EqualTo(3));
            Assert.That(options.Mailboxes[0].OwnerObjectId, Is.EqualTo(owner));
            Assert.That(options.Mailboxes[1].ResponseDelayBusinessDays, Is.EqualTo(new MailboxSetting().ResponseDelayBusinessDays));
            Assert.That(options.ClinicPhone, Is.EqualTo("514 555-0100"));
            Assert.That(options.ClinicName, Is.EqualTo("Clinique Exemple"));
            Assert.That(options.IsEnabled(development: false), Is.True);
            Assert.That(options.Graph.IsEnabled, Is.True, "NotificationUrl set: Graph mode, not the drop folder");
            Assert.That(options.Problems(), Is.Empty, "the start-up check of incoming mail passes");
        });
    }

    // The binder reads MailboxMode by its .NET name: a mode outside the two fails the deployment (a missing
    // property) rather than watching a box in the wrong mode.
    [Test]
    public void UnknownMode_FailsTheDeployment()
    {
        Assert.Throws<InvalidOperationException>(() => DeployedSettings.For(DeployedSettings.Mailboxes(Box("dre.tremblay@clinique-exemple.med", "not-for-patients"))));
    }

    [Test]
    public void Mailboxes_WithoutClinicPhone_FailTheIncomingMailCheckNamingIt()
    {
        var settings = DeployedSettings.For(DeployedSettings.Mailboxes(Box("dre.tremblay@clinique-exemple.med", "correspondence")), clinicPhone: "");

        Assert.That(settings.Keys, Does.Not.Contain("IncomingMail__ClinicPhone"));
        Assert.That(Bound(settings).Problems(), Has.Some.Contains("IncomingMail:ClinicPhone"),
            "production start-up stops on it: infra/deploy.sh refuses watched mailboxes without --clinic-phone for this reason");
    }

    // The callback URLs are the worker's own routes (routePrefix "" in host.json) on the public host.
    [Test]
    public void CallbackUrls_AreTheWorkersRoutesOnThePublicHost()
    {
        var settings = DeployedSettings.For(DeployedSettings.Mailboxes());
        var routes = Directory.EnumerateFiles(Path.Combine(InfraTemplates.Root, "functions", "ClinicMail.Functions"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => Route().Matches(File.ReadAllText(f)).Select(m => "/" + m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        var notification = new Uri(settings["IncomingMail__Graph__NotificationUrl"]);
        var lifecycle = new Uri(settings["IncomingMail__Graph__LifecycleNotificationUrl"]);

        Assert.Multiple(() =>
        {
            Assert.That(routes, Does.Contain(notification.AbsolutePath).And.Contain(lifecycle.AbsolutePath));
            Assert.That(notification.AbsolutePath, Is.EqualTo("/api/v1/mail/notifications"));
            Assert.That(lifecycle.AbsolutePath, Is.EqualTo("/api/v1/mail/lifecycle"));
            Assert.That(new[] { notification, lifecycle }.Select(u => (u.Scheme, u.Host)), Has.All.EqualTo((Uri.UriSchemeHttps, DeployedSettings.Host)));
            Assert.That(InfraTemplates.ReadText("functions", "ClinicMail.Functions", "host.json"), Does.Match("\"routePrefix\"\\s*:\\s*\"\""));
        });
    }

    [TestCase("IncomingMail__Graph__ClientStateKey", "clientStateKeyName")]
    [TestCase("Secure__CodeKey", "codeKeyName")]
    public void HmacKeys_AreKeyVaultReferencesToTheirSecret(string setting, string nameVariable)
    {
        var settings = DeployedSettings.For(DeployedSettings.Mailboxes());

        Assert.That(settings[setting], Is.EqualTo($"@Microsoft.KeyVault(SecretUri={DeployedSettings.VaultUri}secrets/{MainVariable(nameVariable)})"),
            "versionless: the platform follows a new version of the secret");
    }

    // The platform resolves references with the site's keyVaultReferenceIdentity; unset, it would use a
    // system-assigned identity, which this app does not have.
    [Test]
    public void Site_KeyVaultReferenceIdentity_IsTheUserAssignedIdentity()
    {
        var site = InfraTemplates.Single("Microsoft.Web/sites");

        const string identity = "resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName'))";

        Assert.That(site.String("properties.keyVaultReferenceIdentity"), Is.EqualTo($"[{identity}]"));
        Assert.That(site.At("identity.userAssignedIdentities")!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { $"[format('{{0}}', {identity})]" }),
            "the app's only identity");
    }

    // infra/app-secrets.sh creates exactly the secrets the template references and grants.
    [Test]
    public void SecretNames_InTheScript_AreTheTemplates()
    {
        var script = InfraTemplates.ReadText("infra", "app-secrets.sh");
        var names = ScriptNames().Match(script).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(names, Is.EquivalentTo(new[] { MainVariable("clientStateKeyName"), MainVariable("codeKeyName") }));
    }

    [GeneratedRegex("Route = \"(api/v1/mail/[a-z]+)\"")]
    private static partial Regex Route();

    [GeneratedRegex(@"^names=\(([^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex ScriptNames();
}
