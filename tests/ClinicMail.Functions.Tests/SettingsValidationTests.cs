using System.Text.RegularExpressions;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClinicMail.Functions.Tests;

/// <summary>Options in one shape (docs/configuration.md): a wrong value stops startup with a message that
/// names the setting in English and French and never repeats the value; every setting is documented.</summary>
public sealed class SettingsValidationTests
{
    [TestCase("Limits:MaxBodyChars", "0", "must be a positive number", "doit être un nombre positif")]
    [TestCase("Secure:DefaultExpiryDays", "120", "must not exceed Secure:MaxExpiryDays", "ne doit pas dépasser")]
    [TestCase("Secure:CodeDigits", "3", "between 6 and 10", "entre 6 et 10")]
    [TestCase("Audit:RetentionDays", "-1", "positive number of days", "nombre de jours positif")]
    [TestCase("Telemetry:SamplingRatio", "1.5", "between 0 and 1", "entre 0 et 1")]
    [TestCase("ClinicMail:TimeZone", "Mars/Olympus_Mons", "IANA time zone", "fuseau horaire IANA")]
    [TestCase("Mail:Provider", "Carrier-Pigeon", "must be 'Pickup', 'Graph'", "doit valoir 'Pickup', 'Graph'")]
    [TestCase("Keys:Provider", "KeyVault", "Keys:VaultUri is not set", "Keys:VaultUri n'est pas réglé")]
    [TestCase("Policy:Rules:CONSENT_MISSING:Severity", "Loud", "must be Info, Warn or Block", "doit valoir Info, Warn ou Block")]
    [TestCase("Policy:Rules:NOT_A_RULE:Severity", "Info", "not a configurable reason code", "n'est pas un code de motif configurable")]
    public void Worker_WrongValue_StopsStartupNamingTheSettingInBothLanguages(string setting, string value, string english, string french)
    {
        var error = Assert.Throws<StartupConfigurationException>(() => WorkerProgram.CreateHost([], Development(setting, value)));

        Assert.That(error!.Message, Does.Contain(setting.Split(':')[0] + ":"));
        Assert.That(error.Message, Does.Contain(english));
        Assert.That(error.Message, Does.Contain(french));
        Assert.That(error.Message, Does.Contain("env " + setting.Split(':')[0] + "__"));
    }

    // Secure:CodeKey: production requires it (one key for every instance); development without it keeps
    // its owner-only key file in the data folder (SecureCodeHardeningTests); a set key must be 32 bytes or more.
    [TestCase("Production", null, "Secure:CodeKey must be set in production")]
    [TestCase("Production", "   ", "at least 32 bytes")]
    [TestCase("Production", "c2hvcnQ=", "at least 32 bytes")]
    [TestCase("Development", "c2hvcnQ=", "at least 32 bytes")]
    [TestCase("Development", null, null)]
    [TestCase("Production", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", null)]
    public void SecureValidator_CodeKey_RequiredInProductionOnly(string mode, string? codeKey, string? expected)
    {
        var validator = new SecureOptionsValidator(Options.Create(new ClinicMailOptions { Mode = mode }));

        var result = validator.Validate(Options.DefaultName, new SecureOptions { CodeKey = codeKey });

        if (expected is null)
        {
            Assert.That(result.Failures ?? [], Is.Empty);
            return;
        }

        Assert.That(result.Failures, Has.Count.EqualTo(1));
        Assert.That(result.Failures!.Single(), Does.Contain(expected).And.Contain("env Secure__CodeKey"));
        if (codeKey is { Length: > 3 })
        {
            Assert.That(result.FailureMessage, Does.Not.Contain(codeKey), "the value is never repeated");
        }
    }

    [TestCase("Limits:MaxRecipients", "lots-hunter2")]
    [TestCase("Secure:CodeLifetime", "soon-hunter2")]
    [TestCase("Policy:BlockUnknownRecipientWithClinicalContent", "perhaps-hunter2")]
    [TestCase("Storage:InProcessNearMiss", "sometimes-hunter2")]
    public void Worker_UnconvertibleValue_NamesTheSettingNeverTheValue(string setting, string value)
    {
        var error = Assert.Throws<StartupConfigurationException>(() => WorkerProgram.CreateHost([], Development(setting, value)));

        Assert.That(error!.Message, Does.Contain($"{setting} has a value of the wrong type"));
        Assert.That(error.Message, Does.Contain($"{setting} a une valeur du mauvais type"));
        Assert.That(error.Message, Does.Not.Contain("hunter2"));
    }

    [Test]
    public void LocalHost_WrongValue_StopsStartupNamingTheSetting()
    {
        using var factory = new ClinicMailFactory(new Dictionary<string, string?> { ["Secure:MaxCodeAttempts"] = "0" });

        var error = Assert.Catch(() => factory.CreateClient());

        Assert.That(Flatten(error!), Does.Contain("Secure:MaxCodeAttempts must be a positive number").And.Contain("Secure:MaxCodeAttempts doit être un nombre positif"));
    }

    [Test]
    public void Options_ChangedAfterComposition_AreValidatedOnStart()
    {
        // ValidateOnStart: a value that reaches IOptions<T> some other way is refused by the same validator when the host starts.
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Development("Limits:MaxAttachments", "5"));
        builder.Services.AddClinicMailSettings(builder.Configuration);
        builder.Services.Configure<LimitsOptions>(o => o.MaxAttachments = -1);
        using var host = builder.Build();

        var error = Assert.CatchAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Limits:MaxAttachments must be a positive number").And.Contain("doit être un nombre positif"));
    }

    [Test]
    public void Options_EveryDevelopmentDefault_Validates()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Development("ClinicMail:WarmUp", "false"));
        builder.Services.AddClinicMailSettings(builder.Configuration);
        using var host = builder.Build();

