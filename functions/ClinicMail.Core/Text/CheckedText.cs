namespace ClinicMail.Core.Text;

/// <summary>Which part of the draft a piece of checked text comes from.</summary>
public enum TextPart
{
    Subject,
    /// <summary>The physician's own new text (HTML already converted to plain text).</summary>
    Body,
    /// <summary>Quoted history of a reply or forward: checked too, and marked as quoted.</summary>
    Quoted,
    AttachmentName,
    /// <summary>Text read from an attachment (PDF, Word, plain text).</summary>
    AttachmentContent,
}

/// <summary>One part of the checked text. Evidence offsets are relative to <see cref="Text"/>.</summary>
public sealed record TextSegment(TextPart Part, string Text);

/// <summary>The plain text the detectors run over: subject, new body, quoted history and
/// attachment names, each kept apart so evidence can say where it was found.</summary>
public sealed record CheckedText(IReadOnlyList<TextSegment> Segments)
{
    public static CheckedText FromParts(string subject, string body, string quoted = "", IEnumerable<string>? attachmentNames = null)
    {
        var segments = new List<TextSegment>(4);
        if (subject.Length > 0)
        {
            segments.Add(new TextSegment(TextPart.Subject, subject));
        }

        if (body.Length > 0)
        {
            segments.Add(new TextSegment(TextPart.Body, body));
        }

        if (quoted.Length > 0)
        {
            segments.Add(new TextSegment(TextPart.Quoted, quoted));
        }

        foreach (var name in attachmentNames ?? [])
        {
            if (name.Length > 0)
            {
                segments.Add(new TextSegment(TextPart.AttachmentName, name));
            }
        }

        return new CheckedText(segments);
    }

    /// <summary>Total characters over every segment (what throughput figures are measured on).</summary>
    public int Length => Segments.Sum(s => s.Text.Length);
}

/// <summary>Where a detector saw something: the part, the offset and length inside that part's
/// text, the matched text itself, and how sure the detector is (0–1).</summary>
public sealed record Evidence(TextPart Part, int Offset, int Length, string Text, double Confidence)
{
    public bool Quoted => Part == TextPart.Quoted;
}
