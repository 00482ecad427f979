using System.Text.Json.Nodes;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Hosting;
using ClinicMail.Infra.Tests.Bicep;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClinicMail.Infra.Tests;

// The app settings the Bicep sets (read from the compiled ARM JSON) against the application's own settings
// catalogue and validators (docs/configuration.md): every setting has a reader, and the set as deployed
// passes the checks that stop a production start.
public sealed class AppSettingsValidationTests
{
    private const string Guid = "6f1c2b9e-4b1a-4f0e-9a55-0c3d2a7b8e11";

    /// <summary>The deployed settings, each "__" key with its value: literals as compiled, deployment-time
    /// expressions as a plausible value of the shape they produce (a GUID for ids, an https URL, an address),
    /// and what the template computes before deployment (the incoming-mail settings for two watched
    /// mailboxes) as evaluated. A Key Vault reference is what the platform resolves it to: the secret's value.</summary>
    private static Dictionary<string, string> Deployed()
    {
        var settings = AppSettingsTests.CoreSettings.ToDictionary(
            s => s.Key,
            s => s.Value is ArmLiteral { Value: JsonValue v } && !IsKeyVaultReference(v.GetValue<string>()) ? v.GetValue<string>() : Plausible(s.Key),
            StringComparer.Ordinal);
        // internalDomainSettings: ClinicMail__InternalDomains__{i}, one per domain parameter.
        settings["ClinicMail__InternalDomains__0"] = "clinique-exemple.med";
        foreach (var (key, value) in DeployedSettings.For(SampleMailboxes))
        {
            settings[key] = IsKeyVaultReference(value) ? Plausible(key) : value;
        }
        return settings;
    }

    private static JsonArray SampleMailboxes => DeployedSettings.Mailboxes(
        new JsonObject { ["address"] = "dre.tremblay@clinique-exemple.med", ["mode"] = "correspondence" },
        new JsonObject { ["address"] = "clinique@clinique-exemple.med", ["mode"] = "not_for_patients" });

