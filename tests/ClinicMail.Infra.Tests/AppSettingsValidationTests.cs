using System.Text.Json.Nodes;
using ClinicMail.Application.Hosting;
using ClinicMail.Infra.Tests.Bicep;
using Microsoft.Extensions.Configuration;

namespace ClinicMail.Infra.Tests;

// The app settings the Bicep sets (read from the compiled ARM JSON) against the application's own settings
// catalogue and validators (docs/configuration.md): every setting has a reader, and the set as deployed
// passes the checks that stop a production start.
public sealed class AppSettingsValidationTests
{
    private const string Guid = "6f1c2b9e-4b1a-4f0e-9a55-0c3d2a7b8e11";

    /// <summary>The deployed settings, each "__" key with its value: literals as compiled, deployment-time
    /// expressions as a plausible value of the shape they produce (a GUID for ids, an https URL, an address).</summary>
    private static Dictionary<string, string> Deployed()
    {
        var settings = AppSettingsTests.CoreSettings.ToDictionary(
            s => s.Key,
            s => s.Value is ArmLiteral { Value: JsonValue v } ? v.GetValue<string>() : Plausible(s.Key),
            StringComparer.Ordinal);
        // internalDomainSettings: ClinicMail__InternalDomains__{i}, one per domain parameter.
        settings["ClinicMail__InternalDomains__0"] = "clinique-exemple.med";
        return settings;
    }

    private static string Plausible(string key) => key switch
    {
        _ when key.EndsWith("ClientId", StringComparison.OrdinalIgnoreCase) || key.EndsWith("clientId", StringComparison.Ordinal)
            || key == "AZURE_CLIENT_ID" || key.Contains("AllowedTenants", StringComparison.Ordinal) => Guid,
        "Keys__VaultUri" => "https://clinicmail-kv.vault.azure.net/",
        "RecordFiling__Blob__ServiceUri" => "https://stclinicmail.blob.core.windows.net/",
        "RecordFiling__Graph__Enabled" => "false",
        "ClinicMail__PublicBaseUrl" => "https://clinicmail.clinique-exemple.med",
        "Identity__Audience" => $"api://clinicmail.clinique-exemple.med/{Guid}",
        "Mail__SenderAddress" => "clinicmail-envoi@clinique-exemple.med",
        "Storage__ConnectionString" => "Host=clinicmail-pg.postgres.database.azure.com;Database=clinicmail;Username=clinicmail-id;Ssl Mode=Require",
        "APPLICATIONINSIGHTS_CONNECTION_STRING" => "InstrumentationKey=" + Guid,
        _ => "clinicmail-value",
    };

    private static IConfiguration Configuration(IReadOnlyDictionary<string, string> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
            .Build();

    [Test]
    public void BicepAppSettings_EachSetting_IsReadBySomething()
    {
        var unread = Deployed().Keys.Where(k => SettingsCatalog.ReaderOf(k) is null).ToList();

        Assert.That(unread, Is.Empty, "the Bicep sets settings that no options class (or the platform) reads; see docs/configuration.md");
    }

    [Test]
    public void BicepAppSettings_FedToTheValidators_StartProduction()
    {
        var settings = StartupSettings.Read(Configuration(Deployed()));

        Assert.Multiple(() =>
        {
            Assert.That(settings.ClinicMail.IsProduction, Is.True);
            Assert.That(settings.Storage.IsPostgres, Is.True);
            Assert.That(settings.Identity.IsDevelopment, Is.False);
        });
    }

    // Each production setting the Bicep sets is one the validators need: without it, startup stops naming it.
    [TestCase("Storage__Provider", "Storage:Provider")]
    [TestCase("Storage__ConnectionString", "Storage:ConnectionString")]
    [TestCase("Keys__VaultUri", "Keys:VaultUri")]
    [TestCase("Identity__ClientId", "Identity:ClientId")]
    [TestCase("Identity__AllowedTenants__0", "Identity:AllowedTenants")]
    [TestCase("Mail__Provider", "Mail:Provider")]
    [TestCase("Mail__SenderAddress", "Mail:SenderAddress")]
    [TestCase("ClinicMail__InternalDomains__0", "ClinicMail:InternalDomains")]
    public void BicepAppSettings_WithoutOne_StopsStartupNamingIt(string removed, string named)
    {
        var settings = Deployed();
        settings.Remove(removed);

        var error = Assert.Throws<StartupConfigurationException>(() => StartupSettings.Read(Configuration(settings)));

        Assert.That(error!.Message, Does.Contain(named));
    }
}
