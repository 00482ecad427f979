using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

public sealed class StorageAndMonitoringTemplateTests
{
    private static ArmResource Storage => InfraTemplates.Single("Microsoft.Storage/storageAccounts");

    private static IReadOnlyList<ArmResource> DiagnosticSettings => InfraTemplates.Declared("Microsoft.Insights/diagnosticSettings");

    [Test]
    public void Storage_Access_IsIdentityOnlyOverTls12()
    {
        Assert.Multiple(() =>
        {
            Assert.That((bool)Storage.At("properties.allowSharedKeyAccess")!, Is.False);
            Assert.That((bool)Storage.At("properties.allowBlobPublicAccess")!, Is.False);
            Assert.That((bool)Storage.At("properties.supportsHttpsTrafficOnly")!, Is.True);
            Assert.That(Storage.String("properties.minimumTlsVersion"), Is.EqualTo("TLS1_2"));
            Assert.That((bool)Storage.At("properties.defaultToOAuthAuthentication")!, Is.True);
        });
    }

    [Test]
    public void DeploymentContainer_PublicAccess_IsNone()
    {
        var containers = InfraTemplates.Declared("Microsoft.Storage/storageAccounts/blobServices/containers");

        Assert.That(containers, Has.Count.EqualTo(3), "the deployment container, the audit checkpoint container and the record-filing container");
        Assert.That(containers.Select(c => c.String("properties.publicAccess")), Is.All.EqualTo("None"));
    }

    [Test]
    public void AppInsights_Workspace_IsTheLogAnalyticsWorkspace()
    {
        var insights = InfraTemplates.Single("Microsoft.Insights/components");

        Assert.Multiple(() =>
        {
            Assert.That(insights.String("properties.WorkspaceResourceId"), Is.EqualTo("[resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspaceName'))]"));
            Assert.That(insights.String("properties.IngestionMode"), Is.EqualTo("LogAnalytics"));
            Assert.That((bool)insights.At("properties.DisableLocalAuth")!, Is.True);
        });
    }

    // Key Vault AuditEvent (every wrap/unwrap/sign, who and whether allowed), PostgreSQL server logs
    // and the function app's logs all go to the one workspace.
    [TestCase("Microsoft.KeyVault/vaults", "AuditEvent")]
    [TestCase("Microsoft.DBforPostgreSQL/flexibleServers", "PostgreSQLLogs")]
    [TestCase("Microsoft.Web/sites", "FunctionAppLogs")]
    public void DiagnosticSettings_Resource_SendsItsLogsToTheWorkspace(string scopeType, string category)
    {
        var setting = DiagnosticSettings.SingleOrDefault(d => d.String("scope").StartsWith($"[resourceId('{scopeType}',", StringComparison.Ordinal));

        Assert.That(setting, Is.Not.Null, $"a diagnostic setting on {scopeType}");
        var logs = setting!.At("properties.logs")!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(logs.Select(l => l!["category"]?.ToString()), Does.Contain(category));
            Assert.That(logs.All(l => (bool)l!["enabled"]!), Is.True);
            Assert.That(setting.String("properties.workspaceId"), Is.EqualTo("[parameters('workspaceId')]"));
            Assert.That(setting.Template.PassedParameter("workspaceId")!.ToString(), Does.Contain("'clinicmail-monitoring'").And.Contain("outputs.workspaceId"));
        });
    }
}
