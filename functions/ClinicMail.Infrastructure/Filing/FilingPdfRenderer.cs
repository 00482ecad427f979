using System.Globalization;
using System.Security.Cryptography;
using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Pdf;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.UniversalAccessibility;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>The human-readable rendition of an exchange (PDFsharp): the headers, the body as text, the
/// list of attachments with their size and SHA-256 and, for outgoing mail, the check's decision and
/// reasons. Labels are French and English side by side (the record is read by the whole clinic). The
/// document is produced in PDFsharp's PDF/A mode (XMP identification, embedded font); see
/// docs/record-filing.md for what that does and does not guarantee.</summary>
/// <remarks>Stateless: a singleton. Not byte-for-byte reproducible (random font subset tags), so the
/// audit log records the hashes of the copy a destination holds (<see cref="FilingReceipt"/>).</remarks>
public sealed class FilingPdfRenderer
{
    private const double Margin = 50;
    private const double PageWidth = 595; // A4 in points
    private const double PageHeight = 842;

    public FilingPdfRenderer()
    {
        EmbeddedFontResolver.EnsureInstalled();
    }

    public byte[] Render(FiledExchange exchange, string filingId, string clinicPatientId, DateTimeOffset filedAt)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        using var document = new PdfDocument();
        document.Info.Title = "ClinicMail " + filingId;
        document.Info.Creator = "ClinicMail";
        document.Info.CreationDate = filedAt.UtcDateTime;
        document.Info.ModificationDate = filedAt.UtcDateTime;
        document.SetPdfA();
        // The trailer's document ids derive from the filing id, not a random GUID: a re-rendered filing
        // keeps its identity (its bytes still differ: PDFsharp tags font subsets at random, which is why
        // destinations report the hashes of the copy they hold).
        var documentId = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(filingId)).AsSpan(0, 16));
        document.Internals.FirstDocumentID = documentId;
        document.Internals.SecondDocumentID = documentId;

        var writer = new PageWriter(document);
        writer.Heading(exchange.SourceKind == ExchangeSources.ConsentNote
            ? "Note au dossier : consentement / Record note: consent"
            : exchange.Direction == ExchangeDirection.Outgoing
                ? "Courriel envoyé au patient / Mail sent to the patient"
                : "Courriel reçu du patient / Mail received from the patient");
        writer.Field("Dossier / Record", clinicPatientId);
        writer.Field("Classement / Filing", filingId + " — " + Stamp(filedAt));
        writer.Field("Source", exchange.SourceKind);
        writer.Field("De / From", exchange.From);
        writer.Field("À / To", string.Join("; ", exchange.To));
        if (exchange.Cc.Count > 0)
        {
            writer.Field("Cc", string.Join("; ", exchange.Cc));
        }

        writer.Field(exchange.Direction == ExchangeDirection.Outgoing ? "Envoyé / Sent" : "Reçu / Received", Stamp(exchange.At));
        writer.Field("Objet / Subject", exchange.Subject);
        if (!string.IsNullOrEmpty(exchange.MessageId))
        {
            writer.Field("Message-ID", exchange.MessageId);
        }

        writer.Heading("Message");
        writer.Paragraph(exchange.BodyText.Length == 0 ? "—" : exchange.BodyText);

        writer.Heading("Pièces jointes / Attachments");
        if (exchange.Attachments.Count == 0)
        {
            writer.Paragraph("Aucune / None");
        }

        foreach (var attachment in exchange.Attachments)
        {
            writer.Paragraph(string.Create(CultureInfo.InvariantCulture,
                $"• {attachment.Name} ({attachment.ContentType}, {attachment.Content.Length:N0} o/bytes) SHA-256 {Convert.ToHexStringLower(SHA256.HashData(attachment.Content))}"));
        }

        if (exchange.Direction == ExchangeDirection.Outgoing)
        {
            writer.Heading("Vérification ClinicMail / ClinicMail check");
            if (exchange.Check is null)
            {
                writer.Paragraph("Aucune vérification connue pour ce courriel / No check is known for this mail.");
            }
            else
            {
                writer.Field("Vérification / Check", exchange.Check.CheckId);
                writer.Field("Décision / Decision", exchange.Check.Decision);
                foreach (var reason in exchange.Check.Reasons)
                {
                    writer.Paragraph("• " + reason.Code + " — " + reason.Text);
                }
            }
        }

        writer.Finish();
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Writes lines top to bottom, wrapping words to the page width and starting a new page when full.</summary>
    /// <remarks>PDFsharp's PDF/A mode asks for a tagged document (PDF/UA structure): every string is drawn
    /// inside a structure element (H2 for headings, P otherwise) of one Document element, which also lets
    /// screen readers read the rendition.</remarks>
    private sealed class PageWriter(PdfDocument document)
    {
        private readonly StructureBuilder _structure = UAManager.ForDocument(document).StructureBuilder;
        private readonly XFont _body = new(EmbeddedFontResolver.Family, 10);
        private readonly XFont _bold = new(EmbeddedFontResolver.Family, 10, XFontStyleEx.Bold);
        private readonly XFont _heading = new(EmbeddedFontResolver.Family, 13, XFontStyleEx.Bold);
        private XGraphics? _graphics;
        private double _y;

        public void Heading(string text)
        {
            Space(8);
            Lines(text, _heading, Margin, 18);
            Space(2);
        }

        public void Field(string label, string value)
        {
            var graphics = Graphics(14);
            Draw(graphics, label, _bold, Margin, _y + 10);
            Lines(value.Length == 0 ? "—" : value, _body, Margin + 140, 14, continuesLine: true);
        }

        public void Paragraph(string text)
        {
            foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
            {
                Lines(line.Length == 0 ? " " : line, _body, Margin, 13);
            }
        }

        public void Finish()
        {
            if (_graphics is not null)
            {
                _structure.End(); // the Document element
                _graphics.Dispose();
            }
        }

        private void Space(double height) => _y += height;

        private XGraphics Graphics(double needed)
        {
            if (_graphics is null || _y + needed > PageHeight - Margin)
            {
                _graphics?.Dispose();
                var page = document.AddPage();
                page.Width = XUnit.FromPoint(PageWidth);
                page.Height = XUnit.FromPoint(PageHeight);
                var first = _graphics is null;
                _graphics = XGraphics.FromPdfPage(page);
                _y = Margin;
                if (first)
                {
                    _structure.BeginElement(PdfGroupingElementTag.Document);
                }
            }

            return _graphics;
        }

        private void Lines(string text, XFont font, double left, double lineHeight, bool continuesLine = false)
        {
            var width = PageWidth - Margin - left;
            var graphics = Graphics(lineHeight);
            var line = "";
            foreach (var word in SplitLong(text, font, width, graphics))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && graphics.MeasureString(candidate, font).Width > width)
                {
                    graphics = Emit(line, font, left, lineHeight, ref continuesLine);
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }

            Emit(line, font, left, lineHeight, ref continuesLine);
        }

        private XGraphics Emit(string line, XFont font, double left, double lineHeight, ref bool continuesLine)
        {
            var graphics = continuesLine ? _graphics! : Graphics(lineHeight);
            continuesLine = false;
            Draw(graphics, line, font, left, _y + font.Size);
            _y += lineHeight;
            return Graphics(lineHeight);
        }

        private void Draw(XGraphics graphics, string text, XFont font, double x, double y)
        {
            _structure.BeginElement(font.Size > 11 ? PdfBlockLevelElementTag.Heading2 : PdfBlockLevelElementTag.Paragraph);
            graphics.DrawString(text, font, XBrushes.Black, new XPoint(x, y));
            _structure.End();
        }

        /// <summary>Words, with any word wider than the line (a URL, a hash) cut into pieces that fit.</summary>
        private static IEnumerable<string> SplitLong(string text, XFont font, double width, XGraphics graphics)
        {
            foreach (var word in text.Split(' '))
            {
                var rest = word;
                while (rest.Length > 1 && graphics.MeasureString(rest, font).Width > width)
                {
                    var cut = rest.Length - 1;
                    while (cut > 1 && graphics.MeasureString(rest[..cut], font).Width > width)
                    {
                        cut = Math.Max(1, cut * 3 / 4);
                    }

                    yield return rest[..cut];
                    rest = rest[cut..];
                }

                yield return rest;
            }
        }
    }
}
