using ClinicMail.Core.Incoming;
using ClinicMail.Core.Registry;
using MimeKit;
using MimeKit.Text;

namespace ClinicMail.Infrastructure.Mail.Incoming;

/// <summary>An RFC 5322 message (MimeKit) as an <see cref="IncomingMessage"/>: the watched mailbox it
/// was sent to (or from), the thread from <c>References</c>/<c>In-Reply-To</c>, the text (HTML turned
/// into text) and the headers the never-acknowledge rules read.</summary>
public static class EmlMessage
{
    public static IncomingMessage Read(MimeMessage mime, byte[] raw, string messageId, IReadOnlyCollection<string> watchedMailboxes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(mime);
        ArgumentNullException.ThrowIfNull(watchedMailboxes);
        var from = mime.From.Mailboxes.Select(m => AddressNormalizer.Normalize(m.Address)).FirstOrDefault(a => a is not null);
        var recipients = mime.To.Mailboxes.Concat(mime.Cc.Mailboxes).Select(m => AddressNormalizer.Normalize(m.Address)).OfType<string>()
            .Concat(mime.Headers.Where(h => h.Field.Equals("Delivered-To", StringComparison.OrdinalIgnoreCase)).Select(h => AddressNormalizer.Normalize(h.Value.Trim())).OfType<string>())
            .ToList();
        var sent = from is not null && watchedMailboxes.Contains(from);
        var mailbox = sent ? from! : recipients.FirstOrDefault(watchedMailboxes.Contains) ?? recipients.FirstOrDefault() ?? "";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in mime.Headers)
        {
            headers.TryAdd(header.Field, header.Value);
        }

        // The thread's root: the first of References, else the message answered, else this message.
        var conversation = mime.References.FirstOrDefault() ?? mime.InReplyTo ?? mime.MessageId ?? messageId;
        var date = mime.Date == DateTimeOffset.MinValue || mime.Date > now ? now : mime.Date;
        return new IncomingMessage
        {
            MessageId = messageId,
            ConversationId = conversation,
            Mailbox = mailbox,
            From = from,
            Subject = mime.Subject ?? "",
            Body = Text(mime),
            Headers = headers,
            ReceivedAt = date,
            SentByMailbox = sent,
            Mime = raw,
        };
    }

    private static string Text(MimeMessage mime)
    {
        if (mime.TextBody is { } text)
        {
            return text;
        }

        return mime.HtmlBody is { } html ? HtmlText(html) : "";
    }

    /// <summary>The text of an HTML body (MimeKit's tokenizer: data tokens, a line break per block tag);
    /// triage needs words, not layout.</summary>
    private static string HtmlText(string html)
    {
        var text = new System.Text.StringBuilder(html.Length / 2);
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader);
        var skip = false;
        while (tokenizer.ReadNextToken(out var token))
        {
            if (token is HtmlTagToken tag)
            {
                skip = !tag.IsEndTag && tag.Id is HtmlTagId.Script or HtmlTagId.Style;
                if (tag.Id is HtmlTagId.P or HtmlTagId.Br or HtmlTagId.Div or HtmlTagId.LI or HtmlTagId.TR)
                {
                    text.Append('\n');
                }
            }
            else if (token is HtmlDataToken data && !skip)
            {
                text.Append(data.Data);
            }
        }

        return text.ToString();
    }
}
