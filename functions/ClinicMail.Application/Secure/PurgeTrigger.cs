using ClinicMail.Infrastructure.Secure;

namespace ClinicMail.Application.Secure;

/// <summary>The local host's purge: the same work on an interval as the Functions worker's
/// <c>PurgeSecureMessages</c> timer (which runs instead when <c>Secure:BackgroundPurge</c> is false).</summary>
public sealed class PurgeBackgroundService(SecureMessagePurger purger, Microsoft.Extensions.Options.IOptions<SecureOptions> options, TimeProvider time, ILogger<PurgeBackgroundService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, time);
        do
        {
            try
            {
                var purged = await purger.PurgeExpiredAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    logger.LogInformation("Secure purge: {Purged} messages shredded", purged);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round is logged and retried at the next tick; the service must not die.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogError("Secure purge failed: {ExceptionType}", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
