using System.Text.Json;
using ClinicMail.Core.Incoming;
using ClinicMail.Infrastructure.Mail.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary><c>POST /api/v1/mail/lifecycle</c>: Graph's lifecycle notifications for the subscriptions
/// <see cref="MailSubscriptionKeeper"/> keeps (learn.microsoft.com/graph, "Reduce missing subscriptions and
/// change notifications"). Same handshake and clientState proof as the webhook; then
/// <c>reauthorizationRequired</c> → reauthorize and renew (recreate when Graph refuses),
/// <c>subscriptionRemoved</c> → recreate, <c>missed</c> → a delta round on the folder, each message id
/// enqueued (processing is idempotent per id, so one already handled is skipped). Anonymous on purpose:
/// Graph has no token; the clientState is the proof. Lifecycle events are rare and each is a call or two
/// to Graph, so they are handled before answering.</summary>
public sealed class GraphLifecycleHandler(
    MailSubscriptionKeeper keeper,
    SubscriptionClientStates clientStates,
    IMailSubscriptionService graph,
    IMailSubscriptionStore store,
    IIncomingQueue queue,
    TimeProvider time,
    ILogger<GraphLifecycleHandler> logger)
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (GraphNotificationHandler.Handshake(request) is { } handshake)
        {
            return handshake;
        }

        using var document = await GraphNotificationHandler.ReadBatchAsync(request, cancellationToken).ConfigureAwait(false);
        var refused = 0;
        var handled = 0;
        foreach (var item in document.RootElement.GetProperty("value").EnumerateArray())
        {
            var subscription = await clientStates.VerifyAsync(Text(item, "subscriptionId"), Text(item, "clientState"), cancellationToken).ConfigureAwait(false);
            if (subscription is null)
            {
                refused++;
                continue;
            }

            var lifecycleEvent = Text(item, "lifecycleEvent") ?? "";
            var enqueued = await ApplyAsync(subscription, lifecycleEvent, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Graph lifecycle event {Event} for subscription {SubscriptionId}: {Enqueued} message(s) enqueued", lifecycleEvent, subscription.SubscriptionId, enqueued);
            handled++;
        }

        if (handled == 0 && refused > 0)
        {
            logger.LogWarning("Graph lifecycle notifications refused: {Refused} with an unknown subscription or a wrong clientState", refused);
            throw GraphNotificationHandler.WrongClientState();
        }

        return Results.Accepted();
    }

    /// <summary>Acts on one verified event; how many messages a catch-up enqueued.</summary>
    public async Task<int> ApplyAsync(MailSubscription subscription, string lifecycleEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        switch (lifecycleEvent)
        {
            case "reauthorizationRequired":
                if (!await graph.ReauthorizeAsync(subscription.SubscriptionId, cancellationToken).ConfigureAwait(false)
                    || !await keeper.RenewAsync(subscription, cancellationToken).ConfigureAwait(false))
                {
                    await keeper.CreateAsync(subscription.Mailbox, subscription.Folder, cancellationToken).ConfigureAwait(false);
                }

                return 0;
            case "subscriptionRemoved":
                clientStates.Forget(subscription.SubscriptionId);
                await keeper.CreateAsync(subscription.Mailbox, subscription.Folder, cancellationToken).ConfigureAwait(false);
                // Mail may have arrived while there was no subscription: catch up as for a missed window.
                return await CatchUpAsync(subscription, cancellationToken).ConfigureAwait(false);
            case "missed":
                return await CatchUpAsync(subscription, cancellationToken).ConfigureAwait(false);
            default:
                // An event this version does not know: nothing to do, and no reason for Graph to retry.
                return 0;
        }
    }

    /// <summary>One delta round on the subscription's folder from the stored delta link (or from the
    /// subscription's creation); every message id enqueued, the new link stored.</summary>
    public async Task<int> CatchUpAsync(MailSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var link = await store.GetDeltaLinkAsync(subscription.Mailbox, subscription.Folder, cancellationToken).ConfigureAwait(false);
        var round = await graph.DeltaAsync(subscription.Mailbox, subscription.Folder, link, subscription.CreatedAt, cancellationToken).ConfigureAwait(false);
        foreach (var id in round.MessageIds.Distinct(StringComparer.Ordinal))
        {
            await queue.EnqueueAsync(new IncomingWorkItem(subscription.Mailbox, id, GraphMailboxTransport.SourceName), cancellationToken).ConfigureAwait(false);
        }

        if (round.DeltaLink.Length > 0)
        {
            await store.SetDeltaLinkAsync(subscription.Mailbox, subscription.Folder, round.DeltaLink, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return round.MessageIds.Count;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
