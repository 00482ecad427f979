using System.Text.Json;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Filing;
using ClinicMail.Core.Secure;
using ClinicMail.Core.Text;

namespace ClinicMail.Application.Filing;

/// <summary>Brings back the exchange an outbox row stands for: observed mail from its sealed payload, a
/// secure message or reply from its own envelope (decrypted with the message's binding), and for
/// outgoing mail the check's decision and reason codes from the audit log.</summary>
public sealed class ExchangeSourceReader(ISecureMessageStore secure, EnvelopeEncryptor encryptor, FilingPayload payload, IAuditReader audit)
{
    /// <summary>The exchange and its correspondents' addresses (for matching), or null when its content is
    /// gone (the secure message was shredded, the payload expired).</summary>
    public async Task<(FiledExchange Exchange, IReadOnlyList<string> Correspondents)?> ReadAsync(FilingOutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var read = entry.SourceKind switch
        {
            ExchangeSources.SecureMessage => await ReadSecureMessageAsync(entry.SourceId, cancellationToken).ConfigureAwait(false),
            ExchangeSources.SecureReply => await ReadSecureReplyAsync(entry.SourceId, cancellationToken).ConfigureAwait(false),
            _ => entry.Payload is null || entry.PayloadKey is null
                ? null
                : (await payload.OpenAsync(entry.Id, entry.Payload, entry.PayloadKey, cancellationToken).ConfigureAwait(false), (IReadOnlyList<string>)[]),
        };
        if (read is null)
        {
            return null;
        }

        var (exchange, correspondents) = read.Value;
        if (exchange.Check is { } check)
        {
            exchange = exchange with { Check = await CheckAsync(check.CheckId, cancellationToken).ConfigureAwait(false) };
        }

        return (exchange, correspondents);
    }

    private async Task<(FiledExchange, IReadOnlyList<string>)?> ReadSecureMessageAsync(string messageId, CancellationToken cancellationToken)
    {
        var message = await secure.GetMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
        var envelope = await secure.GetEnvelopeAsync(messageId, cancellationToken).ConfigureAwait(false);
        if (message is null || envelope is null)
        {
            return null;
        }

        var content = await encryptor.DecryptAsync(envelope, new EnvelopeBinding { MessageId = message.Id, Recipients = message.Recipients }, cancellationToken).ConfigureAwait(false);
        var accesses = await secure.GetAccessesAsync(messageId, cancellationToken).ConfigureAwait(false);
        var to = accesses.Select(a => a.Address).ToList();
        return (new FiledExchange
        {
            Direction = ExchangeDirection.Outgoing,
            SourceKind = ExchangeSources.SecureMessage,
            From = message.NotifyAddress ?? message.OwnerBinding,
            To = to,
            Subject = content.Subject,
            At = message.CreatedAt,
            MessageId = message.Id,
            BodyText = Text(content),
            Attachments = [.. content.Attachments.Select(a => new FiledAttachment(a.Name, a.ContentType, a.Content.ToArray()))],
            Check = new FiledCheck(message.CheckId, "", []),
        }, to);
    }

    private async Task<(FiledExchange, IReadOnlyList<string>)?> ReadSecureReplyAsync(string sourceId, CancellationToken cancellationToken)
    {
        // The trigger writes "<message id>/<reply id>".
        var slash = sourceId.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }

        var (messageId, replyId) = (sourceId[..slash], sourceId[(slash + 1)..]);
        var message = await secure.GetMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
        var reply = (await secure.GetRepliesAsync(messageId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Id == replyId);
        var envelope = await secure.GetEnvelopeAsync(replyId, cancellationToken).ConfigureAwait(false);
        if (message is null || reply is null || envelope is null)
        {
            return null;
        }

        var access = await secure.GetAccessAsync(reply.AccessId, cancellationToken).ConfigureAwait(false);
        var content = await encryptor.DecryptAsync(envelope, new EnvelopeBinding { MessageId = reply.Id, Recipients = [message.OwnerBinding] }, cancellationToken).ConfigureAwait(false);
        var from = access?.Address ?? "";
        return (new FiledExchange
        {
            Direction = ExchangeDirection.Incoming,
            SourceKind = ExchangeSources.SecureReply,
            From = from,
            To = [message.NotifyAddress ?? message.OwnerBinding],
            Subject = content.Subject,
            At = reply.CreatedAt,
            MessageId = reply.Id,
            BodyText = Text(content),
            Attachments = [.. content.Attachments.Select(a => new FiledAttachment(a.Name, a.ContentType, a.Content.ToArray()))],
        }, from.Length == 0 ? [] : [from]);
    }

    /// <summary>The decision and reason codes of the check, from its audit record (the codes' texts are in
    /// docs/policy.md; the record holds codes only, by design). "unknown" when no such check was recorded.</summary>
    private async Task<FiledCheck> CheckAsync(string checkId, CancellationToken cancellationToken)
    {
        var record = await audit.FindByCheckIdAsync(checkId, AuditEventType.CheckPerformed, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return new FiledCheck(checkId, "unknown", []);
        }

        using var data = JsonDocument.Parse(record.DataJson);
        var blocking = Codes(data, "blockingCodes");
        var overridable = Codes(data, "overridableCodes");
        var reasons = Codes(data, "reasonCodes").Select(code => new FiledReason(code,
            blocking.Contains(code) ? "bloquant / blocking" : overridable.Contains(code) ? "avertissement / warning" : "information")).ToList();
        var overridden = await audit.FindByCheckIdAsync(checkId, AuditEventType.OverrideRecorded, cancellationToken).ConfigureAwait(false);
        if (overridden is not null)
        {
            reasons.Add(new FiledReason("OVERRIDE_RECORDED", "passé outre, justification consignée / overridden, justification recorded"));
        }

        return new FiledCheck(checkId, record.Decision ?? "unknown", reasons);
    }

    private static HashSet<string> Codes(JsonDocument data, string name) =>
        data.RootElement.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];

    private static string Text(EnvelopeContent content) =>
        content.Format == BodyFormat.Html ? HtmlTextConverter.Convert(content.Body).Body : content.Body;
}
