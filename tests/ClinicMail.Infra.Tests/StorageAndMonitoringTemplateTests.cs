using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

public sealed class StorageAndMonitoringTemplateTests
{
    private static BicepResource Storage => InfraTemplates.Single("Microsoft.Storage/storageAccounts");

    [Test]
    public void Storage_Access_IsIdentityOnlyOverTls12()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Boolean(Storage.At("properties.allowSharedKeyAccess"), "allowSharedKeyAccess"), Is.False);
            Assert.That(BicepAssert.Boolean(Storage.At("properties.allowBlobPublicAccess"), "allowBlobPublicAccess"), Is.False);
            Assert.That(BicepAssert.Boolean(Storage.At("properties.supportsHttpsTrafficOnly"), "supportsHttpsTrafficOnly"), Is.True);
            Assert.That(BicepAssert.Literal(Storage.At("properties.minimumTlsVersion"), "minimumTlsVersion"), Is.EqualTo("TLS1_2"));
            Assert.That(BicepAssert.Boolean(Storage.At("properties.defaultToOAuthAuthentication"), "defaultToOAuthAuthentication"), Is.True);
        });
    }

    [Test]
    public void DeploymentContainer_PublicAccess_IsNone()
    {
        var container = InfraTemplates.Single("Microsoft.Storage/storageAccounts/blobServices/containers");

        Assert.That(BicepAssert.Literal(container.At("properties.publicAccess"), "publicAccess"), Is.EqualTo("None"));
    }

    [Test]
    public void AppInsights_Workspace_IsTheLogAnalyticsWorkspace()
    {
        var insights = InfraTemplates.Single("Microsoft.Insights/components");
        var workspace = InfraTemplates.Single("Microsoft.OperationalInsights/workspaces");

        Assert.Multiple(() =>
        {
            Assert.That(insights.FilePath, Is.EqualTo(workspace.FilePath));
            Assert.That(BicepAssert.Expression(insights.At("properties.WorkspaceResourceId"), "WorkspaceResourceId"), Is.EqualTo($"{workspace.Symbol}.id"));
            Assert.That(BicepAssert.Literal(insights.At("properties.IngestionMode"), "IngestionMode"), Is.EqualTo("LogAnalytics"));
        });
    }

    [Test]
    public void AppInsights_LocalAuth_IsDisabled()
    {
        var insights = InfraTemplates.Single("Microsoft.Insights/components");

        Assert.That(BicepAssert.Boolean(insights.At("properties.DisableLocalAuth"), "DisableLocalAuth"), Is.True);
    }
}
