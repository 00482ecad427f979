using System.Text;

namespace ClinicMail.Core.Text;

/// <summary>Separates the physician's new text from the quoted history of a reply or forward in
/// plain text: Outlook's header block (« De : / Envoyé : / À : / Objet : », "From: / Sent: / To: /
/// Subject:"), "-----Original Message-----" and its French forms, the « Le … a écrit : » / "On …
/// wrote:" attribution, and lines that start with "&gt;".</summary>
/// <remarks>Hand-written line scanning, no regular expression: this runs on every plain-text body
/// and must stay linear in its length whatever the input.</remarks>
internal static class QuoteSplitter
{
    // Lines that open a forwarded or original message, compared case-insensitively once the
    // dashes and spaces around them are stripped.
    private static readonly string[] SeparatorTitles =
    [
        "original message", "message d'origine", "message d’origine", "message original", "forwarded message",
        "message transféré", "message transfere", "message transmis", "begin forwarded message:", "début du message réexpédié :",
    ];

    private static readonly System.Buffers.SearchValues<char> RuleChars = System.Buffers.SearchValues.Create("_-—=");

    private static readonly string[] FromHeaders = ["from", "de"];

    private static readonly string[] OtherHeaders = ["sent", "envoyé", "envoye", "date", "to", "à", "a", "cc", "subject", "objet"];

    /// <summary>The longest attribution line we accept ("On Mon, 3 Mar 2025 at 10:12, Name &lt;address&gt; wrote:"
    /// wrapped on two lines stays well below this); longer lines are prose.</summary>
    private const int MaxAttributionLength = 400;

    /// <summary>How many lines after « De : » / "From:" the rest of the header block may span.</summary>
    private const int HeaderWindow = 6;

    public static (string Body, string Quoted) Split(string text)
    {
        if (text.Length == 0)
        {
            return ("", "");
        }

        var normalized = text.Contains('\r', StringComparison.Ordinal) ? text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : text;
        var lines = normalized.Split('\n');
        var historyStart = -1;
        var anyQuotedLine = false;
        for (var i = 0; i < lines.Length && historyStart < 0; i++)
        {
            var line = lines[i].AsSpan().Trim();
            if (line.Length == 0)
            {
                continue;
            }

            anyQuotedLine |= line[0] == '>';
            if (IsSeparator(line) || IsHeaderBlock(lines, i) || IsAttribution(lines, i))
            {
                historyStart = i;
                // Outlook draws a line of underscores right above its header block: it belongs to the history.
                var previous = PreviousNonEmpty(lines, i);
                if (previous >= 0 && IsRule(lines[previous].AsSpan().Trim()))
                {
                    historyStart = previous;
                }
            }
        }

        if (historyStart < 0 && !anyQuotedLine)
        {
            // The common case, a message without history: no copy line by line.
            return (normalized.Trim('\n', ' ', '\t'), "");
        }

        var body = new StringBuilder(text.Length);
        var quoted = new StringBuilder();
        var end = historyStart < 0 ? lines.Length : historyStart;
        for (var i = 0; i < end; i++)
        {
            var target = lines[i].AsSpan().TrimStart().StartsWith(">") ? quoted : body;
            AppendLine(target, lines[i]);
        }

        for (var i = end; i < lines.Length; i++)
        {
            AppendLine(quoted, lines[i]);
        }

        return (TrimBlankLines(body), TrimBlankLines(quoted));
    }

    private static void AppendLine(StringBuilder target, string line)
    {
        if (target.Length > 0)
        {
            target.Append('\n');
        }

        target.Append(line);
    }

    private static string TrimBlankLines(StringBuilder text) => text.ToString().Trim('\n', ' ', '\t');

    private static int PreviousNonEmpty(string[] lines, int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            if (!lines[i].AsSpan().Trim().IsEmpty)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsRule(ReadOnlySpan<char> line) =>
        line.Length >= 10 && !line.ContainsAnyExcept(RuleChars);

    private static bool IsSeparator(ReadOnlySpan<char> line)
    {
        if (line.Length > 80)
        {
            return false;
        }

        var core = line.Trim("-—_= *".AsSpan());
        if (core.Length == line.Length && !core.EndsWith(":"))
        {
            // "-----Original Message-----" and "---------- Forwarded message ---------" are framed by
            // dashes; Apple Mail's "Begin forwarded message:" is not but ends with a colon.
            return false;
        }

        foreach (var title in SeparatorTitles)
        {
            if (core.Equals(title, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>« De : … » / "From: …" followed within a few lines by at least two other header
    /// names (Envoyé/Sent/Date, À/To, Cc, Objet/Subject). One header alone is prose.</summary>
    private static bool IsHeaderBlock(string[] lines, int index)
    {
        if (!IsHeader(lines[index].AsSpan().Trim(), FromHeaders))
        {
            return false;
        }

        var others = 0;
        for (var i = index + 1; i < lines.Length && i <= index + HeaderWindow; i++)
        {
            if (IsHeader(lines[i].AsSpan().Trim(), OtherHeaders))
            {
                others++;
            }
        }

        return others >= 2;
    }

    private static bool IsHeader(ReadOnlySpan<char> line, string[] names)
    {
        // Bold header names converted from HTML sometimes keep markdown-like asterisks.
        line = line.TrimStart('*');
        foreach (var name in names)
        {
            if (line.Length > name.Length && line.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                var rest = line[name.Length..].TrimStart(" \u00A0\u202F*".AsSpan());
                if (rest.StartsWith(":"))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>« Le lun. 3 mars 2025, à 10 h 12, Marie &lt;…&gt; a écrit : » or "On Mon, Mar 3, 2025
    /// at 10:12 AM Marie &lt;…&gt; wrote:", on one line or wrapped onto the next.</summary>
    private static bool IsAttribution(string[] lines, int index)
    {
        var line = lines[index].AsSpan().Trim();
        if (!(line.StartsWith("Le ", StringComparison.OrdinalIgnoreCase) || line.StartsWith("On ", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (line.Length <= MaxAttributionLength && EndsWithWrote(line))
        {
            return true;
        }

        if (index + 1 < lines.Length)
        {
            var next = lines[index + 1].AsSpan().Trim();
            return line.Length + next.Length <= MaxAttributionLength && EndsWithWrote(next);
        }

        return false;
    }

    private static bool EndsWithWrote(ReadOnlySpan<char> line)
    {
        line = line.TrimEnd();
        if (line.EndsWith("wrote:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!line.EndsWith(":"))
        {
            return false;
        }

        line = line[..^1].TrimEnd(" \u00A0\u202F".AsSpan());
        return line.EndsWith("a écrit", StringComparison.OrdinalIgnoreCase)
            || line.EndsWith("a ecrit", StringComparison.OrdinalIgnoreCase)
            || line.EndsWith("wrote", StringComparison.OrdinalIgnoreCase);
    }
}
