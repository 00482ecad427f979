using System.Collections.Concurrent;
using Azure.Core;
using ClinicMail.Core.Incoming;
using ClinicMail.Core.Registry;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.Messages.Item.Reply;
using Microsoft.Kiota.Authentication.Azure;

namespace ClinicMail.Infrastructure.Mail.Incoming;

/// <summary>The production mailbox through the Graph SDK: <c>GET /users/{id}/messages/{id}</c> (text
/// body, internet headers), the acknowledgement as <c>POST …/reply</c> (in the thread, our header on
/// it), and <c>PATCH …</c> for categories, importance and the follow-up flag due at the deadline.
/// Application permission <c>Mail.ReadWrite</c> (and <c>Mail.Send</c>) scoped to the watched mailboxes
/// by Exchange RBAC for Applications (docs/deploy.md).</summary>
public sealed class GraphMailboxTransport : IIncomingTransport
{
    public const string SourceName = "graph";

    private static readonly string[] MessageFields =
        ["id", "conversationId", "from", "sender", "subject", "body", "internetMessageHeaders", "receivedDateTime", "sentDateTime", "internetMessageId"];

    private readonly GraphServiceClient _client;
    private readonly IReadOnlyCollection<string> _mailboxes;

    /// <summary>Graph user id → the mailbox's address (notifications name users by id).</summary>
    private readonly ConcurrentDictionary<string, string> _addresses = new(StringComparer.OrdinalIgnoreCase);

    public GraphMailboxTransport(TokenCredential credential, IReadOnlyCollection<string> watchedMailboxes, GraphMailSenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new GraphMailSenderOptions();
        _mailboxes = watchedMailboxes;
        var authentication = new AzureIdentityAuthenticationProvider(credential, [options.BaseUri.Host], observabilityOptions: null, isCaeEnabled: false, GraphMailSender.Scope);
        var http = GraphClientFactory.Create(graphClientOptions: null, version: "v1.0", nationalCloud: GraphClientFactory.Global_Cloud, proxy: null, finalHandler: options.Handler);
        _client = new GraphServiceClient(http, authentication, new Uri(options.BaseUri, "v1.0").AbsoluteUri);
    }

    public string Name => SourceName;

    public GraphServiceClient Client => _client;

    public async Task<IncomingMessage?> GetAsync(IncomingWorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var mailbox = await AddressOfAsync(item.Mailbox, cancellationToken).ConfigureAwait(false);
        Message? message;
        try
        {
            message = await _client.Users[item.Mailbox].Messages[item.MessageId].GetAsync(r =>
            {
                r.QueryParameters.Select = MessageFields;
                // The text the sender wrote, without the HTML: triage reads words.
                r.Headers.Add("Prefer", "outlook.body-content-type=\"text\"");
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Microsoft.Graph.Models.ODataErrors.ODataError ex) when (ex.ResponseStatusCode == 404)
        {
            return null;
        }

        if (message?.Id is null)
        {
            return null;
        }

        // The raw MIME (GET …/$value): record filing keeps the message as received (IExchangeObserver).
        var mime = await ReadMimeAsync(item.Mailbox, message.Id, cancellationToken).ConfigureAwait(false);
        var from = AddressNormalizer.Normalize(message.From?.EmailAddress?.Address);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in message.InternetMessageHeaders ?? [])
        {
            if (header.Name is { } name && header.Value is { } value)
            {
                headers.TryAdd(name, value);
            }
        }

        if (message.InternetMessageId is { } internetId)
        {
            headers.TryAdd("Message-ID", internetId);
        }

        var sent = from is not null && string.Equals(from, mailbox, StringComparison.Ordinal);
        return new IncomingMessage
        {
            MessageId = message.Id,
            ConversationId = message.ConversationId ?? message.Id,
            Mailbox = mailbox,
            From = from,
            Subject = message.Subject ?? "",
            Body = message.Body?.Content ?? "",
            Headers = headers,
            ReceivedAt = (sent ? message.SentDateTime : message.ReceivedDateTime) ?? DateTimeOffset.UtcNow,
            SentByMailbox = sent,
            Mime = mime,
        };
    }

    /// <summary>A message larger than this is not read whole (Exchange Online's own limit is 150 MB; a
    /// patient's mail is far smaller): filing then has no MIME and says so.</summary>
    public const int MaxMimeBytes = 64 * 1024 * 1024;

    private async Task<ReadOnlyMemory<byte>> ReadMimeAsync(string user, string messageId, CancellationToken cancellationToken)
    {
        await using var stream = await _client.Users[user].Messages[messageId].Content.GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxMimeBytes)
            {
                return ReadOnlyMemory<byte>.Empty;
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        return buffer.ToArray();
    }

    public async Task<ReadOnlyMemory<byte>> ReplyInThreadAsync(IncomingMessage original, AcknowledgementMail acknowledgement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(acknowledgement);
        var body = new ReplyPostRequestBody
        {
            // Graph accepts only x- headers on a message it sends: ours marks the loop-protection header.
            Message = new Message { InternetMessageHeaders = [new InternetMessageHeader { Name = AutoReplySuppression.AcknowledgementHeader, Value = "1" }, new InternetMessageHeader { Name = GraphMailSender.KindHeader, Value = acknowledgement.Kind }] },
            Comment = acknowledgement.TextBody,
        };
        await _client.Users[original.Mailbox].Messages[original.MessageId].Reply.PostAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ReadOnlyMemory<byte>.Empty;
    }

    public Task MarkAsync(IncomingMessage message, MailboxMarks marks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(marks);
        var patch = new Message
        {
            Categories = [.. marks.Categories],
            Importance = marks.HighImportance ? Importance.High : Importance.Normal,
        };
        if (marks.FollowUpDue is { } due)
        {
            // Graph requires a start date with a due date; both in UTC.
            patch.Flag = new FollowupFlag
            {
                FlagStatus = FollowupFlagStatus.Flagged,
                StartDateTime = new DateTimeTimeZone { DateTime = message.ReceivedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), TimeZone = "UTC" },
                DueDateTime = new DateTimeTimeZone { DateTime = due.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), TimeZone = "UTC" },
            };
        }

        return _client.Users[message.Mailbox].Messages[message.MessageId].PatchAsync(patch, cancellationToken: cancellationToken);
    }

    /// <summary>The address of a mailbox named by address or Graph user id (cached: it never changes).</summary>
    private async Task<string> AddressOfAsync(string user, CancellationToken cancellationToken)
    {
        if (AddressNormalizer.Normalize(user) is { } address && _mailboxes.Contains(address))
        {
            return address;
        }

        if (_addresses.TryGetValue(user, out var cached))
        {
            return cached;
        }

        var found = await _client.Users[user].GetAsync(r => r.QueryParameters.Select = ["mail", "userPrincipalName"], cancellationToken).ConfigureAwait(false);
        var resolved = AddressNormalizer.Normalize(found?.Mail) ?? AddressNormalizer.Normalize(found?.UserPrincipalName) ?? "";
        _addresses[user] = resolved;
        return resolved;
    }
}
