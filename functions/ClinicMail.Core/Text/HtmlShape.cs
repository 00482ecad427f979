namespace ClinicMail.Core.Text;

/// <summary>The explicit limits an HTML body must stay within before any parser sees it. Real
/// mail stays far below each (Outlook's heaviest bodies: a few dozen levels, a few thousand
/// elements, under ten attributes per tag); hostile bodies beyond them cost the HTML5 parser
/// quadratic time (duplicate-attribute checks per tag, open-element scans per level) and a
/// recursive serializer its stack.</summary>
public sealed record HtmlLimits
{
    /// <summary>Characters of markup.</summary>
    public int MaxChars { get; init; } = 1_000_000;

    /// <summary>Levels of nesting (elements whose end tag is optional and void elements aside).</summary>
    public int MaxDepth { get; init; } = 256;

    /// <summary>Start tags in the whole document.</summary>
    public int MaxElements { get; init; } = 20_000;

    /// <summary>Attributes in the whole document.</summary>
    public int MaxAttributes { get; init; } = 40_000;

    /// <summary>Attributes on one tag.</summary>
    public int MaxAttributesPerElement { get; init; } = 100;

    /// <summary>The limits a secure message's HTML body is held to when it is created and read.</summary>
    public static HtmlLimits Default { get; } = new();
}

/// <summary>Which limit a body exceeded; its name is the setting the 400 names.</summary>
public enum HtmlLimit
{
    None = 0,
    MaxChars,
    MaxDepth,
    MaxElements,
    MaxAttributes,
    MaxAttributesPerElement,
}

/// <summary>A linear pre-scan of HTML markup: counts start tags, attributes and nesting without
/// building a tree, so a body can be refused (or sent to a safe fallback) before a parser pays
/// quadratic time or a recursive walk overflows the stack. It reads tags roughly, never
/// under-counting in a way that matters: text inside script, style or comments that looks like a
/// tag is counted (over-estimate); elements whose end tag is optional (p, li, td…) are not counted
/// as nesting, because the parser closes them implicitly.</summary>
public static class HtmlShape
{
    private static readonly HashSet<string> NoNesting = new(StringComparer.OrdinalIgnoreCase)
    {
        // Void elements: never contain anything.
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
        // End tag optional: a repeated start tag closes the previous one instead of nesting.
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "rtc", "tbody", "thead", "tfoot", "colgroup", "caption",
    };

    /// <summary>The first limit the markup exceeds, or <see cref="HtmlLimit.None"/>. Linear in the
    /// length of the input; allocates only tag names of at most 16 characters.</summary>
    public static HtmlLimit Exceeded(string html, HtmlLimits limits)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(limits);
        if (html.Length > limits.MaxChars)
        {
            return HtmlLimit.MaxChars;
        }

        var depth = 0;
        var elements = 0;
        var attributes = 0;
        var i = 0;
        while (true)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0 || lt + 1 >= html.Length)
            {
                return HtmlLimit.None;
            }

            i = lt + 1;
            var closing = html[i] == '/';
            if (closing)
            {
                i++;
            }

            if (i >= html.Length || !char.IsAsciiLetter(html[i]))
            {
                continue;
            }

            var nameStart = i;
            while (i < html.Length && !IsTagNameEnd(html[i]))
            {
                i++;
            }

            var name = html.Substring(nameStart, Math.Min(i - nameStart, 16));
            var nests = !NoNesting.Contains(name);
            if (closing)
            {
                if (nests)
                {
                    depth = Math.Max(0, depth - 1);
                }

                continue;
            }

            if (++elements > limits.MaxElements)
            {
                return HtmlLimit.MaxElements;
            }

            var (count, selfClosed, end) = ReadAttributes(html, i);
            i = end;
            if (count > limits.MaxAttributesPerElement)
            {
                return HtmlLimit.MaxAttributesPerElement;
            }

            attributes += count;
            if (attributes > limits.MaxAttributes)
            {
                return HtmlLimit.MaxAttributes;
            }

            if (nests && !selfClosed && ++depth > limits.MaxDepth)
            {
                return HtmlLimit.MaxDepth;
            }
        }
    }

    private static bool IsTagNameEnd(char c) => c is '>' or '/' or ' ' or '\t' or '\n' or '\r' or '\f';

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f';

    /// <summary>Reads a tag's attributes from just after its name to its '&gt;' (quoted values may
    /// hold '&gt;'). Returns the count, whether the tag ends with "/&gt;" and the index after it.</summary>
    private static (int Count, bool SelfClosed, int End) ReadAttributes(string html, int i)
    {
        var count = 0;
        var slashBeforeEnd = false;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '>')
            {
                return (count, slashBeforeEnd, i + 1);
            }

            if (IsSpace(c))
            {
                i++;
                continue;
            }

            if (c == '/')
            {
                slashBeforeEnd = true;
                i++;
                continue;
            }

            slashBeforeEnd = false;
            count++;

            // The name runs to a space, '=', '/' or '>'.
            i++;
            while (i < html.Length && !IsSpace(html[i]) && html[i] is not ('=' or '>' or '/'))
            {
                i++;
            }

            while (i < html.Length && IsSpace(html[i]))
            {
                i++;
            }

            if (i >= html.Length || html[i] != '=')
            {
                continue;
            }

            i++;
            while (i < html.Length && IsSpace(html[i]))
            {
                i++;
            }

            if (i < html.Length && html[i] is '"' or '\'')
            {
                var close = html.IndexOf(html[i], i + 1);
                i = close < 0 ? html.Length : close + 1;
                continue;
            }

            while (i < html.Length && !IsSpace(html[i]) && html[i] != '>')
            {
                i++;
            }
        }

        return (count, slashBeforeEnd, i);
    }
}
