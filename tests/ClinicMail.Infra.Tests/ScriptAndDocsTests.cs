using System.Text.RegularExpressions;

namespace ClinicMail.Infra.Tests;

// PowerShell cannot be run here (no pwsh), so the Exchange scripts are checked for the cmdlets and
// parameters that carry their security meaning, plus basic well-formedness.
public sealed partial class ScriptAndDocsTests
{
    private static string GrantMailSend => InfraTemplates.ReadText("infra", "exchange", "grant-mail-send.ps1");

    private static string PurviewRule => InfraTemplates.ReadText("infra", "exchange", "purview-encryption-rule.ps1");

    [TestCase("New-DistributionGroup")]
    [TestCase("-Type Security")]
    [TestCase("Add-DistributionGroupMember")]
    [TestCase("Remove-DistributionGroupMember")]
    [TestCase("New-ServicePrincipal")]
    [TestCase("New-ManagementScope")]
    [TestCase("New-ManagementRoleAssignment")]
    [TestCase("-CustomResourceScope $ScopeName")]
    [TestCase("Remove-ManagementRoleAssignment")]
    [TestCase("Test-ServicePrincipalAuthorization")]
    [TestCase("Connect-ExchangeOnline")]
    public void GrantMailSend_Script_UsesScopedRbacForApplications(string expected)
    {
        Assert.That(GrantMailSend, Does.Contain(expected));
    }

    [Test]
    public void GrantMailSend_Script_NeverGrantsTenantWideAccess()
    {
        Assert.That(GrantMailSend, Does.Not.Contain("ApplicationAccessPolicy"), "the legacy access policies are replaced by RBAC for Applications");
        Assert.That(GrantMailSend, Does.Not.Contain("Add-MailboxPermission"));
    }

    [TestCase("New-TransportRule")]
    [TestCase("Set-TransportRule")]
    [TestCase("HeaderMatchesMessageHeader")]
    [TestCase("'X-ClinicMail-Encrypt'")]
    [TestCase("'^required$'")]
    [TestCase("ApplyRightsProtectionTemplate")]
    [TestCase("'NotInOrganization'")]
    public void PurviewRule_Script_EncryptsOnTheClinicMailHeader(string expected)
    {
        Assert.That(PurviewRule, Does.Contain(expected));
    }

    [TestCase("grant-mail-send.ps1")]
    [TestCase("purview-encryption-rule.ps1")]
    public void ExchangeScripts_Structure_IsWellFormedAndStrict(string name)
    {
        var script = InfraTemplates.ReadText("infra", "exchange", name);

        Assert.Multiple(() =>
        {
            Assert.That(script.Count(c => c == '{'), Is.EqualTo(script.Count(c => c == '}')), "unbalanced braces");
            Assert.That(script.Count(c => c == '('), Is.EqualTo(script.Count(c => c == ')')), "unbalanced parentheses");
            Assert.That(script, Does.Contain("[CmdletBinding(SupportsShouldProcess)]"), "supports -WhatIf for a dry run");
            Assert.That(script, Does.Contain("$ErrorActionPreference = 'Stop'"));
            Assert.That(script, Does.Contain("Set-StrictMode -Version Latest"));
        });
    }

    [Test]
    public void DeployDoc_ReferencedRepositoryPaths_Exist()
    {
        var doc = InfraTemplates.ReadText("docs", "deploy.md");
        var paths = RepoPath().Matches(doc).Select(m => m.Value.TrimEnd('.', ',', ')')).Distinct(StringComparer.Ordinal).ToList();

        Assert.That(paths, Is.Not.Empty);
        var missing = paths.Where(p => !NotInRepository.Contains(p)
            && !File.Exists(Path.Combine(InfraTemplates.Root, p)) && !Directory.Exists(Path.Combine(InfraTemplates.Root, p)));
        Assert.That(missing, Is.Empty);
    }

    [TestCase("az deployment group create")]
    [TestCase("az functionapp deploy")]
    [TestCase("OnSendAddinsEnabled")]
    [TestCase("Integrated apps")]
    [TestCase("infra/deploy.sh --what-if")]
    [TestCase("RBAC for Applications")]
    [TestCase("custom domain")]
    [TestCase("Smart Alerts")]
    [TestCase("create-app-role.sql")]
    [TestCase("Rollback")]
    [TestCase("Least privilege")]
    public void DeployDoc_Procedure_CoversStep(string expected)
    {
        Assert.That(InfraTemplates.ReadText("docs", "deploy.md"), Does.Contain(expected));
    }

    // functions/publish.sh belongs to the HTTP app's packaging work (written in parallel);
    // infra/main.parameters.json is the clinic's own copy of the example (git-ignored).
    private static readonly HashSet<string> NotInRepository = new(StringComparer.Ordinal)
    {
        "functions/publish.sh",
        "infra/main.parameters.json",
    };

    [GeneratedRegex(@"\b(?:infra|docs|functions)/[A-Za-z0-9_./-]+\.(?:bicep|json|sh|ps1|sql|md)\b")]
    private static partial Regex RepoPath();
}
