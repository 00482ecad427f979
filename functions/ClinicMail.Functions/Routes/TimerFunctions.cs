using ClinicMail.Application.Filing;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Secure;
using Microsoft.Extensions.Options;

namespace ClinicMail.Functions.Routes;

/// <summary>The work the local host does in background services, as timer triggers: the worker sets
/// <c>Secure:BackgroundPurge</c> and <c>Audit:RunMaintenance</c> false (WorkerProgram). A failure is logged
/// (type only) and the next occurrence retries.</summary>
public sealed class TimerFunctions(
    SecureMessagePurger purger,
    FilingRetention filingRetention,
    AuditCheckpointer checkpointer,
    AuditRetention retention,
    IOptions<AuditOptions> audit,
    ILogger<TimerFunctions> logger)
{
    /// <summary>Every 15 minutes, as <c>Secure:PurgeInterval</c>'s default on the local host.</summary>
    public const string PurgeSchedule = "0 */15 * * * *";

    /// <summary>Every 5 minutes: an unsigned tail is at most this old (the local host also signs every
    /// <c>Audit:CheckpointEvery</c> records).</summary>
    public const string CheckpointSchedule = "0 */5 * * * *";

    [Function("PurgeSecureMessages")]
    public async Task PurgeAsync([TimerTrigger(PurgeSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var purged = await purger.PurgeExpiredAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Secure purge (timer): {Purged} messages shredded", purged);
        var expired = await filingRetention.RunAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Record filing retention (timer): {Rows} outbox rows expired or removed", expired);
    }

    [Function("AuditCheckpoint")]
    public async Task CheckpointAsync([TimerTrigger(CheckpointSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var (_, _, pending) = await checkpointer.PendingAsync(cancellationToken).ConfigureAwait(false);
        // Only what this invocation signed: another instance may have signed the head meanwhile.
        if (pending > 0 && await checkpointer.SignPendingAsync("schedule", cancellationToken).ConfigureAwait(false) is { SignedHere: true, Checkpoint: { } checkpoint })
        {
            logger.LogInformation("Audit checkpoint signed at record {Sequence}", checkpoint.Sequence);
        }

        if (audit.Value.RetentionDays > 0 && await retention.PurgeAsync(audit.Value.RetentionDays, cancellationToken).ConfigureAwait(false) is { } purge)
        {
            logger.LogInformation("Audit retention removed {Records} records through {Sequence}", purge.RecordsRemoved, purge.ThroughSequence);
        }
    }
}
