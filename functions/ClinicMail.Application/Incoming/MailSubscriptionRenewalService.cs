using ClinicMail.Core.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary>The local host's subscription upkeep in Graph mode: a pass at start (the subscriptions exist as
/// soon as the app runs) and every <c>IncomingMail:Graph:RenewEvery</c>. The Functions worker runs the same
/// pass from a timer (<c>MailSubscriptionRenewal</c>) instead.</summary>
public sealed class MailSubscriptionRenewalService(MailSubscriptionKeeper keeper, IncomingMailbook mailbook, TimeProvider time, ILogger<MailSubscriptionRenewalService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await keeper.MaintainAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store unreachable, say: the next pass retries, well before any subscription expires.
                logger.LogWarning("Graph subscription upkeep failed ({Error})", ex.GetType().Name);
            }

            try
            {
                await Task.Delay(mailbook.Options.Graph.RenewEvery, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>The subscription service when Graph mode is off (<c>IncomingMail:Graph:NotificationUrl</c> not
/// set): nothing may be subscribed, so every call fails closed with the setting to give.</summary>
public sealed class GraphModeOff : IMailSubscriptionService
{
    private static InvalidOperationException Off() =>
        new("Graph change notifications are off: set IncomingMail:Graph:NotificationUrl (docs/incoming-mail.md).");

    public Task<(string Id, DateTimeOffset ExpiresAt)> CreateAsync(MailSubscriptionRequest request, CancellationToken cancellationToken = default) => throw Off();

    public Task<bool> RenewAsync(string subscriptionId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => throw Off();

    public Task<bool> ReauthorizeAsync(string subscriptionId, CancellationToken cancellationToken = default) => throw Off();

    public Task DeleteAsync(string subscriptionId, CancellationToken cancellationToken = default) => throw Off();

    public Task<MailDeltaRound> DeltaAsync(string mailbox, string folder, string? deltaLink, DateTimeOffset since, CancellationToken cancellationToken = default) => throw Off();
}
