using System.Diagnostics;
using System.Text;
using ClinicMail.Core.Attachments;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Exceptions;

namespace ClinicMail.Infrastructure.Attachments;

/// <summary>Reads the text of PDF (PdfPig), Word .docx (Open XML SDK) and plain-text attachments, within
/// <see cref="AttachmentLimits"/> (bytes, pages, characters, time). Never throws for a bad file: an
/// image, a scan without a text layer, an encrypted or damaged file, or one over a limit is reported
/// unreadable, and the policy then treats it as possible clinical content.</summary>
public sealed class DocumentAttachmentReader(AttachmentLimits? limits = null) : IAttachmentReader
{
    public static DocumentAttachmentReader Default { get; } = new();

    private readonly AttachmentLimits _limits = limits ?? AttachmentLimits.Default;

    public AttachmentText Read(string name, string? contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (content.Length > _limits.MaxBytes)
        {
            return AttachmentText.Failed(name, UnreadableReason.TooLarge);
        }

        var span = content.Span;
        try
        {
            if (span.StartsWith("%PDF-"u8))
            {
                return ReadPdf(name, content, cancellationToken);
            }

            if (span.StartsWith("PK\u0003\u0004"u8) && (name.EndsWith(".docx", StringComparison.OrdinalIgnoreCase)
                || string.Equals(contentType, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", StringComparison.OrdinalIgnoreCase)))
            {
                return ReadDocx(name, content);
            }

            if (PlainTextAttachmentReader.IsPlainText(name, contentType))
            {
                return PlainTextAttachmentReader.Decode(name, span, _limits);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return AttachmentText.Failed(name, ex is PdfDocumentEncryptedException ? UnreadableReason.Encrypted : UnreadableReason.Damaged);
        }

        return AttachmentText.Failed(name, UnreadableReason.NotText);
    }

    private AttachmentText ReadPdf(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var document = PdfDocument.Open(content.ToArray(), new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        if (document.IsEncrypted)
        {
            return AttachmentText.Failed(name, UnreadableReason.Encrypted);
        }

        if (document.NumberOfPages > _limits.MaxPages)
        {
            return AttachmentText.Failed(name, UnreadableReason.TooLarge);
        }

        var text = new StringBuilder();
        var pages = 0;
        foreach (var page in document.GetPages())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (clock.Elapsed > _limits.MaxTime)
            {
                return AttachmentText.Failed(name, UnreadableReason.TooLarge);
            }

            pages++;
            // Words rather than page.Text: words keep their spaces, page.Text runs letters together.
            foreach (var line in page.GetWords().GroupBy(w => Math.Round(w.BoundingBox.Bottom)).OrderByDescending(g => g.Key))
            {
                text.AppendJoin(' ', line.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text)).Append('\n');
            }

            text.Append('\n');
            if (text.Length > _limits.MaxChars)
            {
                break;
            }
        }

        return Result(name, text, pages, UnreadableReason.NoTextLayer);
    }

    private AttachmentText ReadDocx(string name, ReadOnlyMemory<byte> content)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        using var document = WordprocessingDocument.Open(stream, isEditable: false, new OpenSettings { MaxCharactersInPart = _limits.MaxChars * 20L });
        var body = document.MainDocumentPart?.Document?.Body;
        if (body is null)
        {
            return AttachmentText.Failed(name, UnreadableReason.Damaged);
        }

        var text = new StringBuilder();
        foreach (var paragraph in body.Descendants<DocumentFormat.OpenXml.Wordprocessing.Paragraph>())
        {
            text.Append(paragraph.InnerText).Append('\n');
            if (text.Length > _limits.MaxChars)
            {
                break;
            }
        }

        return Result(name, text, 1, UnreadableReason.NotText);
    }

    private AttachmentText Result(string name, StringBuilder text, int pages, UnreadableReason whenEmpty)
    {
        var value = text.Length > _limits.MaxChars ? text.ToString(0, _limits.MaxChars) : text.ToString();
        return value.Trim().Length == 0 ? AttachmentText.Failed(name, whenEmpty) with { Pages = pages } : new AttachmentText(name, value, null, pages);
    }
}
