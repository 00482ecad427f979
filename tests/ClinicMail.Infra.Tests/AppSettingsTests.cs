using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// The Function App's app settings must carry every setting the production mode reads.
public sealed class AppSettingsTests
{
    private static BicepFile FunctionApp => InfraTemplates.Module("functionapp");

    private static BicepObject CoreSettings => (BicepObject)FunctionApp.Variable("coreSettings")!.Value;

    [TestCase("ClinicMail__Mode", "Production")]
    [TestCase("Storage__Provider", "Postgres")]
    [TestCase("Keys__Provider", "KeyVault")]
    [TestCase("Identity__Mode", "Entra")]
    [TestCase("Mail__Provider", "Graph")]
    [TestCase("AzureWebJobsStorage__credential", "managedidentity")]
    [TestCase("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Authorization=AAD")]
    public void CoreSettings_FixedValue_IsProductionValue(string name, string value)
    {
        Assert.That(BicepAssert.Literal(CoreSettings[name], name), Is.EqualTo(value));
    }

    [TestCase("Storage__ConnectionString")]
    [TestCase("Keys__VaultUri")]
    [TestCase("Keys__KeyName")]
    [TestCase("Identity__ClientId")]
    [TestCase("Identity__Audience")]
    [TestCase("Identity__AllowedTenants__0")]
    [TestCase("Mail__SenderAddress")]
    [TestCase("ClinicMail__PublicBaseUrl")]
    [TestCase("APPLICATIONINSIGHTS_CONNECTION_STRING")]
    [TestCase("AzureWebJobsStorage__accountName")]
    public void CoreSettings_WiredSetting_IsPresent(string name)
    {
        Assert.That(CoreSettings[name], Is.InstanceOf<BicepExpression>(), $"{name} must be set");
    }

    [Test]
    public void CoreSettings_WiredSettings_ReferenceTheirSources()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Expression(CoreSettings["Keys__VaultUri"], "Keys__VaultUri"), Is.EqualTo("keyVaultUri"));
            Assert.That(BicepAssert.Expression(CoreSettings["Keys__KeyName"], "Keys__KeyName"), Is.EqualTo("keyName"));
            Assert.That(BicepAssert.Expression(CoreSettings["Identity__ClientId"], "Identity__ClientId"), Is.EqualTo("entraClientId"));
            Assert.That(BicepAssert.Expression(CoreSettings["Identity__Audience"], "Identity__Audience"), Is.EqualTo("'api://${entraClientId}'"));
            Assert.That(BicepAssert.Expression(CoreSettings["Identity__AllowedTenants__0"], "tenant"), Is.EqualTo("tenant().tenantId"));
            Assert.That(BicepAssert.Expression(CoreSettings["ClinicMail__PublicBaseUrl"], "public URL"), Does.StartWith("'https://"));
            Assert.That(BicepAssert.Expression(CoreSettings["APPLICATIONINSIGHTS_CONNECTION_STRING"], "App Insights"),
                Is.EqualTo("appInsights.properties.ConnectionString"));
        });
    }

    [Test]
    public void StorageConnectionString_Shape_IsPasswordlessTls()
    {
        var text = BicepAssert.Expression(CoreSettings["Storage__ConnectionString"], "Storage__ConnectionString");

        Assert.That(text, Is.EqualTo("'Host=${postgresFqdn};Database=${postgresDatabase};Username=${site.name};Ssl Mode=Require'"));
        Assert.That(text, Does.Not.Contain("Password").IgnoreCase);
    }

    [Test]
    public void InternalDomains_EachDomain_BecomesAnIndexedSetting()
    {
        var domains = BicepAssert.Expression(FunctionApp.Variable("internalDomainSettings")!.Value, "internalDomainSettings");

        Assert.That(domains, Does.StartWith("toObject(range(0, length(internalDomains))"));
        Assert.That(domains, Does.Contain("'ClinicMail__InternalDomains__${i}'"));
    }

    [Test]
    public void AppSettingsResource_Properties_AreCoreAndDomainSettings()
    {
        var config = InfraTemplates.Single("Microsoft.Web/sites/config");

        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Literal(config.At("name"), "config name"), Is.EqualTo("appsettings"));
            Assert.That(BicepAssert.Expression(config.At("properties"), "app settings"), Is.EqualTo("union(coreSettings, internalDomainSettings)"));
            Assert.That(InfraTemplates.Single("Microsoft.Web/sites").At("properties.siteConfig.appSettings"), Is.Null,
                "one source of app settings only (sites/config replaces the whole set)");
        });
    }

    // Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME as an app setting: the runtime is declared in
    // functionAppConfig.runtime (asserted "dotnet-isolated" 10.0 in FunctionAppTemplateTests).
    [TestCase("FUNCTIONS_WORKER_RUNTIME")]
    [TestCase("FUNCTIONS_EXTENSION_VERSION")]
    [TestCase("WEBSITE_RUN_FROM_PACKAGE")]
    [TestCase("AzureWebJobsStorage")]
    public void CoreSettings_FlexIncompatibleOrKeyBasedSetting_IsAbsent(string name)
    {
        Assert.That(CoreSettings.Keys, Does.Not.Contain(name));
    }
}
