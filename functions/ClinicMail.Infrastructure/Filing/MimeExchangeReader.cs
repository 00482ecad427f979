using ClinicMail.Core.Filing;
using ClinicMail.Core.Text;
using MimeKit;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>Reads an RFC 5322 message (a sent mail's .eml, an incoming mail's MIME) into the parts
/// that are filed: headers, the body as text (the HTML part converted when there is no text part), the
/// attachments as they came.</summary>
public static class MimeExchangeReader
{
    /// <summary>The header the sandbox (and the add-in, as an internet header) sets on sent mail: the id
    /// of the check the mail went through, so the filing can show its decision.</summary>
    public const string CheckIdHeader = "X-ClinicMail-Check-Id";

    public static FiledExchange Read(byte[] mime, ExchangeDirection direction, string sourceKind, DateTimeOffset observedAt)
    {
        ArgumentNullException.ThrowIfNull(mime);
        using var stream = new MemoryStream(mime, writable: false);
        var message = MimeMessage.Load(stream);
        var body = message.TextBody;
        if (string.IsNullOrEmpty(body) && !string.IsNullOrEmpty(message.HtmlBody))
        {
            body = HtmlTextConverter.Convert(message.HtmlBody).Body;
        }

        var attachments = new List<FiledAttachment>();
        foreach (var part in message.Attachments.OfType<MimePart>())
        {
            using var content = new MemoryStream();
            part.Content?.DecodeTo(content);
            attachments.Add(new FiledAttachment(part.FileName ?? "attachment", part.ContentType.MimeType, content.ToArray()));
        }

        return new FiledExchange
        {
            Direction = direction,
            SourceKind = sourceKind,
            From = string.Join("; ", message.From.Mailboxes.Select(m => m.Address)),
            To = [.. message.To.Mailboxes.Select(m => m.Address)],
            Cc = [.. message.Cc.Mailboxes.Select(m => m.Address)],
            Subject = message.Subject ?? "",
            At = message.Date == DateTimeOffset.MinValue ? observedAt : message.Date,
            MessageId = message.MessageId,
            BodyText = body ?? "",
            Attachments = attachments,
        };
    }

    /// <summary>The check id the mail carries, if any (see <see cref="CheckIdHeader"/>).</summary>
    public static string? CheckId(byte[] mime)
    {
        using var stream = new MemoryStream(mime, writable: false);
        var headers = HeaderList.Load(stream);
        var value = headers[CheckIdHeader]?.Trim();
        return string.IsNullOrEmpty(value) || value.Length > 100 ? null : value;
    }

    /// <summary>Whether the message's header block has <paramref name="name"/> (any value).</summary>
    public static bool HasHeader(byte[] mime, string name)
    {
        ArgumentNullException.ThrowIfNull(mime);
        using var stream = new MemoryStream(mime, writable: false);
        return HeaderList.Load(stream).Contains(name);
    }
}
