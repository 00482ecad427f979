using System.Text;
using System.Text.Json.Nodes;
using ClinicMail.Core.Drafts;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace ClinicMail.Infrastructure.Tests.Scenarios;

/// <summary>Real attachment files for tests: a PDF with a text layer, a PDF without one (a scan), a
/// Word document, plain text, opaque bytes.</summary>
internal static class ScenarioFiles
{
    public static AttachmentInfo Attachment(JsonObject json)
    {
        var name = (string)json["name"]!;
        var type = (string?)json["contentType"] ?? "application/octet-stream";
        var text = (string?)json["text"];
        byte[] bytes;
        if (json["binary"] is not null)
        {
            bytes = Opaque(4096);
        }
        else if (json["image"] is not null)
        {
            bytes = Pdf(null);
        }
        else if (name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase))
        {
            bytes = Pdf(text ?? "");
        }
        else if (name.EndsWith(".docx", StringComparison.OrdinalIgnoreCase))
        {
            bytes = Docx(text ?? "");
        }
        else
        {
            bytes = Encoding.UTF8.GetBytes(text ?? "");
        }

        return new AttachmentInfo(name, bytes.Length, type) { ContentBase64 = Convert.ToBase64String(bytes) };
    }

    /// <summary>A one-page-per-<paramref name="pages"/> PDF; null text makes a page with no text layer (a scan).</summary>
    public static byte[] Pdf(string? text, int pages = 1)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var p = 0; p < pages; p++)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.Letter);
            if (text is null)
            {
                page.DrawRectangle(new PdfPoint(50, 50), 400, 600);
                continue;
            }

            var y = 740.0;
            foreach (var line in text.Split('\n'))
            {
                page.AddText(Ascii(line), 10, new PdfPoint(40, y), font);
                y -= 14;
            }
        }

        return builder.Build();
    }

    /// <summary>PdfPig's writer has no accented glyphs in the standard-14 fonts: the PDF text is folded
    /// to ASCII (the detectors fold accents anyway), which is what many scanned-then-OCRed PDFs hold.</summary>
    private static string Ascii(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (c < 128)
            {
                builder.Append(c);
            }
            else if (char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c is '—' or '–' ? '-' : ' ');
            }
        }

        return builder.ToString();
    }

    public static byte[] Docx(string text)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new Document(new Body(text.Split('\n').Select(l => (OpenXmlElement)new Paragraph(new Run(new Text(l))))));
            main.Document.Save();
        }

        return stream.ToArray();
    }

    /// <summary>Bytes no reader understands (a JPEG header then noise).</summary>
    public static byte[] Opaque(int length)
    {
        var bytes = new byte[length];
        new Random(17).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        return bytes;
    }
}
