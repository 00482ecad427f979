using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClinicMail.Infra.Tests;

// Least privilege for Graph: what the scripts grant equals what the code calls. Entra grants nothing
// (an Entra application permission would reach every mailbox); Exchange RBAC for Applications grants
// the managed identity the Exchange application roles, each limited to a management scope.
public sealed partial class GraphPermissionTests
{
    private const string GraphAppId = "00000003-0000-0000-c000-000000000000";

    // Graph requests (REST path or Graph SDK request builder) -> the application permission they need.
    private static readonly (Regex Call, string Permission)[] CallPermissions =
    [
        (new Regex(@"/sendMail\b|\.SendMail\.", RegexOptions.IgnoreCase), "Mail.Send"),
        (new Regex(@"/(messages|mailFolders)\b|\.(Messages|MailFolders)\[", RegexOptions.None), "Mail.ReadWrite"),
        // The master category list (the colour of "ClinicMail : urgent" and the other ClinicMail categories).
        (new Regex(@"/outlook/masterCategories\b|\.Outlook\.MasterCategories\b", RegexOptions.None), "MailboxSettings.ReadWrite"),
        (new Regex(@"/domains\b|\.Domains\.", RegexOptions.None), "Domain.Read.All"),
        (new Regex(@"/(users|groups)\?|\.Users\.GetAsync|\.Groups\.GetAsync", RegexOptions.None), "User.Read.All"),
    ];

    private static IEnumerable<string> GraphSourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(InfraTemplates.Root, "functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("graph.microsoft.com", StringComparison.Ordinal) || text.Contains("GraphServiceClient", StringComparison.Ordinal)));

    private static ISet<string> NeededByCode() =>
        GraphSourceFiles()
            .SelectMany(f => CallPermissions.Where(c => c.Call.IsMatch(File.ReadAllText(f))).Select(c => c.Permission))
            .ToHashSet(StringComparer.Ordinal);

    private static ISet<string> GrantedByExchange() =>
        ExchangeRole().Matches(InfraTemplates.ReadText("infra", "exchange", "grant-mail-send.ps1"))
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

    [Test]
    public void Code_GraphCalls_AreFoundInTheMailSender()
    {
        Assert.That(GraphSourceFiles(), Is.Not.Empty, "the scan must see the Graph mail sender, or it proves nothing");
        Assert.That(NeededByCode(), Does.Contain("Mail.Send"));
    }

    [Test]
    public void Grants_ExchangeRoles_EqualTheGraphCallsTheCodeMakes()
    {
        Assert.That(GrantedByExchange(), Is.EquivalentTo(NeededByCode()), "granted but unused, or used but not granted");
    }

    [Test]
    public void Grants_Entra_HoldNoGraphApplicationPermission()
    {
        using var manifest = JsonDocument.Parse(InfraTemplates.ReadText("infra", "entra", "app-manifest.json"));
        var graph = manifest.RootElement.GetProperty("requiredResourceAccess").EnumerateArray()
            .Where(r => r.GetProperty("resourceAppId").GetString() == GraphAppId);
        var script = InfraTemplates.ReadText("infra", "entra", "register-app.sh");

        Assert.Multiple(() =>
        {
            Assert.That(graph, Is.Empty, "Entra and Exchange grants add up: an Entra Mail.Send would undo the mailbox scope");
            Assert.That(script, Does.Not.Contain("appRoleAssignments"), "register-app.sh grants no application permission");
            Assert.That(script, Does.Not.Contain("federatedIdentityCredentials"), "the managed identity calls Graph itself");
        });
    }

    [Test]
    public void Grants_EveryExchangeRole_IsScoped()
    {
        var script = InfraTemplates.ReadText("infra", "exchange", "grant-mail-send.ps1");

        Assert.Multiple(() =>
        {
            Assert.That(ExchangeRole().Matches(script).Select(m => m.Value), Has.All.Contain("-CustomResourceScope"));
            Assert.That(script, Does.Contain("New-ManagementScope").And.Contain("RecipientRestrictionFilter").And.Contain("MemberOfGroup"));
            Assert.That(script, Does.Contain("New-ServicePrincipal -AppId $AppId -ObjectId $ServicePrincipalObjectId"));
            Assert.That(script, Does.Contain("Test-ServicePrincipalAuthorization"));
        });
    }

    // The watched mailboxes' roles (read and mark mail; the categories' colours in the master list) reach the
    // watched scope only; the sender's scope holds Mail.Send alone.
    [TestCase("Mail.Send", "$ScopeName")]
    [TestCase("Mail.ReadWrite", "$WatchedScopeName")]
    [TestCase("MailboxSettings.ReadWrite", "$WatchedScopeName")]
    public void Grants_EachExchangeRole_IsOnItsOwnScope(string role, string scope)
    {
        var grants = ExchangeRole().Matches(InfraTemplates.ReadText("infra", "exchange", "grant-mail-send.ps1"))
            .Where(m => m.Groups[1].Value == role).Select(m => m.Value).ToList();

        Assert.That(grants, Has.Count.EqualTo(1));
        Assert.That(grants[0], Does.EndWith($"-CustomResourceScope {scope}"));
    }

    [Test]
    public void Templates_AndScripts_NeverMentionDomainReadAll()
    {
        foreach (var file in Directory.EnumerateFiles(InfraTemplates.InfraDirectory, "*", SearchOption.AllDirectories))
        {
            Assert.That(File.ReadAllText(file), Does.Not.Contain("Domain.Read.All").And.Not.Contain("dbb9058a-0e50-45d7-ae91-66909b5d4664"), file);
        }
    }

    // Production acquires Graph tokens with ManagedIdentityCredential for the user-assigned identity.
    [Test]
    public void Production_GraphCredential_IsTheUserAssignedManagedIdentity()
    {
        var registration = InfraTemplates.ReadText("functions", "ClinicMail.Application", "Secure", "SecureRegistration.cs");

        Assert.That(registration, Does.Contain("new ManagedIdentityCredential(").And.Contain("ManagedIdentityId.FromUserAssignedClientId("));
        Assert.That(AppSettingsTests.CoreSettings["Mail__ManagedIdentityClientId"].ToString(), Does.Contain("userAssignedIdentities").And.EndWith(".clientId"));
    }

    // "-Role 'Application Mail.Send'" in a New-ManagementRoleAssignment call -> "Mail.Send".
    [GeneratedRegex(@"-Role 'Application ([A-Za-z.]+)'[^\n]*")]
    private static partial Regex ExchangeRole();
}
