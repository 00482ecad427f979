using System.Globalization;
using System.Text.RegularExpressions;
using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// What the compiled template declares, with which API versions; and every template compiled and
// linted by the real Bicep CLI with no warning (a suppression must say why).
public sealed partial class ResourceInventoryTests
{
    // Minimum API versions: the first GA versions that carry the properties we rely on
    // (functionAppConfig for Flex Consumption, authConfig on PostgreSQL, RBAC/purge protection...).
    [TestCase("Microsoft.Web/serverfarms", "2024-04-01")]
    [TestCase("Microsoft.Web/sites", "2024-04-01")]
    [TestCase("Microsoft.Web/sites/config", "2024-04-01")]
    [TestCase("Microsoft.Web/sites/basicPublishingCredentialsPolicies", "2024-04-01")]
    [TestCase("Microsoft.Storage/storageAccounts", "2023-05-01")]
    [TestCase("Microsoft.Storage/storageAccounts/blobServices/containers", "2023-05-01")]
    [TestCase("Microsoft.Storage/storageAccounts/queueServices/queues", "2023-05-01")]
    [TestCase("Microsoft.KeyVault/vaults", "2024-11-01")]
    [TestCase("Microsoft.KeyVault/vaults/keys", "2024-11-01")]
    [TestCase("Microsoft.DBforPostgreSQL/flexibleServers", "2024-08-01")]
    [TestCase("Microsoft.DBforPostgreSQL/flexibleServers/administrators", "2024-08-01")]
    [TestCase("Microsoft.DBforPostgreSQL/flexibleServers/databases", "2024-08-01")]
    [TestCase("Microsoft.DBforPostgreSQL/flexibleServers/configurations", "2024-08-01")]
    [TestCase("Microsoft.Insights/components", "2020-02-02")]
    [TestCase("Microsoft.OperationalInsights/workspaces", "2023-09-01")]
    [TestCase("Microsoft.Authorization/roleDefinitions", "2022-04-01")]
    [TestCase("Microsoft.Authorization/roleAssignments", "2022-04-01")]
    [TestCase("Microsoft.ManagedIdentity/userAssignedIdentities", "2023-01-31")]
    public void Declared_RequiredResourceType_UsesCurrentGaApiVersion(string type, string minimum)
    {
        var resources = InfraTemplates.Declared(type);

        Assert.That(resources, Is.Not.Empty, $"{type} must be declared");
        foreach (var resource in resources)
        {
            Assert.That(resource.ApiVersion, Does.Match(@"^\d{4}-\d{2}-\d{2}$"), $"{resource}: GA API version expected, not a preview");
            var version = DateOnly.ParseExact(resource.ApiVersion, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.That(version, Is.GreaterThanOrEqualTo(DateOnly.ParseExact(minimum, "yyyy-MM-dd", CultureInfo.InvariantCulture)), $"{resource}");
        }
    }

    // Diagnostic settings have no GA API version that carries categoryGroup/metrics with a
    // workspace; 2021-05-01-preview is the one Microsoft's own samples and AVM modules use.
    [Test]
    public void Declared_PreviewApiVersions_AreOnlyDiagnosticSettings()
    {
        var previews = InfraTemplates.All.SelectMany(t => t.Resources).Where(r => r.ApiVersion.Contains("preview", StringComparison.Ordinal));

        Assert.That(previews.Select(r => $"{r.Type}@{r.ApiVersion}").Distinct(), Is.EquivalentTo(new[] { "Microsoft.Insights/diagnosticSettings@2021-05-01-preview" }));
    }

    [Test]
    public void AllTemplates_SameResourceType_UsesOneApiVersion()
    {
        var mixed = InfraTemplates.All.SelectMany(t => t.Resources)
            .GroupBy(r => r.Type, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Select(r => r.ApiVersion).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => g.Key);

        Assert.That(mixed, Is.Empty, "a type referenced with two API versions drifts silently");
    }

    [Test]
    public void Main_Build_HasNoDiagnostic()
    {
        Assert.That(InfraTemplates.MainBuildDiagnostics, Is.Empty, "bicep build warnings are failures");
        Assert.That(BicepCli.Version(), Does.Contain(BicepCli.ProjectBicepVersion()));
    }

    public static IEnumerable<TestCaseData> BicepFiles() =>
        InfraTemplates.BicepFiles.Select(f => new TestCaseData(f).SetArgDisplayNames(Path.GetRelativePath(InfraTemplates.InfraDirectory, f)));

    [TestCaseSource(nameof(BicepFiles))]
    public void Template_Lint_HasNoDiagnostic(string file)
    {
        Assert.That(BicepCli.Lint(file), Is.Empty, "bicep lint warnings are failures (suppress one only with a comment saying why)");
    }

    // The check above is only as good as its reading of the CLI's output: a template with an unused
    // parameter must come back with the linter's warning.
    [Test]
    public void Lint_TemplateWithAWarning_IsReported()
    {
        var file = Path.Combine(Path.GetTempPath(), $"clinicmail-lint-{Guid.NewGuid():N}.bicep");
        File.WriteAllText(file, "param unused string\n");
        try
        {
            Assert.That(BicepCli.Lint(file), Has.Exactly(1).Contains("Warning no-unused-params"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    // "#disable-next-line rule" and "#disable-diagnostics" must carry a reason on the same line.
    [TestCaseSource(nameof(BicepFiles))]
    public void Template_Suppression_SaysWhy(string file)
    {
        foreach (Match suppression in Suppression().Matches(File.ReadAllText(file)))
        {
            Assert.That(suppression.Groups["why"].Value.Trim(), Has.Length.GreaterThan(10), $"{suppression.Value} needs a '// why' comment");
        }
    }

    [Test]
    public void Main_TargetScope_IsResourceGroup()
    {
        Assert.That(InfraTemplates.Main.Json["$schema"]!.ToString(), Does.Contain("deploymentTemplate.json"));
        Assert.That(InfraTemplates.Module("functionapp").Deployment!["properties"]!["mode"]!.ToString(), Is.EqualTo("Incremental"));
    }

    [GeneratedRegex(@"#disable-(next-line|diagnostics)[^\n/]*(//(?<why>[^\n]*))?")]
    private static partial Regex Suppression();
}
