using PdfSharp.Fonts;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>PDFsharp's fonts come from this assembly (DejaVu Sans Condensed, regular and bold), never
/// from the machine: a rendition looks the same on every host, and the font is embedded as PDF/A asks.</summary>
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
        using var stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream("ClinicMail.Infrastructure.Filing.Fonts." + faceName + ".ttf")
            ?? throw new InvalidOperationException("The rendition font is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
