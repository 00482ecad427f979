
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ClinicMail.Application.Secure;

/// <summary>Sanitises a physician's HTML for the patient's reader by rebuilding it from an
/// allow-list: only known formatting elements and a few attributes are written back, text is
/// re-encoded, everything else is dropped (script-like elements with their content, unknown
/// elements keeping their text). Parsing uses AngleSharp's HTML5 parser, so the tree is the one a
/// browser would build, and the output is serialised by us, not echoed. HtmlSanitizer (the usual
/// package) is not restorable here; this class is the seam it would replace.
/// The reader's Content-Security-Policy (no script, no remote images) is the second line of defence.</summary>
public static class HtmlAllowList
{
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "sub", "sup", "small",
        "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "a",
    };

    private static readonly HashSet<string> Void = new(StringComparer.Ordinal) { "br", "hr" };

    /// <summary>Dropped with everything inside them.</summary>
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "template", "noscript",
        "svg", "math", "head", "title", "meta", "link", "base", "form", "input", "button", "select",
        "textarea", "option", "img", "video", "audio", "source", "track", "canvas", "picture", "portal",
    };

    /// <summary>Attributes kept per element (plus <c>lang</c>, <c>dir</c> and <c>title</c> everywhere).</summary>
    private static readonly Dictionary<string, string[]> AttributesByElement = new(StringComparer.Ordinal)
    {
        ["a"] = ["href"],
        ["td"] = ["colspan", "rowspan"],
        ["th"] = ["colspan", "rowspan", "scope"],
        ["ol"] = ["start"],
    };

    private static readonly string[] Global = ["lang", "dir", "title"];

    public static string Sanitize(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var document = new HtmlParser().ParseDocument(html);
        var output = new StringBuilder(html.Length);
        if (document.Body is { } body)
        {
            WriteChildren(body, output);
        }

        return output.ToString();
    }

    private static void WriteChildren(INode parent, StringBuilder output)
    {
        foreach (var child in parent.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    output.Append(Html.Encode(text.Data));
                    break;
                case IElement element:
                    WriteElement(element, output);
                    break;
                default:
                    // Comments, processing instructions, doctypes: nothing a reader needs.
                    break;
            }
        }
    }

    private static void WriteElement(IElement element, StringBuilder output)
    {
        var name = element.LocalName;
        if (Dropped.Contains(name) || element.NamespaceUri is not null && element.NamespaceUri != AngleSharp.Dom.NamespaceNames.HtmlUri)
        {
            return;
        }

        if (!Allowed.Contains(name))
        {
            // Unknown or layout-only element (font, center, custom tags): keep its text, drop the tag.
            WriteChildren(element, output);
            return;
        }

        output.Append('<').Append(name);
        foreach (var attribute in element.Attributes)
        {
            var attributeName = attribute.LocalName;
            var permitted = Global.Contains(attributeName, StringComparer.Ordinal)
                || (AttributesByElement.TryGetValue(name, out var specific) && specific.Contains(attributeName, StringComparer.Ordinal));
            if (!permitted || !SafeValue(name, attributeName, attribute.Value, out var value))
            {
                continue;
            }

            output.Append(' ').Append(attributeName).Append("=\"").Append(Html.Encode(value)).Append('"');
        }

        if (name == "a")
        {
            // Links leave the reader in a new context that cannot reach back into it, without a referrer.
            output.Append(" rel=\"noopener noreferrer nofollow\" target=\"_blank\"");
        }

        output.Append('>');
        if (Void.Contains(name))
        {
            return;
        }

        WriteChildren(element, output);
        output.Append("</").Append(name).Append('>');
    }

    private static bool SafeValue(string element, string attribute, string raw, out string value)
    {
        value = raw.Trim();
        switch (attribute)
        {
            case "href":
                // Absolute http(s) and mailto only: no javascript:, data:, vbscript: or relative
                // links into the reader (which would carry the session's context).
                return Uri.TryCreate(value, UriKind.Absolute, out var uri)
                    && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeMailto)
                    && element == "a";
            case "colspan" or "rowspan" or "start":
                return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is > 0 and < 1000;
            case "scope":
                return value is "row" or "col" or "rowgroup" or "colgroup";
            case "dir":
                return value is "ltr" or "rtl" or "auto";
            case "lang":
                return value.Length <= 35 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
            default:
                return value.Length <= 500;
        }
    }
}
