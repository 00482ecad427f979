
using System.Text;
using ClinicMail.Core.Localization;

namespace ClinicMail.Application.Secure;

/// <summary>Builds the reader's HTML. Every dynamic value goes through <see cref="E"/> (HTML
/// encoding); the only pre-built HTML accepted is the sanitised message body. No script at all:
/// the pages work with plain links and forms, so the policy can say <c>script-src 'none'</c>.</summary>
internal static class ReaderPage
{
    public const string StylesheetPath = "/secure-assets/reader.css";

    /// <summary>The reader's security headers (docs/secure-delivery.md): no script, no remote
    /// resources, no framing, forms only to ourselves, nothing cached, no referrer.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static string E(string? text) => Html.Encode(text ?? "");

    public static string T(LocalizedText text, string lang) => E(text.For(lang));

    /// <summary>A complete page. <paramref name="toggleHref"/> is the same page in the other language;
    /// <paramref name="brand"/> names the page in the header (default: the secure reader).</summary>
    public static string Render(string lang, LocalizedText title, string bodyHtml, string? toggleHref, LocalizedText? brand = null)
    {
        var other = lang == "fr" ? "en" : "fr";
        var html = new StringBuilder(bodyHtml.Length + 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(lang).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"robots\" content=\"noindex, nofollow\">\n")
            .Append("<title>").Append(T(title, lang)).Append(" — ClinicMail</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(StylesheetPath).Append("\">\n</head>\n<body>\n")
            .Append("<header><span class=\"brand\">").Append(T(brand ?? ReaderTexts.AppName, lang)).Append("</span>");
        if (toggleHref is not null)
        {
            html.Append("<a class=\"lang\" data-testid=\"lang-toggle\" hreflang=\"").Append(other).Append("\" lang=\"").Append(other)
                .Append("\" href=\"").Append(E(toggleHref)).Append("\">").Append(T(ReaderTexts.OtherLanguage, lang)).Append("</a>");
        }

        html.Append("</header>\n<main>\n<h1>").Append(T(title, lang)).Append("</h1>\n").Append(bodyHtml).Append("\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>A paragraph; an error is an alert and a notice a status, so screen readers announce them.</summary>
    public static string Paragraph(LocalizedText text, string lang, string? testId = null, string? cssClass = null, string? id = null) =>
        "<p" + (id is null ? "" : $" id=\"{id}\"") + (testId is null ? "" : $" data-testid=\"{testId}\"") + (cssClass is null ? "" : $" class=\"{cssClass}\"")
        + (cssClass == "error" ? " role=\"alert\"" : cssClass == "notice" ? " role=\"status\"" : "") + ">" + T(text, lang) + "</p>";

    public const string Stylesheet = """
        :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        body { margin: 0; background: #f5f6f8; color: #1b1b1f; }
        header { display: flex; justify-content: space-between; align-items: center; padding: 12px 24px; background: #0b3d62; color: #fff; }
        header a { color: #fff; }
        main { max-width: 760px; margin: 24px auto; background: #fff; padding: 24px 32px; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
        h1 { font-size: 1.4rem; }
        .notice { background: #eef5fb; border-left: 4px solid #0b3d62; padding: 8px 12px; }
        .error { background: #fdecea; border-left: 4px solid #b3261e; padding: 8px 12px; }
        .message { border-top: 1px solid #ddd; margin-top: 16px; padding-top: 16px; overflow-wrap: anywhere; }
        .text-body { white-space: pre-wrap; }
        form { margin: 16px 0; }
        input[type=text] { font-size: 1.3rem; letter-spacing: .2em; width: 10em; padding: 6px; }
        textarea { width: 100%; min-height: 8em; font: inherit; }
        button { font-size: 1rem; padding: 8px 16px; background: #0b3d62; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
        table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 4px 8px; }
        .meta { color: #555; font-size: .9rem; }
        a:focus, button:focus, input:focus, textarea:focus { outline: 3px solid #0b5cad; outline-offset: 2px; }
        header a:focus { outline-color: #fff; }
        input, textarea, img, table { max-width: 100%; box-sizing: border-box; }
        @media (max-width: 480px) { header { flex-wrap: wrap; gap: 8px; padding: 12px 16px; } main { margin: 12px 8px; padding: 16px; } }
        """;
}
