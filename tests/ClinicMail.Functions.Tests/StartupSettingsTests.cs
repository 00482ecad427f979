using ClinicMail.Application.Configuration;
using Microsoft.Extensions.Configuration;

namespace ClinicMail.Functions.Tests;

/// <summary>Production configuration is validated at startup: every missing setting is named, and no
/// configured value (which may be a secret) ever appears in the message.</summary>
public sealed class StartupSettingsTests
{
    [Test]
    public void Read_ProductionWithNothingSet_NamesEveryMissingSetting()
    {
        var error = Assert.Throws<StartupConfigurationException>(() => StartupSettings.Read(Config(new() { ["ClinicMail:Mode"] = "Production" })));

        Assert.That(error!.Message, Does.Contain("Storage:Provider"));
        Assert.That(error.Message, Does.Contain("Keys:VaultUri"));
        Assert.That(error.Message, Does.Contain("ClinicMail:InternalDomains"));
        Assert.That(error.Message, Does.Contain("Identity:ClientId"));
        Assert.That(error.Message, Does.Contain("Identity:AllowedTenants"));
        Assert.That(error.Message, Does.Contain("Secure:CodeKey"));
    }

    [Test]
    public void Read_NoMode_RefusesToGuess()
    {
        var error = Assert.Throws<StartupConfigurationException>(() => StartupSettings.Read(Config([])));

        Assert.That(error!.Message, Does.Contain("ClinicMail:Mode"));
    }

    [Test]
    public void Read_ProductionWithDevelopmentIssuer_IsRefused()
    {
        var error = Assert.Throws<StartupConfigurationException>(() => StartupSettings.Read(Config(new()
        {
            ["ClinicMail:Mode"] = "Production",
            ["Identity:Mode"] = "Development",
        })));

        Assert.That(error!.Message, Does.Contain("development issuer never runs in production"));
    }

    [Test]
    public void Read_InvalidValues_NeverEchoesThem()
    {
        const string secret = "Password=hunter2-very-secret";
        var error = Assert.Throws<StartupConfigurationException>(() => StartupSettings.Read(Config(new()
        {
            ["ClinicMail:Mode"] = "Production",
            ["Storage:Provider"] = "Sqlite",
            ["Storage:ConnectionString"] = secret,
            ["Identity:ClientId"] = "not-a-guid-hunter2",
            ["Identity:AllowedTenants:0"] = "hunter2",
        })));

        Assert.That(error!.Message, Does.Not.Contain("hunter2"));
        Assert.That(error.Message, Does.Contain("Storage:Provider must be 'Postgres' in production"));
    }

    [Test]
    public void Read_CompleteProduction_IsAccepted()
    {
        var settings = StartupSettings.Read(Config(CompleteProduction()));

        Assert.That(settings.Storage.IsPostgres, Is.True);
        Assert.That(settings.Identity.IsDevelopment, Is.False);
    }

    // One code key for every instance: without Secure:CodeKey each would mint its own in its data folder,
    // and a code sent by one instance would fail on another. Startup stops, naming the setting, both languages.
    [Test]
    public void Read_ProductionWithoutCodeKey_StopsNamingTheSettingInBothLanguages()
    {
        var settings = CompleteProduction();
        settings.Remove("Secure:CodeKey");

        var error = Assert.Throws<StartupConfigurationException>(() => StartupSettings.Read(Config(settings)));

        Assert.That(error!.Problems, Has.Count.EqualTo(1), "the only problem of an otherwise complete production configuration");
        Assert.That(error.Message, Does.Contain("Secure:CodeKey must be set in production").And.Contain("env Secure__CodeKey"));
        Assert.That(error.Message, Does.Contain("Secure:CodeKey doit être réglé en production"));
    }

    private static Dictionary<string, string?> CompleteProduction() => new()
    {
        ["ClinicMail:Mode"] = "Production",
        ["ClinicMail:InternalDomains:0"] = "clinique.med",
        ["Storage:Provider"] = "Postgres",
        ["Storage:ConnectionString"] = "Host=db.example;Database=clinicmail;Username=app",
        ["Keys:VaultUri"] = "https://clinicmail.vault.azure.net/",
        ["Keys:KeyName"] = "clinicmail-kek",
        // The checkpoint signing key: a key of its own in the same vault.
        ["Audit:SigningKey:KeyName"] = "clinicmail-audit-signing",
        ["Identity:ClientId"] = "6f1c2b9e-4b1a-4f0e-9a55-0c3d2a7b8e11",
        ["Identity:AllowedTenants:0"] = "0b7f6b2c-9a3e-4c55-9d7e-2f1f4c0a9e11",
        // Every section is checked at once since options took one shape: production mail is Graph.
        ["Mail:Provider"] = "Graph",
        ["Mail:SenderAddress"] = "clinicmail@clinique.med",
        // The one-time code key every instance shares (production: the resolved Key Vault reference).
        ["Secure:CodeKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    };

    private static IConfiguration Config(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
