using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

public sealed class FunctionAppTemplateTests
{
    private static BicepResource Plan => InfraTemplates.Single("Microsoft.Web/serverfarms");

    private static BicepResource Site => InfraTemplates.Single("Microsoft.Web/sites");

    [Test]
    public void Plan_Sku_IsFlexConsumptionOnLinux()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Literal(Plan.At("sku.name"), "plan sku.name"), Is.EqualTo("FC1"));
            Assert.That(BicepAssert.Literal(Plan.At("sku.tier"), "plan sku.tier"), Is.EqualTo("FlexConsumption"));
            Assert.That(BicepAssert.Boolean(Plan.At("properties.reserved"), "plan reserved (Linux)"), Is.True);
        });
    }

    [Test]
    public void Site_Kind_IsLinuxFunctionAppOnThePlan()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Literal(Site.At("kind"), "site kind").Split(','), Is.EquivalentTo(new[] { "functionapp", "linux" }));
            Assert.That(BicepAssert.Expression(Site.At("properties.serverFarmId"), "serverFarmId"), Is.EqualTo($"{Plan.Symbol}.id"));
        });
    }

    [Test]
    public void Site_Transport_IsHttpsOnlyTls12NoFtp()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Boolean(Site.At("properties.httpsOnly"), "httpsOnly"), Is.True);
            Assert.That(BicepAssert.Literal(Site.At("properties.siteConfig.minTlsVersion"), "minTlsVersion"), Is.EqualTo("1.2"));
            Assert.That(BicepAssert.Literal(Site.At("properties.siteConfig.scmMinTlsVersion"), "scmMinTlsVersion"), Is.EqualTo("1.2"));
            Assert.That(BicepAssert.Literal(Site.At("properties.siteConfig.ftpsState"), "ftpsState"), Is.EqualTo("Disabled"));
        });
    }

    [Test]
    public void Site_Identity_IsSystemAssigned()
    {
        Assert.That(BicepAssert.Literal(Site.At("identity.type"), "identity.type"), Is.EqualTo("SystemAssigned"));
    }

    [Test]
    public void Site_FunctionAppConfig_RunsDotnetIsolated10FromIdentityBasedBlobContainer()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Literal(Site.At("properties.functionAppConfig.runtime.name"), "runtime.name"), Is.EqualTo("dotnet-isolated"));
            Assert.That(BicepAssert.Literal(Site.At("properties.functionAppConfig.runtime.version"), "runtime.version"), Is.EqualTo("10.0"));
            Assert.That(BicepAssert.Literal(Site.At("properties.functionAppConfig.deployment.storage.type"), "deployment storage type"), Is.EqualTo("blobContainer"));
            Assert.That(BicepAssert.Literal(Site.At("properties.functionAppConfig.deployment.storage.authentication.type"), "deployment storage authentication"),
                Is.EqualTo("SystemAssignedIdentity"));
            Assert.That(Site.At("properties.functionAppConfig.deployment.storage.authentication.storageAccountConnectionStringName"), Is.Null,
                "deployment storage must not be reached with a connection string");
            Assert.That(BicepAssert.Expression(Site.At("properties.functionAppConfig.deployment.storage.value"), "deployment container URL"),
                Does.Contain("primaryEndpoints.blob").And.Contain("deploymentContainerName"));
        });
    }

    [TestCase("ftp")]
    [TestCase("scm")]
    public void Site_BasicPublishingCredentials_AreDisabled(string channel)
    {
        var policy = InfraTemplates.Declared("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .SingleOrDefault(p => BicepAssert.Literal(p.At("name"), "policy name") == channel);

        Assert.That(policy, Is.Not.Null, $"a {channel} basic publishing credentials policy must be declared");
        Assert.That(BicepAssert.Boolean(policy!.At("properties.allow"), $"{channel} allow"), Is.False);
    }
}
