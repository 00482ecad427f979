using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Mail;

namespace ClinicMail.Infrastructure.Mail;

/// <summary>The embedded default's mail: each message is written as an RFC 5322 / MIME file
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
        var bytes = Encoding.ASCII.GetBytes(MimeMessage.Compose(mail, _from, _time.GetUtcNow()));
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

/// <summary>A small MIME writer: headers (RFC 2047 encoded words for non-ASCII), then text and, when
/// given, HTML alternatives in quoted-printable (RFC 2045) so the digits of a code stay readable.</summary>
public static class MimeMessage
{
    public static string Compose(OutgoingMail mail, string from, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var builder = new StringBuilder();
        Header(builder, "From", from);
        Header(builder, "To", mail.To);
        Header(builder, "Subject", EncodedWord(mail.Subject));
        Header(builder, "Date", date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture));
        Header(builder, "Message-ID", $"<{Guid.NewGuid():N}@clinicmail>");
        Header(builder, "MIME-Version", "1.0");
        Header(builder, "Content-Language", mail.Language);
        Header(builder, "X-ClinicMail-Kind", mail.Kind);
        Header(builder, "Auto-Submitted", "auto-generated");
        if (mail.HtmlBody is null)
        {
            Part(builder, "text/plain", mail.TextBody);
            return builder.ToString();
        }

        var boundary = "cm-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        Header(builder, "Content-Type", $"multipart/alternative; boundary=\"{boundary}\"");
        builder.Append("\r\n");
        builder.Append("--").Append(boundary).Append("\r\n");
        Part(builder, "text/plain", mail.TextBody);
        builder.Append("\r\n--").Append(boundary).Append("\r\n");
        Part(builder, "text/html", mail.HtmlBody);
        builder.Append("\r\n--").Append(boundary).Append("--\r\n");
        return builder.ToString();
    }

    private static void Header(StringBuilder builder, string name, string value)
    {
        // Header injection: a value never carries a line break into the message.
        var clean = value.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        builder.Append(name).Append(": ").Append(clean).Append("\r\n");
    }

    private static void Part(StringBuilder builder, string contentType, string body)
    {
        Header(builder, "Content-Type", contentType + "; charset=utf-8");
        Header(builder, "Content-Transfer-Encoding", "quoted-printable");
        builder.Append("\r\n").Append(QuotedPrintable(body)).Append("\r\n");
    }

    /// <summary>RFC 2047 "B" encoded word when the text is not plain ASCII.</summary>
    public static string EncodedWord(string text) =>
        text.All(c => c is >= ' ' and < '\u007f')
            ? text
            : "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "?=";

    /// <summary>RFC 2045 quoted-printable of UTF-8 text, CRLF line breaks, soft breaks before 76 characters.</summary>
    public static string QuotedPrintable(string text)
    {
        var output = new StringBuilder();
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var length = 0;
            var bytes = Encoding.UTF8.GetBytes(line);
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                var last = i == bytes.Length - 1;
                var literal = (b is >= 33 and <= 126 && b != (byte)'=') || (b is (byte)' ' or (byte)'\t' && !last);
                var piece = literal ? ((char)b).ToString() : "=" + b.ToString("X2", CultureInfo.InvariantCulture);
                if (length + piece.Length > 75)
                {
                    output.Append("=\r\n");
                    length = 0;
                }

                output.Append(piece);
                length += piece.Length;
            }

            output.Append("\r\n");
        }

        return output.ToString().TrimEnd('\r', '\n');
    }
}
