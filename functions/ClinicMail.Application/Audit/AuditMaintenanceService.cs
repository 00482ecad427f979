using ClinicMail.Core.Audit;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Audit;

/// <summary>Signs the chain head every <c>Audit:CheckpointEvery</c> records or <c>Audit:CheckpointInterval</c>
/// (whichever comes first), and runs the retention purge every <c>Audit:RetentionRunInterval</c> when
/// <c>Audit:RetentionDays</c> is set. A failure is logged (type only) and retried at the next poll: the
/// checks keep working, and verification reports an unsigned tail if signing stays impossible.</summary>
public sealed class AuditMaintenanceService(
    AuditCheckpointer checkpointer,
    AuditRetention retention,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<AuditMaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var started = time.GetUtcNow();
        DateTimeOffset? lastPurge = null;
        var first = true;
        using var timer = new PeriodicTimer(settings.CheckpointPoll, time);
        // The first pass waits one poll: signing (an RSA or Key Vault operation) and the chain scan
        // would otherwise compete with a cold instance's first requests for its CPU.
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var (_, latest, pending) = await checkpointer.PendingAsync(stoppingToken).ConfigureAwait(false);
                var since = time.GetUtcNow() - (latest?.At ?? started);
                // At the first poll, sign whatever a previous run left unsigned (a crash, a stop between polls).
                if (pending >= settings.CheckpointEvery || (pending > 0 && (first || since >= settings.CheckpointInterval)))
                {
                    // Another instance may have signed meanwhile: then the checkpoint returned is theirs and
                    // this instance reports nothing (a newer sequence alone does not say who signed).
                    var result = await checkpointer.SignPendingAsync("schedule", stoppingToken).ConfigureAwait(false);
                    if (result is { SignedHere: true, Checkpoint: { } checkpoint })
                    {
                        logger.LogInformation("Audit checkpoint signed at record {Sequence}", checkpoint.Sequence);
                    }
                }

                if (settings.RetentionDays > 0 && (lastPurge is null || time.GetUtcNow() - lastPurge >= settings.RetentionRunInterval))
                {
                    lastPurge = time.GetUtcNow();
                    if (await retention.PurgeAsync(settings.RetentionDays, stoppingToken).ConfigureAwait(false) is { } purge)
                    {
                        logger.LogInformation("Audit retention removed {Records} records through {Sequence} and {Texts} justification texts",
                            purge.RecordsRemoved, purge.ThroughSequence, purge.JustificationsRemoved);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The service must survive a failing store or key provider and retry at the next poll.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogWarning("Audit maintenance failed ({ExceptionType}); retrying at the next poll", ex.GetType().Name);
            }

            first = false;
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
