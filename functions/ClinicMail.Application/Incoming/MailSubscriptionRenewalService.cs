using ClinicMail.Application.Background;
using ClinicMail.Core.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary>The local host's subscription upkeep in Graph mode: a pass at start (the subscriptions exist as
/// soon as the app runs) and every <c>IncomingMail:Graph:RenewEvery</c>. The Functions worker runs the same
/// pass from a timer (<c>MailSubscriptionRenewal</c>) instead.</summary>
public sealed class MailSubscriptionRenewalService(MailSubscriptionKeeper keeper, IncomingMailbook mailbook, TimeProvider time, ILogger<MailSubscriptionRenewalService> logger) : BackgroundService
{
    /// <summary>A pass per <c>RenewEvery</c>; a failed one (the store unreachable, say) is retried from 30 s,
    /// backing off up to an hour — well before any subscription expires.</summary>
    private readonly PeriodicWork _work = new("graph-subscription-upkeep", mailbook.Options.Graph.RenewEvery,
        new RetryBackoff(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), time, logger);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _work.RunAsync(async ct => await keeper.MaintainAsync(ct).ConfigureAwait(false), stoppingToken);
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
