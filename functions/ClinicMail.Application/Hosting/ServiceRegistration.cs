using System.Security.Cryptography;
using Azure.Identity;
using ClinicMail.Application.Audit;
using ClinicMail.Application.Background;
using ClinicMail.Application.Checking;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Filing;
using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Application.Secure;
using ClinicMail.Application.Validation;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Files;
using ClinicMail.Infrastructure.Identity;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.InformedConsent;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Sqlite;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Hosting;

/// <summary>Registrations, each with the reason for its lifetime. <c>TryAdd*</c> so tests can
/// pre-register fakes at the true seams (docs/architecture.md, "Composition").</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddClinicMailServices(this IServiceCollection services, IConfiguration configuration, StartupSettings settings)
    {
        // Every section as IOptions<T>, bound, defaulted and validated at start (docs/configuration.md).
        services.AddClinicMailSettings(configuration);
        services.AddSingleton(settings.Storage);
        services.AddSingleton(settings.Identity);
        services.AddSingleton(Options.Create(SettingsRegistration.ReadPolicy(configuration)));

        // Singletons: the engines are sealed and stateless; time is a process-wide clock. The engine's
        // lexicons and matchers are built on another core while the host starts (EnginePrebuild).
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DraftChecker>(EnginePrebuild.Start());
        services.TryAddSingleton<DecisionService>();

        // First step: the embedded default's data folder is usable, or startup says which setting to fix.
        // Not an IStartupStep: it runs before the other steps are even built (RunClinicMailStartupStepsAsync).
        if (settings.ClinicMail.IsDevelopment || !settings.Storage.IsPostgres)
        {
            services.TryAddSingleton(new DataDirectoryStartupStep(settings.ClinicMail.DataDirectory));
        }

        services.AddClinicMailStorage(settings);
        services.AddClinicMailKeys(configuration, settings);
        services.AddClinicMailAudit(configuration, settings);
        services.AddClinicMailSecure(configuration, settings);
        services.AddClinicMailIncoming(configuration, settings);
        services.AddClinicMailRecordFiling(configuration, settings);

        services.AddClinicMailIdentity(settings.Identity, settings.ClinicMail.PublicBaseUrl);
        if (settings.ClinicMail.IsDevelopment && settings.Identity.IsDevelopment)
        {
            // One signing key per process, loaded or created at first use.
            services.TryAddSingleton(_ => DevelopmentIssuer.LoadOrCreate(
                Path.Combine(settings.ClinicMail.DataDirectory, "dev-issuer-key.pem"), settings.ClinicMail.PublicBaseUrl));
        }

        // Validators and handlers hold no per-request state: singletons.
        services.TryAddSingleton<IValidator<Draft>, DraftValidator>();
        services.TryAddSingleton<IValidator<OverrideRequest>, OverrideRequestValidator>();
        services.TryAddSingleton<CheckHandler>();
        services.TryAddSingleton<OverrideHandler>();
        services.TryAddSingleton<IValidator<PatientRequest>, PatientRequestValidator>();
        services.TryAddSingleton<IValidator<AddressRequest>, AddressRequestValidator>();
        services.TryAddSingleton<IValidator<ConsentRequest>, ConsentRequestValidator>();
        services.TryAddSingleton<IValidator<RemoveAddressRequest>, RemoveAddressRequestValidator>();
        services.TryAddSingleton<IValidator<RestrictRequest>, RestrictRequestValidator>();
        services.TryAddSingleton<IValidator<SearchRequest>, SearchRequestValidator>();
        services.TryAddSingleton<IValidator<LookupRequest>, LookupRequestValidator>();
        services.TryAddSingleton<RegistryHandler>();
        services.TryAddSingleton<RegistryImportHandler>();
        services.TryAddSingleton<RegistryImportHistoryHandler>();
        // Informed consent (issue 20): one provider-neutral store over the backend's database.
        services.TryAddSingleton<IInformedConsentStore>(sp => InformedConsentStore.For(sp.GetRequiredService<StorageBackend>().Database, sp.GetRequiredService<PatientAddressProtector>()));
        services.TryAddSingleton<IValidator<ClinicEmailPolicy>, ClinicEmailPolicyValidator>();
        services.TryAddSingleton<IValidator<ConsentInvitationRequest>, ConsentInvitationRequestValidator>();
        services.TryAddSingleton<IValidator<VerbalConsentRequest>, VerbalConsentRequestValidator>();
        services.TryAddSingleton<InformedConsentHandler>();
        services.TryAddSingleton<ConsentPageHandler>();
        services.TryAddSingleton<ConsentNoteFiler>();
        // One warm-up per process; resolvable on its own so a test can run it without the hosted service.
        services.TryAddSingleton<StartupWarmUp>();
        if (settings.ClinicMail.WarmUp)
        {
            services.AddHostedService(sp => sp.GetRequiredService<StartupWarmUp>());
        }

        services.AddExceptionHandler<ProblemMapping>();
        services.AddProblemDetails();
        // The one JSON contract, served from compile-time metadata for the check path (ClinicMailJsonContext).
        services.ConfigureHttpJsonOptions(o => ClinicMailJsonContext.ConfigureHttp(o.SerializerOptions));
        // Binding errors become exceptions so ProblemMapping answers them like every other error.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ClinicMail API";
            document.Info.Description = "Checks physicians' e-mail drafts against the Collège des médecins du Québec rules. See docs/api.md.";
            // Served at the caller's own origin: no server list, so the document is the same on every host (docs/openapi.json).
            document.Servers = [];
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>The one place that chooses the provider (docs/architecture.md, "Storage and providers"). Each provider registers its
    /// database and a <see cref="StorageBackend"/>; the store interfaces are mapped from the
    /// backend, so a new store is added to <see cref="StorageBackend"/> once per provider.</summary>
    private static IServiceCollection AddClinicMailStorage(this IServiceCollection services, StartupSettings settings)
    {
        var storage = settings.Storage;
        if (storage.IsPostgres)
        {
            // One data source (connection pool, Entra token refresh) per process.
            services.TryAddSingleton(sp => new PostgresDatabase(
                storage.ConnectionString,
                storage.UsesEntraAuthentication(settings.ClinicMail) ? new DefaultAzureCredential() : null,
                sp.GetRequiredService<TimeProvider>()));
            services.TryAddSingleton(sp => StorageBackend.ForPostgres(
                sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>(), inProcessNearMiss: storage.InProcessNearMiss,
                logger: sp.GetRequiredService<ILoggerFactory>().CreateLogger("ClinicMail.Registry.NearMissIndex")));
        }
        else
        {
            // One database object per file: it opens pooled connections per operation.
            services.TryAddSingleton(sp => new SqliteDatabase(storage.ConnectionString, sp.GetRequiredService<TimeProvider>()));
            services.TryAddSingleton(sp => StorageBackend.ForSqlite(
                sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>(), storage.InProcessNearMiss,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("ClinicMail.Registry.NearMissIndex")));
            // The write-ahead log is copied back into the file in the background, not inside a check's audit commit.
            services.AddHostedService<SqliteWalCheckpointService>();
        }

        // Stateless adapters over the pooled database: singletons.
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageBackend>().Directory);
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageBackend>().Patients);
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageBackend>().Audit);
        services.TryAddSingleton<IAuditReader>(sp => sp.GetRequiredService<IAuditStore>());
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageBackend>().Justifications);
        // Audit review (search, export, verification, retention) exists on both providers; a provider
        // added later without one is refused at startup rather than failing on the first review call.
        services.TryAddSingleton<IAuditReviewStore>(sp => sp.GetRequiredService<StorageBackend>().AuditReview
            ?? throw new StartupConfigurationException(["Audit review (search, export, verification) is not available on this Storage:Provider in this build."]));
        services.AddSingleton<IStartupStep>(sp => new DelegateStartupStep(async ct =>
        {
            if (!storage.MigratesOnStartup(settings.ClinicMail))
            {
                return;
            }

            var (applied, _) = await sp.GetRequiredService<StorageBackend>().MigrateAsync(ct).ConfigureAwait(false);
            // Embedded default: the demo registry is seeded when the database is created, never again
            // (an administrator's later edits to demo patients are not undone by a restart).
            if (settings.ClinicMail.IsDevelopment && applied.Contains(1) && settings.ClinicMail.SeedDemoRegistry)
            {
                await DemoRegistry.SeedAsync(sp.GetRequiredService<IPatientStore>(), ct).ConfigureAwait(false);
            }
        }));
        return services;
    }

    private static IServiceCollection AddClinicMailKeys(this IServiceCollection services, IConfiguration configuration, StartupSettings settings)
    {
        // The local key file exists only in development, under the data folder; production names a vault key.
        var keys = Settings.ReadOrThrow(configuration, KeyProviderOptions.SectionName, new KeyProviderOptionsValidator(Options.Create(settings.ClinicMail)),
            k => EmbeddedDefaults.Apply(k, settings.ClinicMail));

        // One key-encryption key per process (it caches the vault's public key); created by a startup
        // step so a missing or unreachable key stops startup instead of failing the first patient.
        services.TryAddSingleton<IKeyEncryptionKey>(_ => KeyProviderFactory.CreateAsync(keys).GetAwaiter().GetResult());
        services.AddSingleton<IStartupStep>(sp => new DelegateStartupStep(ct =>
        {
            ct.ThrowIfCancellationRequested();
            sp.GetRequiredService<IKeyEncryptionKey>();
            return Task.CompletedTask;
        }));
        return services;
    }

    private static IServiceCollection AddClinicMailAudit(this IServiceCollection services, IConfiguration configuration, StartupSettings settings)
    {
        var audit = Settings.ReadOrThrow(configuration, AuditOptions.Section, new AuditOptionsValidator());

        services.TryAddSingleton(Options.Create(audit));
        // Singletons: the checkpointer owns the lock that keeps two signings of one head apart; the
        // verifier, retention and the reviewer handler hold no per-request state.
        services.AddClinicMailAuditIntegrity(configuration, settings, audit);
        services.TryAddSingleton(sp => new AuditRetention(sp.GetRequiredService<IAuditReviewStore>(), sp.GetRequiredService<AuditCheckpointer>(),
            sp.GetRequiredService<IAuditWriter>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<AuditReviewHandler>();
        if (audit.RunMaintenance)
        {
            services.AddHostedService<AuditMaintenanceService>();
        }

        // One writer loop per process: group commit needs a single queue.
        services.TryAddSingleton<IAuditWriter>(sp => new BatchingAuditWriter(sp.GetRequiredService<IAuditStore>(), sp.GetRequiredService<TimeProvider>()));
        // The fingerprint key lives as long as the process.
        services.TryAddSingleton(_ => new DraftFingerprint(FingerprintKey.LoadOrCreate(Path.Combine(settings.ClinicMail.DataDirectory, "audit-hmac.key"))));
        return services;
    }

    internal static void Copy(ClinicMailOptions from, ClinicMailOptions to)
    {
        to.Mode = from.Mode;
        to.InternalDomains = [.. from.InternalDomains.Select(d => d.Trim().TrimStart('@').ToLowerInvariant())];
        to.DataDirectory = from.DataDirectory;
        to.PublicBaseUrl = from.PublicBaseUrl;
        to.AddinDirectory = from.AddinDirectory;
        to.TimeZone = from.TimeZone;
        to.SeedDemoRegistry = from.SeedDemoRegistry;
        to.WarmUp = from.WarmUp;
    }

    private sealed class DelegateStartupStep(Func<CancellationToken, Task> run) : IStartupStep
    {
        public Task RunAsync(CancellationToken cancellationToken) => run(cancellationToken);
    }
}

/// <summary>The server secret of the draft fingerprint (HMAC). In the embedded default: 32 random bytes
/// in an owner-only file, created on first run.</summary>
public static class FingerprintKey
{
    public static byte[] LoadOrCreate(string path) => PrivateFile.ReadOrCreate(path, () => RandomNumberGenerator.GetBytes(32));
}

/// <summary><c>Policy:*</c> — per-rule severity from configuration (docs/policy.md), read through
/// <see cref="PolicySettings"/> and its validator like every other section.</summary>
public static class PolicyConfiguration
{
    public static PolicyOptions Read(IConfiguration configuration) => SettingsRegistration.ReadPolicy(configuration);
}
