using System.Globalization;
using System.Text.RegularExpressions;
using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// What the templates declare, with which API versions, and whether main.bicep wires its modules
// consistently (what a compiler would catch first: unknown or missing module params and outputs).
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
    public void Declared_RequiredResourceType_UsesCurrentGaApiVersion(string type, string minimum)
    {
        var resources = InfraTemplates.Declared(type);

        Assert.That(resources, Is.Not.Empty, $"{type} must be declared");
        foreach (var resource in resources)
        {
            Assert.That(resource.ApiVersion, Does.Match(@"^\d{4}-\d{2}-\d{2}$"), $"{resource.Symbol}: GA API version expected, not a preview");
            var version = DateOnly.ParseExact(resource.ApiVersion, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.That(version, Is.GreaterThanOrEqualTo(DateOnly.ParseExact(minimum, "yyyy-MM-dd", CultureInfo.InvariantCulture)),
                $"{resource.Symbol} in {Path.GetFileName(resource.FilePath)} uses {type}@{resource.ApiVersion}");
        }
    }

    [Test]
    public void AllTemplates_SameResourceType_UsesOneApiVersion()
    {
        var mixed = InfraTemplates.All.SelectMany(f => f.Resources)
            .GroupBy(r => r.Type, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Select(r => r.ApiVersion).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => g.Key);

        Assert.That(mixed, Is.Empty, "a type referenced with two API versions drifts silently");
    }

    [Test]
    public void Main_ModuleParams_MatchModuleDeclarations()
    {
        foreach (var module in InfraTemplates.Main.Modules)
        {
            var target = InfraTemplates.File(module.Path);
            var passed = ((BicepObject)((BicepObject)module.Body)["params"]!).Keys.ToList();
            var declared = target.Params.Select(p => p.Name).ToList();
            var required = target.Params.Where(p => p.DefaultValue is null).Select(p => p.Name);

            Assert.That(declared, Is.SupersetOf(passed), $"module {module.Symbol} passes a parameter {module.Path} does not declare");
            Assert.That(passed, Is.SupersetOf(required), $"module {module.Symbol} misses a required parameter of {module.Path}");
        }
    }

    [Test]
    public void Main_ModuleOutputReferences_ExistInModules()
    {
        var modules = InfraTemplates.Main.Modules.ToDictionary(m => m.Symbol, m => InfraTemplates.File(m.Path), StringComparer.Ordinal);
        var references = OutputReference().Matches(InfraTemplates.Main.Text);

        Assert.That(references, Is.Not.Empty);
        foreach (Match reference in references)
        {
            var symbol = reference.Groups[1].Value;
            var output = reference.Groups[2].Value;
            Assert.That(modules, Does.ContainKey(symbol), $"unknown module {symbol}");
            Assert.That(modules[symbol].Outputs.Select(o => o.Name), Does.Contain(output), $"{symbol}.outputs.{output} is not declared");
        }
    }

    [Test]
    public void Main_TargetScope_IsResourceGroup()
    {
        Assert.That(InfraTemplates.Main.Text, Does.Contain("targetScope = 'resourceGroup'"));
    }

    [GeneratedRegex(@"\b(\w+)\.outputs\.(\w+)")]
    private static partial Regex OutputReference();
}