        Assert.DoesNotThrowAsync(() => host.StartAsync());
        Assert.That(host.Services.GetRequiredService<IOptions<StorageOptions>>().Value.IsSqlite, Is.True, "the embedded default applies to IOptions too");
        host.StopAsync().GetAwaiter().GetResult();
    }

    [Test]
    public void ConfigurationDoc_ListsEverySettingOfEveryOptionsClass()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
        var missing = SettingsCatalog.Sections.SelectMany(SettingsCatalog.SettingsOf)
            .Concat(SettingsCatalog.PlatformSettings.Keys)
            .Where(setting => !doc.Contains($"`{setting}`", StringComparison.Ordinal))
            .ToList();

        Assert.That(missing, Is.Empty, "add a line to docs/configuration.md (setting, default, who reads it)");
    }

    [Test]
    public void ConfigurationDoc_EveryDocumentedSetting_HasAReader()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
        var documented = Regex.Matches(doc, @"^\| `([A-Za-z_]+:[A-Za-z_:]+)`", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();

        Assert.That(documented, Has.Count.GreaterThan(60));
        Assert.That(documented.Where(s => SettingsCatalog.ReaderOf(s) is null), Is.Empty, "documented but read by nothing");
    }

    [TestCase("Limits:MaxBodyChar")]
    [TestCase("Secure:CodeDigit")]
    [TestCase("Nothing:Here")]
    [TestCase("Keys:AllowDevelopmentKeys")]
    public void ReaderOf_UnknownSetting_IsNull(string setting)
    {
        Assert.That(SettingsCatalog.ReaderOf(setting), Is.Null);
    }

    [TestCase("Limits__MaxBodyChars")]
    [TestCase("ClinicMail__InternalDomains__3")]
    [TestCase("Policy__Rules__CONSENT_MISSING__Severity")]
    [TestCase("Audit__SigningKey__KeyName")]
    [TestCase("AZURE_CLIENT_ID")]
    public void ReaderOf_KnownSetting_NamesItsReader(string setting)
    {
        Assert.That(SettingsCatalog.ReaderOf(setting), Is.Not.Null);
    }

    private static Dictionary<string, string?> Development(string setting, string value) => new()
    {
        ["ClinicMail:Mode"] = "Development",
        ["ClinicMail:DataDirectory"] = Directory.CreateTempSubdirectory("clinicmail-settings-").FullName,
        ["ClinicMail:WarmUp"] = "false",
        ["Identity:Mode"] = "Development",
        [setting] = value,
    };

    private static string Flatten(Exception error) => error.InnerException is null ? error.Message : error.Message + " " + Flatten(error.InnerException);

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ClinicMail.sln not found");
    }
}
