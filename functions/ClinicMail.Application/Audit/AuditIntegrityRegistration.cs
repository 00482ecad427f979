using ClinicMail.Application.Configuration;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Audit;

/// <summary>The tamper resistance of the audit log: the checkpoint signing key (not the KEK), the copy
/// of the checkpoints outside the database, the head witness, the verifier and the checkpointer that
/// verifies before it signs (docs/audit.md, docs/security.md).</summary>
public static class AuditIntegrityRegistration
{
    public static IServiceCollection AddClinicMailAuditIntegrity(this IServiceCollection services, IConfiguration configuration, StartupSettings settings, AuditOptions audit)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(audit);
        var keys = Settings.ReadOrThrow(configuration, KeyProviderOptions.SectionName, new KeyProviderOptionsValidator(Options.Create(settings.ClinicMail)),
            k => EmbeddedDefaults.Apply(k, settings.ClinicMail));
        var signing = Settings.ReadOrThrow(configuration, AuditSigningKeyOptions.Section, new AuditSigningKeyOptionsValidator());
        var dataDirectory = settings.ClinicMail.DataDirectory;

        // One signing key per process, opened by a startup step so a missing key stops startup.
        services.TryAddSingleton<IAuditSigningKey>(_ => signing.OpenAsync(keys, dataDirectory).GetAwaiter().GetResult());
        services.AddSingleton<IStartupStep>(sp => new OpenSigningKeyStep(sp));

        // Singletons: the copy serialises its appends; the witness is this process's memory of the head.
        services.AddAuditCheckpointCopy(configuration, settings, audit);
        services.TryAddSingleton<AuditHeadWitness>();
        services.TryAddSingleton<IAuditIntegrityAlert, LoggingAuditIntegrityAlert>();
        services.TryAddSingleton(sp => new AuditVerifier(sp.GetRequiredService<IAuditReviewStore>(), sp.GetRequiredService<IAuditSigningKey>(),
            sp.GetRequiredService<IOptions<AuditOptions>>().Value.EffectiveMaxUnsignedRecords)
        {
            Copy = sp.GetRequiredService<IAuditCheckpointCopy>(),
            // Checkpoints signed before the signing key existed were signed with the KEK.
            LegacyKey = sp.GetRequiredService<IKeyEncryptionKey>(),
            MaxUnsignedAge = sp.GetRequiredService<IOptions<AuditOptions>>().Value.EffectiveMaxUnsignedAge,
            Time = sp.GetRequiredService<TimeProvider>(),
            Witness = sp.GetRequiredService<AuditHeadWitness>(),
        });
        services.TryAddSingleton(sp => new AuditCheckpointer(sp.GetRequiredService<IAuditReviewStore>(), sp.GetRequiredService<IAuditWriter>(),
            sp.GetRequiredService<IAuditSigningKey>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<AuditVerifier>(),
            sp.GetRequiredService<IAuditCheckpointCopy>(), sp.GetRequiredService<IAuditIntegrityAlert>(), sp.GetRequiredService<AuditHeadWitness>(),
            CheckpointLockOf(sp.GetRequiredService<StorageBackend>())));
        return services;
    }

    /// <summary>Several instances share a PostgreSQL store: they sign under one advisory lock. SQLite is one
    /// process's file (the embedded default), where the checkpointer's own gate is enough.</summary>
    private static IAuditCheckpointLock? CheckpointLockOf(StorageBackend storage) =>
        storage.Postgres is { } database ? new PostgresAdvisoryLock(database, PostgresAdvisoryLock.AuditCheckpointKey) : null;
}

/// <summary>The alert when the checkpointer refuses to sign: a critical log entry with a stable event id
/// (Application Insights alert rule on it), the problem code and the position; never record content.</summary>
public sealed class LoggingAuditIntegrityAlert(ILogger<LoggingAuditIntegrityAlert> logger) : IAuditIntegrityAlert
{
    private static readonly EventId Tampered = new(1490, "AuditIntegrityAlert");

    public void Raise(AuditVerification verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        logger.LogCritical(Tampered, "Audit log broken: {Problem} at record {Sequence} ({Detail}); checkpoint refused",
            verification.Problem, verification.BrokenAt, verification.Detail);
    }
}

/// <summary>Opens the signing key during startup, so a missing or unreachable key stops startup.</summary>
internal sealed class OpenSigningKeyStep(IServiceProvider services) : IStartupStep
{
    public Task RunAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        services.GetRequiredService<IAuditSigningKey>();
        return Task.CompletedTask;
    }
}
