using ClinicMail.Application.Configuration;
using ClinicMail.Infrastructure.Secure;

namespace ClinicMail.Application.Secure;

/// <summary>The local host's purge: the same work on an interval as the Functions worker's
/// <c>PurgeSecureMessages</c> timer (which runs instead when <c>Secure:BackgroundPurge</c> is false), and
/// the filing outbox's retention after it.</summary>
public sealed class PurgeBackgroundService(SecureMessagePurger purger, ClinicMail.Application.Filing.FilingRetention filingRetention, Microsoft.Extensions.Options.IOptions<SecureOptions> options, TimeProvider time, ILogger<PurgeBackgroundService> logger) : BackgroundService
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

                // The filing outbox keeps sealed copies no longer than the messages themselves live.
                await filingRetention.RunAsync(stoppingToken).ConfigureAwait(false);
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
