using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace ClinicMail.Infrastructure.Pdf;

/// <summary>What the patient's copy of an online consent shows.</summary>
public sealed record ConsentCopy(
    string Language,
    string PatientName,
    string SignedAt,
    string EvidenceId,
    int PolicyVersion,
    string PolicyHash,
    string Answer,
    IReadOnlyList<(string Heading, IReadOnlyList<string> Paragraphs)> Policy,
    string WithdrawHint);

/// <summary>Renders the patient's copy (« une copie ») of an online consent with PDFsharp: the
/// answer, the signature facts, the policy text read and its version and SHA-256, on A4 pages.</summary>
public static class ConsentCopyPdf
{
    private const double Margin = 56;
    private const string Family = EmbeddedFontResolver.Family;

    public static byte[] Render(ConsentCopy copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        EmbeddedFontResolver.EnsureInstalled();
        var fr = copy.Language == "fr";
        using var document = new PdfDocument();
        document.Info.Title = fr ? "Consentement au courriel — copie du patient" : "Consent to e-mail — patient's copy";
        var writer = new Writer(document);
        writer.Line(document.Info.Title, 16, bold: true);
        writer.Gap();
        writer.Line((fr ? "Patient : " : "Patient: ") + copy.PatientName, 11);
        writer.Line((fr ? "Signé électroniquement le : " : "Signed electronically on: ") + copy.SignedAt, 11);
        writer.Line((fr ? "Référence : " : "Reference: ") + copy.EvidenceId, 11);
        writer.Line((fr ? "Politique, version " : "Policy, version ") + copy.PolicyVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) + " — SHA-256 " + copy.PolicyHash, 9);
        writer.Gap();
        writer.Line(copy.Answer, 12, bold: true);
        writer.Gap();
        foreach (var (heading, paragraphs) in copy.Policy)
        {
            writer.Line(heading, 12, bold: true);
            foreach (var paragraph in paragraphs)
            {
                writer.Line(paragraph, 10);
            }

            writer.Gap();
        }

        writer.Line(copy.WithdrawHint, 10);
        writer.Dispose();
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    /// <summary>Writes wrapped lines top to bottom, adding pages as needed.</summary>
    private sealed class Writer(PdfDocument document) : IDisposable
    {
        private XGraphics? _graphics;
        private PdfPage? _page;
        private double _y;

        public void Gap() => _y += 8;

        public void Line(string text, double size, bool bold = false)
        {
            var font = new XFont(Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
            foreach (var line in Wrap(text, font))
            {
                var height = size * 1.4;
                if (_graphics is null || _y + height > _page!.Height.Point - Margin)
                {
                    NewPage();
                }

                _graphics!.DrawString(line, font, XBrushes.Black, new XPoint(Margin, _y + size));
                _y += height;
            }
        }

        private IEnumerable<string> Wrap(string text, XFont font)
        {
            if (_graphics is null)
            {
                NewPage();
            }

            var width = _page!.Width.Point - 2 * Margin;
            var current = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (current.Length > 0 && _graphics!.MeasureString(candidate, font).Width > width)
                {
                    yield return current;
                    current = word;
                }
                else
                {
                    current = candidate;
                }
            }

            if (current.Length > 0)
            {
                yield return current;
            }
        }

        private void NewPage()
        {
            _graphics?.Dispose();
            _page = document.AddPage();
            _page.Size = PdfSharp.PageSize.A4;
            _graphics = XGraphics.FromPdfPage(_page);
            _y = Margin;
        }

        public void Dispose() => _graphics?.Dispose();
    }
}
