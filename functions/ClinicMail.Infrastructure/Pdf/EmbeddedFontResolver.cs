using PdfSharp.Fonts;

namespace ClinicMail.Infrastructure.Pdf;

/// <summary>PDFsharp's fonts come from this assembly (DejaVu Sans Condensed, regular and bold), never
/// from the machine: a PDF looks the same on every host (Linux has no "Arial" for PDFsharp to find),
/// and the font is embedded as PDF/A asks. The one resolver of every PDF we make: the record-filing
/// rendition and the patient's consent copy. Any family name resolves to DejaVu (it covers French).</summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    public const string Family = "ClinicMail Sans";

    private static readonly Lock Gate = new();

    /// <summary>Installs the resolver once per process (PDFsharp's setting is global). A resolver some
    /// other code installed first is left in place.</summary>
    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is null)
            {
                GlobalFontSettings.FontResolver = new EmbeddedFontResolver();
            }
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? "DejaVuSansCondensed-Bold" : "DejaVuSansCondensed");

    public byte[] GetFont(string faceName)
    {
        using var stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream("ClinicMail.Infrastructure.Pdf.Fonts." + faceName + ".ttf")
            ?? throw new InvalidOperationException("The PDF font is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
