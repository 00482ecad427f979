using System.Globalization;
using ClinicMail.Core.Filing;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>Sent Items through the Graph SDK: the delta query of the well-known folder
/// (<c>GET /users/{mailbox}/mailFolders/sentitems/messages/delta</c>, ids only, the first round from a
/// start time), then the next or delta link it returned; and each message's MIME
/// (<c>GET /users/{mailbox}/messages/{id}/$value</c>). Application permission <c>Mail.Read</c> (the
/// deployment grants <c>Mail.ReadWrite</c>, scoped to the watched mailboxes, docs/deploy.md).</summary>
public sealed class GraphSentItemsReader(GraphServiceClient client) : ISentItemsReader
{
    /// <summary>Graph's well-known name of the Sent Items folder (any language of the mailbox).</summary>
    public const string SentItemsFolder = "sentitems";

    /// <summary>Messages per delta page (Graph's <c>odata.maxpagesize</c>).</summary>
    public const int PageSize = 50;

    public async Task<SentItemsPage> ReadPageAsync(string mailbox, string? link, DateTimeOffset startFrom, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mailbox);
        var delta = client.Users[mailbox].MailFolders[SentItemsFolder].Messages.Delta;
        Microsoft.Graph.Users.Item.MailFolders.Item.Messages.Delta.DeltaGetResponse? response;
        try
        {
            response = link is null
                ? await delta.GetAsDeltaGetResponseAsync(r =>
                {
                    // Ids only: the content is read as MIME, one message at a time.
                    r.QueryParameters.Select = ["id"];
                    // Delta on messages filters by receivedDateTime only (a sent item's is its send time).
                    r.QueryParameters.Filter = "receivedDateTime ge " + startFrom.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                    r.Headers.Add("Prefer", "odata.maxpagesize=" + PageSize.ToString(CultureInfo.InvariantCulture));
                }, cancellationToken).ConfigureAwait(false)
                : await delta.WithUrl(link).GetAsDeltaGetResponseAsync(r => r.Headers.Add("Prefer", "odata.maxpagesize=" + PageSize.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
        }
        catch (ODataError error) when (error.ResponseStatusCode == 410)
        {
            // syncStateNotFound / resyncRequired: the state behind the link is gone.
            throw new SentItemsResyncException("Graph answered 410 to the Sent Items delta link: the sweep starts again.", error);
        }

        var ids = new List<string>();
        foreach (var message in response?.Value ?? [])
        {
            // A removed item comes back as {"id", "@removed": {...}}: nothing to file.
            if (message.Id is { Length: > 0 } id && !(message.AdditionalData?.ContainsKey("@removed") ?? false))
            {
                ids.Add(id);
            }
        }

        var next = response?.OdataNextLink;
        var deltaLink = response?.OdataDeltaLink;
        if (next is null && deltaLink is null)
        {
            throw new InvalidOperationException("Graph's delta page had neither a next link nor a delta link.");
        }

        return new SentItemsPage(ids, next, next is null ? deltaLink : null);
    }

    public async Task<byte[]?> ReadMimeAsync(string mailbox, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mailbox);
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        try
        {
            await using var stream = await client.Users[mailbox].Messages[messageId].Content.GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (stream is null)
            {
                return null;
            }

            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
            // Deleted between the delta page and now: nothing left to file.
            return null;
        }
    }
}
