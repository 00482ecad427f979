using System.Text;
using ClinicMail.Core.Drafts;

namespace ClinicMail.Core.Attachments;

/// <summary>Why an attachment's text could not be read. JSON ids are snake_case.</summary>
public enum UnreadableReason
{
    /// <summary>The client did not send the content (Outlook's size limit, an older client).</summary>
    NoContent,
    /// <summary>A format with no text to read (an image, an unknown binary).</summary>
    NotText,
    /// <summary>A PDF without a text layer: a scan.</summary>
    NoTextLayer,
    /// <summary>Password-protected or encrypted.</summary>
    Encrypted,
    /// <summary>Over the size, page or time limit.</summary>
    TooLarge,
    /// <summary>The file is damaged or not what its name says.</summary>
    Damaged,
    /// <summary>A cloud link (OneDrive, SharePoint) or an attached item (mail, event): not a file ClinicMail can read.</summary>
    NotAFile,
}

/// <summary>The text of one attachment, or why there is none. <see cref="Pages"/> counts the pages read.</summary>
public sealed record AttachmentText(string Name, string? Text, UnreadableReason? Unreadable, int Pages = 0)
{
    public static AttachmentText Failed(string name, UnreadableReason reason) => new(name, null, reason);
}

/// <summary>Reads the text of an attachment. Implementations must bound their work (size, pages, time)
/// and never throw for a bad file: they answer <see cref="AttachmentText.Unreadable"/>.</summary>
public interface IAttachmentReader
{
    AttachmentText Read(string name, string? contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}

/// <summary>Limits on attachment reading (documented in docs/policy.md).</summary>
public sealed record AttachmentLimits
{
    public static AttachmentLimits Default { get; } = new();

    /// <summary>Larger files are not read (they count as unreadable).</summary>
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>PDF pages read at most; a longer document counts as unreadable.</summary>
    public int MaxPages { get; init; } = 50;

    /// <summary>Characters of text kept per attachment.</summary>
    public int MaxChars { get; init; } = 200_000;

    /// <summary>Time allowed to read one attachment.</summary>
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>The reader the core can run without any library: plain text (UTF-8, or Latin-1 when not
/// UTF-8), CSV, HTML source. Every other format is unreadable here; ClinicMail.Infrastructure adds PDF and Word.</summary>
public sealed class PlainTextAttachmentReader(AttachmentLimits? limits = null) : IAttachmentReader
{
    public static PlainTextAttachmentReader Default { get; } = new();

    private readonly AttachmentLimits _limits = limits ?? AttachmentLimits.Default;

    public static bool IsPlainText(string name, string? contentType) =>
        (contentType?.StartsWith("text/", StringComparison.OrdinalIgnoreCase) ?? false)
        || name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    public AttachmentText Read(string name, string? contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (!IsPlainText(name, contentType))
        {
            return AttachmentText.Failed(name, UnreadableReason.NotText);
        }

        return Decode(name, content.Span, _limits);
    }

    public static AttachmentText Decode(string name, ReadOnlySpan<byte> bytes, AttachmentLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (bytes.Length > limits.MaxBytes)
        {
            return AttachmentText.Failed(name, UnreadableReason.TooLarge);
        }

        if (bytes.IndexOf((byte)0) >= 0)
        {
            return AttachmentText.Failed(name, UnreadableReason.NotText);
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = Encoding.Latin1.GetString(bytes);
        }

        return new AttachmentText(name, text.Length > limits.MaxChars ? text[..limits.MaxChars] : text, null, 1);
    }
}

/// <summary>Reads every attachment of a draft with the given reader.</summary>
public static class AttachmentTexts
{
    public static IReadOnlyList<AttachmentText> Read(IReadOnlyList<AttachmentInfo> attachments, IAttachmentReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        ArgumentNullException.ThrowIfNull(reader);
        if (attachments.Count == 0)
        {
            return [];
        }

        var texts = new List<AttachmentText>(attachments.Count);
        foreach (var attachment in attachments)
        {
            cancellationToken.ThrowIfCancellationRequested();
            texts.Add(ReadOne(attachment, reader, cancellationToken));
        }

        return texts;
    }

    private static AttachmentText ReadOne(AttachmentInfo attachment, IAttachmentReader reader, CancellationToken cancellationToken)
    {
        var name = attachment.Name ?? "";
        if (attachment.Kind is { } kind && !string.Equals(kind, "file", StringComparison.OrdinalIgnoreCase))
        {
            return AttachmentText.Failed(name, UnreadableReason.NotAFile);
        }

        if (string.IsNullOrEmpty(attachment.ContentBase64))
        {
            return AttachmentText.Failed(name, UnreadableReason.NoContent);
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(attachment.ContentBase64);
        }
        catch (FormatException)
        {
            return AttachmentText.Failed(name, UnreadableReason.Damaged);
        }

        try
        {
            var text = reader.Read(name, attachment.ContentType, bytes, cancellationToken);
            return text.Text is { } t && t.Trim().Length == 0 && text.Unreadable is null
                ? text with { Text = null, Unreadable = UnreadableReason.NoTextLayer }
                : text;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A reader must not throw; if one does, the attachment is unreadable, never skipped.
            return AttachmentText.Failed(name, UnreadableReason.Damaged);
        }
    }
}
