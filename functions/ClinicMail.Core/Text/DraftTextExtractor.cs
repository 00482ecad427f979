using System.Text;
using ClinicMail.Core.Drafts;

namespace ClinicMail.Core.Text;

/// <summary>Turns a draft into the <see cref="CheckedText"/> the detectors read: HTML converted to
/// text (AngleSharp), the physician's new text separated from the quoted history of a reply.</summary>
/// <remarks>Never throws for any body: if the HTML nests deeper or carries more attributes than any mail client produces, or
/// the HTML path fails in an unforeseen way, the body is reduced to text by a linear tag strip and
/// checked as new text. Failing closed here means that no
/// content escapes the detectors, not that the check stops.</remarks>
public static class DraftTextExtractor
{
    public static CheckedText Extract(Draft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var subject = draft.Subject ?? "";
        var rawBody = draft.Body ?? "";

        string body;
        string quoted;
        if (draft.BodyFormat == BodyFormat.Html)
        {
            (body, quoted) = SplitHtml(rawBody);
        }
        else
        {
            (body, quoted) = QuoteSplitter.Split(rawBody);
        }

        var attachments = (draft.Attachments ?? []).Where(a => a is not null).Select(a => a.Name ?? "");
        return CheckedText.FromParts(subject, body, quoted, attachments);
    }

    private static (string Body, string Quoted) SplitHtml(string html)
    {
        if (HtmlShape.Exceeded(html, HtmlTextConverter.Limits) != HtmlLimit.None)
        {
            // Pathological nesting or attribute counts (never produced by a mail client): skip the
            // parser, keep the text.
            return QuoteSplitter.Split(StripTags(html));
        }

        string body;
        string htmlQuoted;
        try
        {
            (body, htmlQuoted) = HtmlTextConverter.Convert(html);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unforeseen parser failure on hostile markup: keep every character of text visible to the detectors.
            return QuoteSplitter.Split(StripTags(html));
        }

        // Classic Outlook on Windows marks its reply header only with inline styles, so the
        // header block is found in the converted text, like in a plain-text reply.
        var (newText, textQuoted) = QuoteSplitter.Split(body);
        var quoted = textQuoted.Length == 0 ? htmlQuoted
            : htmlQuoted.Length == 0 ? textQuoted
            : textQuoted + "\n\n" + htmlQuoted;
        return (newText, quoted);
    }

    /// <summary>Last-resort conversion: drops anything between &lt; and &gt;, keeps the rest.</summary>
    internal static string StripTags(string html)
    {
        var text = new StringBuilder(html.Length);
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
                text.Append(' ');
            }
            else if (!inTag)
            {
                text.Append(c);
            }
        }

        return System.Net.WebUtility.HtmlDecode(text.ToString());
    }
}
