using System.Globalization;
using ClinicMail.Core.Incoming;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.MailFolders.Item.Messages.Delta;

namespace ClinicMail.Infrastructure.Mail.Incoming;

/// <summary>Graph's subscription and delta API through the SDK (learn.microsoft.com/graph: "subscription
/// resource type", "Reduce missing subscriptions and change notifications", "message: delta"): one
/// <c>created</c> subscription per watched folder, renewed with <c>PATCH</c>, reauthorized on request,
/// and the folder's message delta to catch up after a <c>missed</c> lifecycle event. Shares the
/// mailbox transport's client (one token cache per process).</summary>
public sealed class GraphSubscriptionClient(GraphServiceClient client) : IMailSubscriptionService
{
    /// <summary>A catch-up reads at most this many pages (Graph pages hold about ten messages by default);
    /// a folder further behind is left to the next round, from the link reached.</summary>
    public const int MaxDeltaPages = 200;

    public async Task<(string Id, DateTimeOffset ExpiresAt)> CreateAsync(MailSubscriptionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var created = await client.Subscriptions.PostAsync(new Subscription
        {
            ChangeType = "created",
            // The folder's messages: a message notification names users/{id}/messages/{id}, which the webhook reads.
            Resource = $"users/{request.Mailbox}/mailFolders('{request.Folder}')/messages",
            NotificationUrl = request.NotificationUrl.AbsoluteUri,
            LifecycleNotificationUrl = request.LifecycleNotificationUrl.AbsoluteUri,
            ClientState = request.ClientState,
            ExpirationDateTime = request.ExpiresAt,
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return created?.Id is { Length: > 0 } id
            ? (id, created.ExpirationDateTime ?? request.ExpiresAt)
            : throw new InvalidOperationException("Graph created a subscription without an id.");
    }

    public async Task<bool> RenewAsync(string subscriptionId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.Subscriptions[subscriptionId].PatchAsync(new Subscription { ExpirationDateTime = expiresAt }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ODataError ex) when (ex.ResponseStatusCode == 404)
        {
            return false;
        }
    }

    public async Task<bool> ReauthorizeAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.Subscriptions[subscriptionId].Reauthorize.PostAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ODataError ex) when (ex.ResponseStatusCode == 404)
        {
            return false;
        }
    }

    public async Task DeleteAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.Subscriptions[subscriptionId].DeleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ODataError ex) when (ex.ResponseStatusCode == 404)
        {
            // Already gone: what was asked.
        }
    }

    public async Task<MailDeltaRound> DeltaAsync(string mailbox, string folder, string? deltaLink, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var builder = client.Users[mailbox].MailFolders[folder].Messages.Delta;
        var ids = new List<string>();
        DeltaGetResponse? page;
        if (deltaLink is null)
        {
            // No round yet: start at `since` (the subscription's creation), not at the folder's first message,
            // so a catch-up never acknowledges old mail. Only new messages matter (changeType=created).
            page = await builder.GetAsDeltaGetResponseAsync(r =>
            {
                r.QueryParameters.Select = ["id"];
                r.QueryParameters.ChangeType = "created";
                r.QueryParameters.Filter = "receivedDateTime ge " + since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            page = await builder.WithUrl(deltaLink).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        for (var pages = 1; page is not null; pages++)
        {
            foreach (var message in page.Value ?? [])
            {
                // Deleted messages come back as {"@removed": …, "id": …}: nothing to answer.
                if (message.Id is { Length: > 0 } id && !(message.AdditionalData?.ContainsKey("@removed") ?? false))
                {
                    ids.Add(id);
                }
            }

            if (page.OdataDeltaLink is { Length: > 0 } next)
            {
                return new MailDeltaRound(ids, next);
            }

            if (page.OdataNextLink is not { Length: > 0 } more || pages >= MaxDeltaPages)
            {
                // A round cut short resumes from where it stopped (a next link is a valid starting point).
                return new MailDeltaRound(ids, page.OdataNextLink ?? deltaLink ?? "");
            }

            page = await builder.WithUrl(more).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return new MailDeltaRound(ids, deltaLink ?? "");
    }
}
