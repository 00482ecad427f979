using ClinicMail.Application.Identity;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Configuration;

/// <summary><c>Storage:*</c> — which store holds the registry and the audit chain.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Sqlite (embedded default) or Postgres (production).</summary>
    public string Provider { get; set; } = "";

    /// <summary>SQLite: a file path or <c>Data Source=…</c>; PostgreSQL: an Npgsql connection string.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply schema migrations (and re-key addresses) at startup. Unset: yes in Development,
    /// no in Production, where <c>clinicmail db migrate</c> runs at deployment (the app's role
    /// then needs no DDL rights at run time).</summary>
    public bool? MigrateOnStartup { get; set; }

    /// <summary>PostgreSQL: authenticate with an Entra access token (managed identity) when the
    /// connection string has no password. Unset: yes in Production, no in Development.</summary>
    public bool? UseEntraAuthentication { get; set; }

    /// <summary>Search near misses in an in-process index of the registry's address rows, kept up to
    /// date from the database (default), instead of with index seeks in the database on every check
    /// with an unregistered recipient. Costs about 100 bytes of memory per address row (~100 MB at
    /// 1,000,000 patients); see docs/registry.md.</summary>
    public bool InProcessNearMiss { get; set; } = true;

    public bool MigratesOnStartup(ClinicMailOptions clinic) => MigrateOnStartup ?? clinic.IsDevelopment;

    public bool UsesEntraAuthentication(ClinicMailOptions clinic) => UseEntraAuthentication ?? clinic.IsProduction;

    public bool IsSqlite => string.Equals(Provider, "Sqlite", StringComparison.OrdinalIgnoreCase);

    public bool IsPostgres => string.Equals(Provider, "Postgres", StringComparison.OrdinalIgnoreCase);
}

/// <summary>All settings, read and checked once at startup (docs/configuration.md). A missing or
/// contradictory setting stops the app with a message naming every problem, in English and French — the
/// setting's name, never its value (values may be secrets). Each section is read by <see cref="Settings.Read{T}"/>
/// with the same validator <c>ValidateOnStart()</c> runs on its <c>IOptions&lt;T&gt;</c>.</summary>
public sealed record StartupSettings(ClinicMailOptions ClinicMail, IdentityOptions Identity, StorageOptions Storage, LimitsOptions Limits)
{
    public static StartupSettings Read(IConfiguration configuration)
    {
        var problems = new List<string>();
        var clinic = Settings.Read(configuration, ClinicMailOptions.Section, new ClinicMailOptionsValidator(), problems, EmbeddedDefaults.Normalize);
        var mode = Options.Create(clinic);
        var identity = Settings.Read(configuration, IdentityOptions.Section, new IdentityOptionsValidator(mode), problems, o => EmbeddedDefaults.Apply(o, clinic));
        var storage = Settings.Read(configuration, StorageOptions.Section, new StorageOptionsValidator(mode), problems, o => EmbeddedDefaults.Apply(o, clinic));
        var limits = Settings.Read(configuration, LimitsOptions.Section, new LimitsOptionsValidator(), problems);

        // The other sections are read again where they are registered; reading them here too means one
        // startup error lists every problem of the configuration at once.
        var keys = Settings.Read(configuration, KeyProviderOptions.SectionName, new KeyProviderOptionsValidator(mode), problems, o => EmbeddedDefaults.Apply(o, clinic));
        Settings.Read(configuration, AuditSigningKeyOptions.Section, new AuditSigningKeyOptionsValidator(Options.Create(keys)), problems);
        Settings.Read(configuration, SecureOptions.Section, new SecureOptionsValidator(mode), problems);
        Settings.Read(configuration, MailOptions.Section, new MailOptionsValidator(mode), problems);
        Settings.Read(configuration, AuditOptions.Section, new AuditOptionsValidator(), problems);
        Settings.Read(configuration, TelemetryOptions.Section, new TelemetryOptionsValidator(), problems);
        Settings.Read(configuration, PolicySettings.Section, new PolicySettingsValidator(), problems);

        if (problems.Count > 0)
        {
            throw new StartupConfigurationException(problems);
        }

        return new StartupSettings(clinic, identity, storage, limits);
    }
}

/// <summary>Startup refused: lists what to set. Never includes a configured value.</summary>
public sealed class StartupConfigurationException(IReadOnlyList<string> problems)
    : Exception("ClinicMail cannot start; fix the configuration. / ClinicMail ne peut pas démarrer ; corrigez la configuration :" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => " - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Work done once before the app takes requests (schema, first-run keys, demo seed).</summary>
public interface IStartupStep
{
    Task RunAsync(CancellationToken cancellationToken);
}
