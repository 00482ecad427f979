using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace ClinicMail.Application.Secure;

/// <summary>HTML encoding for the reader and the notices: the markup characters (&lt; &gt; &amp; " ')
/// are always encoded; letters of every script stay readable (« é » is not turned into &amp;#233;).</summary>
internal static class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string? text) => Encoder.Encode(text ?? "");
}
