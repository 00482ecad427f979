using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ClinicMail.Core.Text;

/// <summary>Converts an HTML body to plain text and separates the quoted history that mail
/// clients mark in the markup (Outlook's <c>divRplyFwdMsg</c>/<c>appendonsend</c>, Gmail's
/// <c>gmail_quote</c>, Thunderbird's <c>moz-cite-prefix</c>, any <c>blockquote</c>).</summary>
/// <remarks>The walk over the DOM is iterative (first child / next sibling / parent), never
/// recursive: a hostile body with hundreds of thousands of nested elements must not overflow the
/// stack, because a stack overflow cannot be caught and would take the whole host down.</remarks>
public static class HtmlTextConverter
{
    private static readonly HtmlParser Parser = new(new HtmlParserOptions
    {
        IsStrictMode = false,
        IsScripting = false,
        SkipComments = true,
        SkipProcessingInstructions = true,
    });

    // Elements whose content is never shown to the reader of the mail.
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "script", "style", "head", "title", "template", "noscript", "meta", "link", "object", "iframe", "svg",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.Ordinal)
    {
        "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul",
    };

    // Markers after which everything is the previous message, in document order. Outlook (web, new
    // and classic) inserts "appendonsend" and "divRplyFwdMsg" before the quoted header block; old
    // OWA used an <hr id="stopSpelling">; Outlook for Mac a reference-message container; Gmail,
    // Thunderbird and Yahoo wrap the attribution line and the quote in their own classes.
    private static readonly string[] RestIsHistoryIds =
    [
        "divRplyFwdMsg", "appendonsend", "stopSpelling", "mail-editor-reference-message-container", "OutlookMessageHeader",
    ];

    private static readonly string[] RestIsHistoryClasses =
    [
        "gmail_quote", "gmail_attr", "gmail_quote_container", "moz-cite-prefix", "yahoo_quoted", "OutlookMessageHeader", "moz-forward-container",
    ];

    /// <summary>The shape beyond which the markup is not parsed (<see cref="HtmlShape"/>). Real mail
    /// stays far below (a few dozen levels); AngleSharp, like the HTML5 tree-construction algorithm
    /// it implements, scans the stack of open elements when an element opens and checks every
    /// attribute of a tag against the others, so a hostile body nested tens of thousands deep
    /// (measured: 50 000 nested divs, over a minute) or one tag with 20 000 attributes (3.4 s) costs
    /// quadratic time. The body size itself is the request validator's limit.</summary>
    internal static HtmlLimits Limits { get; } = new()
    {
        MaxChars = int.MaxValue,
        MaxDepth = 1_000,
        MaxElements = 100_000,
        MaxAttributes = 200_000,
        MaxAttributesPerElement = 100,
    };

    /// <summary>Plain text of the new content and of the history marked in the markup.</summary>
    public static (string Body, string Quoted) Convert(string html)
    {
        var document = Parser.ParseDocument(html);
        var writer = new Writer();
        var root = (INode?)document.Body ?? document.DocumentElement;
        if (root is null)
        {
            return ("", "");
        }

        var lists = new Stack<(bool Ordered, int Count)>();
        var blockquoteDepth = 0;
        var preDepth = 0;
        var restIsHistory = false;
        var firstCellInRow = true;

        var node = root.FirstChild;
        while (node is not null)
        {
            var descend = false;
            switch (node)
            {
                case IText text:
                    writer.Current = restIsHistory || blockquoteDepth > 0 ? writer.Quoted : writer.Body;
                    writer.WriteText(text.Data, preDepth > 0);
                    break;
                case IElement element:
                    var name = element.LocalName;
                    if (Dropped.Contains(name))
                    {
                        break;
                    }

                    if (!restIsHistory && IsHistoryMarker(element))
                    {
                        writer.Current.EndLine();
                        restIsHistory = true;
                    }

                    if (name == "blockquote")
                    {
                        writer.Current.EndLine();
                        blockquoteDepth++;
                    }

                    writer.Current = restIsHistory || blockquoteDepth > 0 ? writer.Quoted : writer.Body;
                    Enter(name, writer.Current, lists, ref preDepth, ref firstCellInRow);
                    descend = element.FirstChild is not null;
                    if (!descend)
                    {
                        Leave(name, writer.Current, lists, ref preDepth, ref blockquoteDepth);
                    }

                    break;
                default:
                    break;
            }

            if (descend)
            {
                node = node.FirstChild;
                continue;
            }

            // Climb until a next sibling exists, leaving every element on the way up.
            while (node is not null)
            {
                if (node.NextSibling is { } next)
                {
                    node = next;
                    break;
                }

                node = node.Parent;
                if (node is null || ReferenceEquals(node, root))
                {
                    node = null;
                    break;
                }

                if (node is IElement parent)
                {
                    writer.Current = restIsHistory || blockquoteDepth > 0 ? writer.Quoted : writer.Body;
                    Leave(parent.LocalName, writer.Current, lists, ref preDepth, ref blockquoteDepth);
                }
            }
        }

        return (writer.Body.ToText(), writer.Quoted.ToText());
    }

    private static bool IsHistoryMarker(IElement element)
    {
        var id = element.Id;
        if (!string.IsNullOrEmpty(id))
        {
            foreach (var marker in RestIsHistoryIds)
            {
                if (id.Equals(marker, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        var classes = element.GetAttribute("class");
        if (!string.IsNullOrEmpty(classes))
        {
            foreach (var token in classes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                foreach (var marker in RestIsHistoryClasses)
                {
                    if (token.Equals(marker, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static void Enter(string name, TextBuffer output, Stack<(bool Ordered, int Count)> lists, ref int preDepth, ref bool firstCellInRow)
    {
        switch (name)
        {
            case "br":
                output.LineBreak();
                return;
            case "ul":
                output.EndLine();
                lists.Push((false, 0));
                return;
            case "ol":
                output.EndLine();
                lists.Push((true, 0));
                return;
            case "li":
                output.EndLine();
                var indent = new string(' ', Math.Max(0, lists.Count - 1) * 2);
                if (lists.Count > 0)
                {
                    var (ordered, count) = lists.Pop();
                    lists.Push((ordered, count + 1));
                    output.WriteRaw(ordered ? indent + (count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ". " : indent + "- ");
                }
                else
                {
                    output.WriteRaw("- ");
                }

                return;
            case "tr":
                output.EndLine();
                firstCellInRow = true;
                return;
            case "td" or "th":
                if (!firstCellInRow)
                {
                    output.WriteRaw("\t");
                }

                firstCellInRow = false;
                return;
            case "pre":
                output.EndLine();
                preDepth++;
                return;
            default:
                if (Blocks.Contains(name))
                {
                    output.EndLine();
                }

                return;
        }
    }

    private static void Leave(string name, TextBuffer output, Stack<(bool Ordered, int Count)> lists, ref int preDepth, ref int blockquoteDepth)
    {
        switch (name)
        {
            case "ul" or "ol":
                if (lists.Count > 0)
                {
                    lists.Pop();
                }

                output.EndLine();
                return;
            case "pre":
                preDepth = Math.Max(0, preDepth - 1);
                output.EndLine();
                return;
            case "blockquote":
                output.EndLine();
                blockquoteDepth = Math.Max(0, blockquoteDepth - 1);
                return;
            default:
                if (Blocks.Contains(name))
                {
                    output.EndLine();
                }

                return;
        }
    }

    private sealed class Writer
    {
        public TextBuffer Body { get; } = new();

        public TextBuffer Quoted { get; } = new();

        public TextBuffer Current { get; set; }

        public Writer() => Current = Body;

        public void WriteText(string data, bool preformatted) => Current.WriteText(data, preformatted);
    }

    /// <summary>Accumulates lines with HTML whitespace rules: runs of spaces collapse, a line
    /// that only held an &amp;nbsp; still counts (Outlook's blank paragraphs are <c>&lt;p&gt;&amp;nbsp;&lt;/p&gt;</c>).</summary>
    private sealed class TextBuffer
    {
        private readonly StringBuilder _text = new();
        private bool _lineOpen;

        public void WriteText(string data, bool preformatted)
        {
            if (preformatted)
            {
                foreach (var c in data)
                {
                    if (c == '\r')
                    {
                        continue;
                    }

                    _text.Append(c == '\u00A0' ? ' ' : c);
                    _lineOpen = c != '\n';
                }

                return;
            }

            foreach (var c in data)
            {
                if (c == '\u00A0')
                {
                    // A non-breaking space is visible: it keeps a line alive and is never collapsed away.
                    _text.Append(' ');
                    _lineOpen = true;
                }
                else if (c is ' ' or '\t' or '\n' or '\r' or '\f')
                {
                    if (_text.Length > 0 && _text[^1] is not (' ' or '\n' or '\t'))
                    {
                        _text.Append(' ');
                    }
                }
                else
                {
                    _text.Append(c);
                    _lineOpen = true;
                }
            }
        }

        public void WriteRaw(string s)
        {
            _text.Append(s);
            _lineOpen = true;
        }

        /// <summary>Ends the current line if anything was written on it (block boundaries).</summary>
        public void EndLine()
        {
            if (_lineOpen)
            {
                LineBreak();
            }
        }

        /// <summary>Always breaks the line (a &lt;br&gt;).</summary>
        public void LineBreak()
        {
            TrimTrailingSpaces();
            _text.Append('\n');
            _lineOpen = false;
        }

        private void TrimTrailingSpaces()
        {
            var end = _text.Length;
            while (end > 0 && _text[end - 1] == ' ')
            {
                end--;
            }

            _text.Length = end;
        }

        public string ToText() => Normalize(_text.ToString());

        /// <summary>Trailing spaces off every line, no more than one blank line in a row, no
        /// blank lines at either end.</summary>
        private static string Normalize(string text)
        {
            var result = new StringBuilder(text.Length);
            var blankRun = 0;
            foreach (var rawLine in text.Split('\n'))
            {
                var line = rawLine.TrimEnd(' ', '\t');
                if (line.Length == 0)
                {
                    blankRun++;
                    continue;
                }

                if (result.Length > 0)
                {
                    result.Append(blankRun > 0 ? "\n\n" : "\n");
                }

                blankRun = 0;
                result.Append(line);
            }

            return result.ToString();
        }
    }
}