    // A resolved HMAC key secret: 32 random bytes, base64 (what infra/app-secrets.sh stores).
    private static readonly string ResolvedKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>An App Service Key Vault reference (<c>@Microsoft.KeyVault(SecretUri=…)</c> or <c>(VaultName=…;SecretName=…)</c>):
    /// the platform resolves it before the app reads the setting, so the app sees the secret, never this text.
    /// Like a deployment-time expression, it is fed to the validators as a plausible secret of its setting's shape.</summary>
    private static bool IsKeyVaultReference(string value) => value.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal);

    private static string Plausible(string key) => key switch
    {
        _ when key.EndsWith("ClientId", StringComparison.OrdinalIgnoreCase) || key.EndsWith("clientId", StringComparison.Ordinal)
            || key == "AZURE_CLIENT_ID" || key.Contains("AllowedTenants", StringComparison.Ordinal) => Guid,
        "Keys__VaultUri" => "https://clinicmail-kv.vault.azure.net/",
        "Keys__KeyName" => "clinicmail-kek",
        "Audit__SigningKey__KeyName" => "clinicmail-audit-signing",
        "AuditCopy__BlobContainerUri" => "https://stclinicmail.blob.core.windows.net/audit-checkpoints",
        "RecordFiling__Blob__ServiceUri" => "https://stclinicmail.blob.core.windows.net/",
        "RecordFiling__Graph__Enabled" => "false",
        "IncomingMail__QueueServiceUri" or "IncomingMail__QueueConnection__queueServiceUri" => "https://stclinicmail.queue.core.windows.net/",
        "IncomingMail__QueueName" => "incoming-mail",
        "IncomingMail__Graph__ClientStateKey" or "Secure__CodeKey" => ResolvedKey,
        "ClinicMail__PublicBaseUrl" => "https://clinicmail.clinique-exemple.med",
        "Identity__Audience" => $"api://clinicmail.clinique-exemple.med/{Guid}",
        "Mail__SenderAddress" => "clinicmail-envoi@clinique-exemple.med",
        "Storage__ConnectionString" => "Host=clinicmail-pg.postgres.database.azure.com;Database=clinicmail;Username=clinicmail-id;Ssl Mode=Require",
        "APPLICATIONINSIGHTS_CONNECTION_STRING" => "InstrumentationKey=" + Guid,
        _ => "clinicmail-value",
    };

    /// <summary>What Flex Consumption itself puts in a dotnet-isolated app's environment (not set by the
    /// Bicep): read by nothing of ours, and nothing of ours may choke on it.</summary>
    private static readonly Dictionary<string, string> PlatformOwn = new(StringComparer.Ordinal)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
        ["FUNCTIONS_EXTENSION_VERSION"] = "~4",
        ["WEBSITE_SITE_NAME"] = "func-clinicmail",
        ["WEBSITE_HOSTNAME"] = "func-clinicmail.azurewebsites.net",
        ["WEBSITE_INSTANCE_ID"] = "0123456789abcdef",
        ["AzureWebJobsScriptRoot"] = "/home/site/wwwroot",
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:12345",
    };

    private static IConfiguration Configuration(IReadOnlyDictionary<string, string> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(PlatformOwn.Concat(settings).Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
            .Build();

    /// <summary>Every section as the hosts register it (<c>AddClinicMailSettings</c>: bound, defaulted,
    /// <c>ValidateOnStart()</c>), then the start-up validation a host runs before it takes requests.</summary>
    private static void ValidateAsAHostStarts(IConfiguration configuration)
    {
        using var services = new ServiceCollection().AddClinicMailSettings(configuration).BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Test]
    public void BicepAppSettings_EachSetting_IsReadBySomething()
    {
        var unread = Deployed().Keys.Where(k => SettingsCatalog.ReaderOf(k) is null).ToList();

        Assert.That(unread, Is.Empty, "the Bicep sets settings that no options class (or the platform) reads; see docs/configuration.md");
    }

    // The watched mailboxes are a list of objects: the catalogue follows the index into the element's
    // properties, and a misspelt property is still read by nothing.
    [TestCase("IncomingMail__Mailboxes__1__Mode", true)]
    [TestCase("IncomingMail__Mailboxes__0__OwnerObjectId", true)]
    [TestCase("IncomingMail__Mailboxes__0__Adress", false)]
    [TestCase("IncomingMail__Mailboxes__x__Address", false)]
    public void SettingsCatalog_MailboxListSetting_IsReadOnlyWhenTheOptionsHaveIt(string key, bool read)
    {
        Assert.That(SettingsCatalog.ReaderOf(key) is not null, Is.EqualTo(read));
    }

    // Exactly what the Bicep sets (plus what the platform sets itself), in production mode as the Bicep says:
    // any setting production start-up requires that the Bicep forgets fails here, by its name.
    [Test]
    public void BicepAppSettings_FedToTheValidators_StartProduction()
    {
        var configuration = Configuration(Deployed());
        Assert.That(configuration["ClinicMail:Mode"], Is.EqualTo("Production"), "the Bicep itself sets production mode");

        var settings = StartupSettings.Read(configuration);
        Assert.DoesNotThrow(() => ValidateAsAHostStarts(configuration));

        Assert.Multiple(() =>
        {
            Assert.That(settings.ClinicMail.IsProduction, Is.True);
            Assert.That(settings.Storage.IsPostgres, Is.True);
            Assert.That(settings.Identity.IsDevelopment, Is.False);
        });
    }

    // The incoming-mail settings are checked when the host registers the watcher (AddClinicMailIncoming):
    // with the Bicep's watched mailboxes, Graph mode starts in production.
    [Test]
    public void BicepAppSettings_IncomingMailInGraphMode_StartProduction()
    {
        var configuration = Configuration(Deployed());

        Assert.That(configuration["IncomingMail:Enabled"], Is.EqualTo("true"));
        Assert.That(configuration["IncomingMail:Graph:NotificationUrl"], Does.StartWith("https://"));
        Assert.DoesNotThrow(() => new ServiceCollection().AddClinicMailIncoming(configuration, StartupSettings.Read(configuration)));
    }

    // A Key Vault reference the platform could not resolve reaches the app as the reference text: the start
    // stops, naming the setting, instead of running with a key that is not one.
    [TestCase("Secure__CodeKey", "Secure:CodeKey")]
    [TestCase("IncomingMail__Graph__ClientStateKey", "IncomingMail:Graph:ClientStateKey")]
    public void BicepAppSettings_UnresolvedKeyVaultReference_StopsStartupNamingIt(string key, string named)
    {
        var settings = Deployed();
        settings[key] = DeployedSettings.For(SampleMailboxes)[key];
        var configuration = Configuration(settings);

        var error = Assert.Catch(() =>
        {
            ValidateAsAHostStarts(configuration);
            new ServiceCollection().AddClinicMailIncoming(configuration, StartupSettings.Read(configuration));
        });

        Assert.That(error!.Message, Does.Contain(named));
    }

    // The host-side validation (ValidateOnStart) is the same check: a production configuration the Bicep
    // would not carry stops it too, so the test above cannot pass by reading too little.
    [Test]
    public void HostValidation_ProductionWithoutTheSigningKey_Fails()
    {
        var settings = Deployed();
        settings.Remove("Audit__SigningKey__KeyName");

        var error = Assert.Throws<OptionsValidationException>(() => ValidateAsAHostStarts(Configuration(settings)));

        Assert.That(error!.Message, Does.Contain("Audit:SigningKey:KeyName"));
    }

    // The checkpoint signing key is a key of its own: naming the key-encryption key is refused at start-up.
    [Test]
    public void BicepAppSettings_SigningKeyIsTheKeyEncryptionKey_StopsStartupNamingIt()
    {
        var settings = Deployed();
        settings["Audit__SigningKey__KeyName"] = settings["Keys__KeyName"];

        var error = Assert.Throws<StartupConfigurationException>(() => StartupSettings.Read(Configuration(settings)));

        Assert.That(error!.Message, Does.Contain("Audit:SigningKey:KeyName"));
    }

    // Each production setting the Bicep sets is one the validators need: without it, startup stops naming it.
    [TestCase("Storage__Provider", "Storage:Provider")]
    [TestCase("Storage__ConnectionString", "Storage:ConnectionString")]
    [TestCase("Keys__VaultUri", "Keys:VaultUri")]
    [TestCase("Keys__KeyName", "Keys:KeyName")]
    [TestCase("Audit__SigningKey__KeyName", "Audit:SigningKey:KeyName")]
    [TestCase("Identity__ClientId", "Identity:ClientId")]
    [TestCase("Identity__AllowedTenants__0", "Identity:AllowedTenants")]
    [TestCase("Mail__Provider", "Mail:Provider")]
    [TestCase("Mail__SenderAddress", "Mail:SenderAddress")]
    [TestCase("ClinicMail__InternalDomains__0", "ClinicMail:InternalDomains")]
    [TestCase("Secure__CodeKey", "Secure:CodeKey")]
    public void BicepAppSettings_WithoutOne_StopsStartupNamingIt(string removed, string named)
    {
        var settings = Deployed();
        settings.Remove(removed);

        var error = Assert.Throws<StartupConfigurationException>(() => StartupSettings.Read(Configuration(settings)));

        Assert.That(error!.Message, Does.Contain(named));
    }
}
