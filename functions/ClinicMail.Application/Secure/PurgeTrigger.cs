using ClinicMail.Application.Background;
using ClinicMail.Application.Configuration;
using ClinicMail.Infrastructure.Secure;

namespace ClinicMail.Application.Secure;

/// <summary>The local host's purge: the same work on an interval as the Functions worker's
/// <c>PurgeSecureMessages</c> timer (which runs instead when <c>Secure:BackgroundPurge</c> is false), and
/// the filing outbox's retention after it.</summary>
public sealed class PurgeBackgroundService(SecureMessagePurger purger, ClinicMail.Application.Filing.FilingRetention filingRetention, Microsoft.Extensions.Options.IOptions<SecureOptions> options, TimeProvider time, ILogger<PurgeBackgroundService> logger) : BackgroundService
{
    /// <summary>A purge per interval; a failed one is retried from 5 s, backing off up to the interval.</summary>
    private readonly PeriodicWork _work = new("secure-purge", options.Value.PurgeInterval,
        new RetryBackoff(TimeSpan.FromSeconds(5), options.Value.PurgeInterval), time, logger);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _work.RunAsync(PurgeAsync, stoppingToken);

    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var purged = await purger.PurgeExpiredAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (purged > 0)
        {
            logger.LogInformation("Secure purge: {Purged} messages shredded", purged);
        }

        // The filing outbox keeps sealed copies no longer than the messages themselves live.
        await filingRetention.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
