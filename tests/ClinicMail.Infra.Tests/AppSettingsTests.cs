using System.Text.Json.Nodes;
using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// The Function App's app settings (compiled: one union(createObject(...), ...) expression) must carry
// every setting the production mode reads.
public sealed class AppSettingsTests
{
    private static ArmResource Config => InfraTemplates.Single("Microsoft.Web/sites/config");

    private static ArmCall Union => (ArmCall)ArmExpression.Of(Config.At("properties"));

    public static IReadOnlyDictionary<string, ArmExpression> CoreSettings =>
        ((ArmCall)((ArmCall)ArmExpression.Of(InfraTemplates.Single("Microsoft.Web/sites/config").At("properties"))).Arguments[0]).CreateObjectEntries();

    private static string Literal(string name) =>
        CoreSettings[name] is ArmLiteral { Value: JsonValue v } ? v.GetValue<string>() : throw new AssertionException($"{name} is not a literal: {CoreSettings[name]}");

    [TestCase("ClinicMail__Mode", "Production")]
    [TestCase("Storage__Provider", "Postgres")]
    [TestCase("Keys__Provider", "KeyVault")]
    [TestCase("Identity__Mode", "Entra")]
    [TestCase("Mail__Provider", "Graph")]
    [TestCase("AzureWebJobsStorage__credential", "managedidentity")]
    [TestCase("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Authorization=AAD")]
    public void CoreSettings_FixedValue_IsProductionValue(string name, string value)
    {
        Assert.That(Literal(name), Is.EqualTo(value));
    }

    [Test]
    public void CoreSettings_WiredSettings_ReferenceTheirSources()
    {
        var identityClientId = "reference(resourceId(\"Microsoft.ManagedIdentity/userAssignedIdentities\", parameters(\"identityName\")), \"2023-01-31\").clientId";
        Assert.Multiple(() =>
        {
            Assert.That(CoreSettings["Keys__VaultUri"].ToString(), Is.EqualTo("parameters(\"keyVaultUri\")"));
            Assert.That(CoreSettings["Keys__KeyName"].ToString(), Is.EqualTo("parameters(\"keyName\")"));
            Assert.That(CoreSettings["Audit__SigningKey__KeyName"].ToString(), Is.EqualTo("parameters(\"auditSigningKeyName\")"));
            Assert.That(CoreSettings["Identity__ClientId"].ToString(), Is.EqualTo("parameters(\"entraClientId\")"));
            Assert.That(CoreSettings["Identity__AllowedTenants__0"].ToString(), Is.EqualTo("tenant().tenantId"));
            Assert.That(CoreSettings["Mail__SenderAddress"].ToString(), Is.EqualTo("parameters(\"senderAddress\")"));
            Assert.That(CoreSettings["AzureWebJobsStorage__accountName"].ToString(), Is.EqualTo("parameters(\"storageAccountName\")"));
            Assert.That(CoreSettings["APPLICATIONINSIGHTS_CONNECTION_STRING"].ToString(), Does.EndWith(".ConnectionString").And.Contain("Microsoft.Insights/components"));
            // Every Azure SDK credential and the Functions host use the user-assigned identity.
            Assert.That(CoreSettings["AZURE_CLIENT_ID"].ToString(), Is.EqualTo(identityClientId));
            Assert.That(CoreSettings["AzureWebJobsStorage__clientId"].ToString(), Is.EqualTo(identityClientId));
        });
    }

    [Test]
    public void StorageConnectionString_Shape_IsPasswordlessTlsAsTheIdentity()
    {
        var text = CoreSettings["Storage__ConnectionString"].ToString();

        Assert.That(text, Is.EqualTo("format(\"Host={0};Database={1};Username={2};Ssl Mode=Require\", parameters(\"postgresFqdn\"), parameters(\"postgresDatabase\"), parameters(\"identityName\"))"));
        Assert.That(text, Does.Not.Contain("Password").IgnoreCase);
    }

    [Test]
    public void InternalDomains_EachDomain_BecomesAnIndexedSetting()
    {
        var domains = InfraTemplates.Module("functionapp").Variable("internalDomainSettings")!.ToString();

        Assert.That(Union.Arguments[1].ToString(), Is.EqualTo("variables(\"internalDomainSettings\")"));
        Assert.That(domains, Does.StartWith("[toObject(range(0, length(parameters('internalDomains')))"));
        Assert.That(domains, Does.Contain("format('ClinicMail__InternalDomains__{0}', lambdaVariables('i'))"));
    }

    [Test]
    public void AppSettingsResource_Properties_AreTheOnlySourceOfSettings()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Config.Name, Does.EndWith("'appsettings')]"));
            Assert.That(Union.Function, Is.EqualTo("union"));
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
