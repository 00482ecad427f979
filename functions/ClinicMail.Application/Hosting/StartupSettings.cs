using ClinicMail.Application.Identity;
using ClinicMail.Infrastructure.Identity;

namespace ClinicMail.Application.Hosting;

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

/// <summary>All settings, read and checked once at startup. A missing or contradictory setting stops the
/// app with a message naming every problem — the setting's name, never its value (values may be secrets).</summary>
public sealed record StartupSettings(ClinicMailOptions ClinicMail, IdentityOptions Identity, StorageOptions Storage, LimitsOptions Limits)
{
    public static StartupSettings Read(IConfiguration configuration)
    {
        var clinic = configuration.GetSection(ClinicMailOptions.Section).Get<ClinicMailOptions>() ?? new ClinicMailOptions();
        var identity = configuration.GetSection(IdentityOptions.Section).Get<IdentityOptions>() ?? new IdentityOptions();
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var limits = configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();

        var problems = new List<string>();
        if (!clinic.IsDevelopment && !clinic.IsProduction)
        {
            problems.Add("ClinicMail:Mode must be 'Development' or 'Production' (env ClinicMail__Mode).");
        }

        if (clinic.IsDevelopment)
        {
            // Embedded defaults: SQLite under the data folder, the development issuer.
            if (string.IsNullOrEmpty(storage.Provider))
            {
                storage.Provider = "Sqlite";
            }

            if (storage.IsSqlite && string.IsNullOrEmpty(storage.ConnectionString))
            {
                storage.ConnectionString = Path.Combine(clinic.DataDirectory, "clinicmail.db");
            }

            if (identity.IsDevelopment)
            {
                identity.ClientId = string.IsNullOrEmpty(identity.ClientId) ? DevelopmentIssuer.ClientId : identity.ClientId;
                if (identity.AllowedTenants.Count == 0)
                {
                    identity.AllowedTenants.Add(DevelopmentIssuer.TenantId);
                }
            }
        }

        if (clinic.IsProduction)
        {
            if (identity.IsDevelopment)
            {
                problems.Add("Identity:Mode is 'Development' but ClinicMail:Mode is 'Production': the development issuer never runs in production. Set Identity:Mode to 'Entra'.");
            }

            if (!storage.IsPostgres)
            {
                problems.Add("Storage:Provider must be 'Postgres' in production (env Storage__Provider).");
            }

            if (string.IsNullOrEmpty(configuration["Keys:VaultUri"]) || string.IsNullOrEmpty(configuration["Keys:KeyName"]))
            {
                problems.Add("Keys:VaultUri and Keys:KeyName must name the Azure Key Vault key in production (env Keys__VaultUri, Keys__KeyName).");
            }

            if (clinic.InternalDomains.Count == 0)
            {
                problems.Add("ClinicMail:InternalDomains must list the organisation's domains (env ClinicMail__InternalDomains__0).");
            }
        }

        if (!identity.IsDevelopment)
        {
            if (!Guid.TryParse(identity.ClientId, out _))
            {
                problems.Add("Identity:ClientId must be the API's application (client) id, a GUID (env Identity__ClientId).");
            }

            if (identity.AllowedTenants.Count == 0 || identity.AllowedTenants.Any(t => !Guid.TryParse(t, out _)))
            {
                problems.Add("Identity:AllowedTenants must list at least one tenant id (GUID) (env Identity__AllowedTenants__0).");
            }
        }

        if (!storage.IsSqlite && !storage.IsPostgres)
        {
            problems.Add("Storage:Provider must be 'Sqlite' or 'Postgres' (env Storage__Provider).");
        }
        else if (string.IsNullOrEmpty(storage.ConnectionString))
        {
            problems.Add("Storage:ConnectionString is required (env Storage__ConnectionString).");
        }

        if (problems.Count > 0)
        {
            throw new StartupConfigurationException(problems);
        }

        return new StartupSettings(clinic, identity, storage, limits);
    }
}

/// <summary>Startup refused: lists what to set. Never includes a configured value.</summary>
public sealed class StartupConfigurationException(IReadOnlyList<string> problems)
    : Exception("ClinicMail cannot start; fix the configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => " - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Work done once before the app takes requests (schema, first-run keys, demo seed).</summary>
public interface IStartupStep
{
    Task RunAsync(CancellationToken cancellationToken);
}
