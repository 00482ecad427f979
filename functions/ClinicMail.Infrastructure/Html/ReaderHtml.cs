using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using ClinicMail.Core.Text;
using Ganss.Xss;

namespace ClinicMail.Infrastructure.Html;

/// <summary>Sanitises a physician's HTML for the patient's reader with HtmlSanitizer configured as
/// an allow-list: known formatting elements and a few attributes are kept, everything else goes
/// (script-like elements with their content, unknown elements keeping their text, comments,
/// styles, classes, relative or non-http(s)/mailto links). The reader's Content-Security-Policy
/// (no script, no remote images) is the second line of defence.</summary>
/// <remarks>No walk here is recursive over the input's depth before its shape is known: the markup
/// is measured by a linear pre-scan (<see cref="HtmlShape"/>, the limits the creation endpoint
/// already enforces), then the parsed tree by an iterative walk. A body beyond either (only a row
/// stored before the limits existed can be) is shown as its text, never parsed further: a stack
/// overflow cannot be caught and would take the whole host down on every open.</remarks>
public static class ReaderHtml
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static readonly string[] AllowedTags =
    [
        "p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "sub", "sup", "small",
        "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "a",
    ];

    /// <summary>Removed with everything inside them (other unknown elements keep their text).</summary>
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "template", "noscript",
        "svg", "math", "head", "title", "meta", "link", "base", "form", "input", "button", "select",
        "textarea", "option", "img", "video", "audio", "source", "track", "canvas", "picture", "portal",
    };

    /// <summary>Attributes kept per element, on top of <see cref="Global"/>.</summary>
    private static readonly Dictionary<string, string[]> AttributesByElement = new(StringComparer.Ordinal)
    {
        ["a"] = ["href"],
        ["td"] = ["colspan", "rowspan"],
        ["th"] = ["colspan", "rowspan", "scope"],
        ["ol"] = ["start"],
    };

    private static readonly string[] Global = ["lang", "dir", "title"];

    private static readonly HtmlSanitizer Sanitizer = Create();

    /// <summary>The parsed tree may nest a little deeper than the pre-scan counted (the parser
    /// re-opens formatting elements); beyond this it is not serialised.</summary>
    private static int TreeDepthCap(HtmlLimits limits) => limits.MaxDepth * 4;

    /// <summary>The sanitised markup of <paramref name="html"/>, or its text (HTML-encoded, in a
    /// <c>pre</c>) when the markup exceeds <paramref name="limits"/>.</summary>
    public static string Sanitize(string html, HtmlLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(html);
        limits ??= HtmlLimits.Default;
        if (HtmlShape.Exceeded(html, limits) != HtmlLimit.None)
        {
            return AsText(html);
        }

        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = parser.ParseDocument(html);
        if (document.Body is not { } body || !PruneWithinDepth(body, TreeDepthCap(limits)))
        {
            return document.Body is null ? "" : AsText(html);
        }

        Sanitizer.SanitizeDom(document, body, "");
        return body.InnerHtml;
    }

    private static HtmlSanitizer Create()
    {
        var options = HtmlSanitizerOptions.Empty();
        foreach (var tag in AllowedTags)
        {
            options.AllowedTags.Add(tag);
        }

        foreach (var attribute in Global.Concat(AttributesByElement.Values.SelectMany(a => a)))
        {
            options.AllowedAttributes.Add(attribute);
        }

        options.UriAttributes.Add("href");
        options.AllowedSchemes.Add("http");
        options.AllowedSchemes.Add("https");
        options.AllowedSchemes.Add("mailto");
        var sanitizer = new HtmlSanitizer(options) { KeepChildNodes = true };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement element)
            {
                RestrictAttributes(element);
            }
        };
        return sanitizer;
    }

    /// <summary>Removes the <see cref="Dropped"/> elements with their content and checks the
    /// tree's depth, in one iterative walk (first child / next sibling / parent). False when the
    /// tree nests deeper than <paramref name="maxDepth"/>.</summary>
    private static bool PruneWithinDepth(IElement root, int maxDepth)
    {
        var doomed = new List<INode>();
        var depth = 0;
        var node = root.FirstChild;
        while (node is not null)
        {
            var descend = false;
            if (node is IElement element)
            {
                if (Dropped.Contains(element.LocalName) || element.NamespaceUri != NamespaceNames.HtmlUri)
                {
                    doomed.Add(element);
                }
                else if (element.FirstChild is not null)
                {
                    if (++depth > maxDepth)
                    {
                        return false;
                    }

                    descend = true;
                }
            }

            if (descend)
            {
                node = node.FirstChild;
                continue;
            }

            while (node is not null)
            {
                if (node.NextSibling is { } next)
                {
                    node = next;
                    break;
                }

                node = node.Parent;
                depth--;
                if (node is null || ReferenceEquals(node, root))
                {
                    node = null;
                    break;
                }
            }
        }

        foreach (var element in doomed)
        {
            element.Parent?.RemoveChild(element);
        }

        return true;
    }

    /// <summary>Per-element attributes and their values (the sanitiser's allow-list is global),
    /// and links that leave the reader in a new context, without a referrer.</summary>
    private static void RestrictAttributes(IElement element)
    {
        var name = element.LocalName;
        foreach (var attribute in element.Attributes.ToArray())
        {
            var attributeName = attribute.LocalName;
            var permitted = Global.Contains(attributeName, StringComparer.Ordinal)
                || (AttributesByElement.TryGetValue(name, out var specific) && specific.Contains(attributeName, StringComparer.Ordinal));
            if (!permitted || !SafeValue(attributeName, attribute.Value, out var value))
            {
                element.RemoveAttribute(attribute.Name);
            }
            else if (!string.Equals(value, attribute.Value, StringComparison.Ordinal))
            {
                element.SetAttribute(attribute.Name, value);
            }
        }

        if (name == "a")
        {
            element.SetAttribute("rel", "noopener noreferrer nofollow");
            element.SetAttribute("target", "_blank");
        }
    }

    private static bool SafeValue(string attribute, string raw, out string value)
    {
        value = raw.Trim();
        switch (attribute)
        {
            case "href":
                // Absolute http(s) and mailto only: no relative links into the reader (which would
                // carry the session's context); the sanitiser already refused other schemes.
                return Uri.TryCreate(value, UriKind.Absolute, out var uri)
                    && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeMailto);
            case "colspan" or "rowspan" or "start":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 1000;
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

    /// <summary>The text of markup that is not parsed: a linear tag strip, entities decoded, then
    /// everything encoded again.</summary>
    private static string AsText(string html)
    {
        var text = new StringBuilder(Math.Min(html.Length, 1 << 20));
        var inTag = false;
        foreach (var c in html)
        {
            if (c == '<')
            {
                inTag = true;
            }
            else if (c == '>' && inTag)
            {
                inTag = false;
            }
            else if (!inTag)
            {
                text.Append(c);
            }
        }

        return "<pre class=\"html-as-text\">" + Encoder.Encode(WebUtility.HtmlDecode(text.ToString())) + "</pre>";
    }
}
