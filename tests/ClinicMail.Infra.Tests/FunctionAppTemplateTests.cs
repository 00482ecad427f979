using System.Text.Json.Nodes;
using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

public sealed class FunctionAppTemplateTests
{
    private static ArmResource Plan => InfraTemplates.Single("Microsoft.Web/serverfarms");

    private static ArmResource Site => InfraTemplates.Single("Microsoft.Web/sites");

    private static ArmResource Identity => InfraTemplates.Single("Microsoft.ManagedIdentity/userAssignedIdentities");

    [Test]
    public void Plan_Sku_IsFlexConsumptionOnLinux()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Plan.String("sku.name"), Is.EqualTo("FC1"));
            Assert.That(Plan.String("sku.tier"), Is.EqualTo("FlexConsumption"));
            Assert.That((bool)Plan.At("properties.reserved")!, Is.True, "Linux");
        });
    }

    [Test]
    public void Site_Kind_IsLinuxFunctionAppOnThePlan()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Site.String("kind").Split(','), Is.EquivalentTo(new[] { "functionapp", "linux" }));
            Assert.That(Site.String("properties.serverFarmId"), Is.EqualTo("[resourceId('Microsoft.Web/serverfarms', parameters('planName'))]"));
        });
    }

    [Test]
    public void Site_Transport_IsHttpsOnlyTls12NoFtp()
    {
        Assert.Multiple(() =>
        {
            Assert.That((bool)Site.At("properties.httpsOnly")!, Is.True);
            Assert.That(Site.String("properties.siteConfig.minTlsVersion"), Is.EqualTo("1.2"));
            Assert.That(Site.String("properties.siteConfig.scmMinTlsVersion"), Is.EqualTo("1.2"));
            Assert.That(Site.String("properties.siteConfig.ftpsState"), Is.EqualTo("Disabled"));
        });
    }

    [Test]
    public void Site_Identity_IsOnlyTheUserAssignedIdentity()
    {
        var assigned = (JsonObject)Site.At("identity.userAssignedIdentities")!;

        Assert.Multiple(() =>
        {
            Assert.That(Site.String("identity.type"), Is.EqualTo("UserAssigned"), "no system-assigned identity beside it");
            Assert.That(assigned.Select(p => p.Key), Is.EqualTo(new[] { "[format('{0}', resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName')))]" }));
            Assert.That(Identity.Template.Name, Is.EqualTo("clinicmail-identity"));
            Assert.That(InfraTemplates.Module("functionapp").PassedParameter("identityName")!.ToString(), Does.Contain("'clinicmail-identity'").And.Contain("outputs.identityName"));
        });
    }

    [Test]
    public void Site_FunctionAppConfig_RunsDotnetIsolated10()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Site.String("properties.functionAppConfig.runtime.name"), Is.EqualTo("dotnet-isolated"));
            Assert.That(Site.String("properties.functionAppConfig.runtime.version"), Is.EqualTo("10.0"));
        });
    }

    [Test]
    public void Site_Deployment_PullsThePackageWithTheUserAssignedIdentity()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Site.String("properties.functionAppConfig.deployment.storage.type"), Is.EqualTo("blobContainer"));
            Assert.That(Site.String("properties.functionAppConfig.deployment.storage.authentication.type"), Is.EqualTo("UserAssignedIdentity"));
            Assert.That(Site.String("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"),
                Is.EqualTo("[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName'))]"));
            Assert.That(Site.At("properties.functionAppConfig.deployment.storage.authentication.storageAccountConnectionStringName"), Is.Null,
                "deployment storage must not be reached with a connection string");
            Assert.That(Site.String("properties.functionAppConfig.deployment.storage.value"),
                Does.Contain("primaryEndpoints.blob").And.Contain("parameters('deploymentContainerName')"));
        });
    }

    // Outlook shows "taking longer" after 5 s; a cold start of the worker alone can take that long.
    [Test]
    public void Site_HttpFunctions_HaveAnAlwaysReadyInstanceByDefault()
    {
        var alwaysReady = Site.String("properties.functionAppConfig.scaleAndConcurrency.alwaysReady");
        var parameter = InfraTemplates.Module("functionapp").Parameters["alwaysReadyHttpInstances"]!;

        Assert.Multiple(() =>
        {
            Assert.That(alwaysReady, Does.Contain("createObject('name', 'http', 'instanceCount', parameters('alwaysReadyHttpInstances'))"));
            Assert.That((int)parameter["defaultValue"]!, Is.EqualTo(1));
            Assert.That((int)InfraTemplates.Main.Parameters["alwaysReadyHttpInstances"]!["defaultValue"]!, Is.EqualTo(1));
            Assert.That(InfraTemplates.ReadText("docs", "deploy.md"), Does.Contain("always ready").IgnoreCase, "the cost is stated in the guide");
        });
    }

    [TestCase("ftp")]
    [TestCase("scm")]
    public void Site_BasicPublishingCredentials_AreDisabled(string channel)
    {
        var policy = InfraTemplates.Declared("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .SingleOrDefault(p => p.Name.EndsWith($"'{channel}')]", StringComparison.Ordinal));

        Assert.That(policy, Is.Not.Null, $"a {channel} basic publishing credentials policy must be declared");
        Assert.That((bool)policy!.At("properties.allow")!, Is.False);
    }
}
