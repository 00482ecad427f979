using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Mail;
using MimeKit;
using MimeKit.Text;

namespace ClinicMail.Infrastructure.Mail;

/// <summary>The embedded default's mail: each message is written as an RFC 5322 / MIME file (MimeKit)
/// (<c>.eml</c>) into a pickup folder, where a local relay, a developer or a test reads it. The
/// file is written under a temporary name and renamed, so a reader never sees half a message.</summary>
public sealed class PickupDirectoryMailSender : IMailSender
{
    private readonly string _directory;
    private readonly string _from;
    private readonly TimeProvider _time;

    public PickupDirectoryMailSender(string directory, string fromAddress, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(fromAddress);
        _directory = Path.GetFullPath(directory);
        _from = fromAddress;
        _time = time ?? TimeProvider.System;
    }

    public string Directory => _directory;

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var bytes = OutgoingMime.ToBytes(OutgoingMime.Compose(mail, _from, _time.GetUtcNow()));
        try
        {
            System.IO.Directory.CreateDirectory(_directory);
            var name = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():yyyyMMdd'T'HHmmssfff}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
            var temporary = Path.Combine(_directory, name + ".tmp");
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, Path.Combine(_directory, name + ".eml"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MailSendException($"The pickup folder could not be written ({ex.GetType().Name}).", ex);
        }
    }
}

/// <summary>ClinicMail's outgoing mail as MIME (MimeKit): text and, when given, an HTML alternative,
/// both UTF-8 in quoted-printable so the digits of a code stay readable in the raw file; 7-bit clean
/// (non-ASCII subjects as RFC 2047 encoded words); CRLF line endings whatever the platform.</summary>
public static class OutgoingMime
{
    private static readonly FormatOptions Format = CreateFormat();

    public static MimeMessage Compose(OutgoingMail mail, string from, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(mail.To));
        // Header injection: a value never carries a line break into the message.
        message.Subject = OneLine(mail.Subject);
        message.Date = date;
        message.MessageId = Guid.NewGuid().ToString("N") + "@clinicmail";
        message.Headers.Add("Content-Language", OneLine(mail.Language));
        message.Headers.Add("X-ClinicMail-Kind", OneLine(mail.Kind));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        var text = Part(TextFormat.Plain, mail.TextBody);
        message.Body = mail.HtmlBody is null
            ? text
            : new MultipartAlternative { text, Part(TextFormat.Html, mail.HtmlBody) };
        return message;
    }

    /// <summary>The message as the bytes of an <c>.eml</c> file.</summary>
    public static byte[] ToBytes(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var stream = new MemoryStream();
        message.WriteTo(Format, stream);
        return stream.ToArray();
    }

    private static TextPart Part(TextFormat format, string body)
    {
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, body);
        return part;
    }

    private static string OneLine(string value) =>
        value.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }
}
