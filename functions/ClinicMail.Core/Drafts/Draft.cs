namespace ClinicMail.Core.Drafts;

/// <summary>The message a physician is about to send, as Outlook sees it at Send time.</summary>
public sealed record Draft
{
    /// <summary>Caller's correlation id (echoed by the JSONL mode); never interpreted.</summary>
    public string? Id { get; init; }

    /// <summary>The sender's address (the mailbox Outlook sends from).</summary>
    public string? From { get; init; }

    public string Subject { get; init; } = "";

    public string Body { get; init; } = "";

    public BodyFormat BodyFormat { get; init; } = BodyFormat.Text;

    public IReadOnlyList<DraftRecipient> To { get; init; } = [];

    public IReadOnlyList<DraftRecipient> Cc { get; init; } = [];

    public IReadOnlyList<DraftRecipient> Bcc { get; init; } = [];

    /// <summary>Internet message id of the message this one replies to, when Outlook knows it.</summary>
    public string? InReplyTo { get; init; }

    /// <summary>True when the draft was created with Reply / Reply all / Forward.</summary>
    public bool IsReply { get; init; }

    public IReadOnlyList<AttachmentInfo> Attachments { get; init; } = [];

    /// <summary>Every recipient with the field it sits in, in To, Cc, Bcc order.</summary>
    public IEnumerable<(DraftRecipient Recipient, RecipientField Field)> AllRecipients()
    {
        foreach (var r in To)
        {
            yield return (r, RecipientField.To);
        }

        foreach (var r in Cc)
        {
            yield return (r, RecipientField.Cc);
        }

        foreach (var r in Bcc)
        {
            yield return (r, RecipientField.Bcc);
        }
    }
}

/// <summary>One recipient. The JSON form is either a plain address string or <c>{address, name}</c>.</summary>
public sealed record DraftRecipient(string Address, string? Name = null);

/// <summary>An attachment: its metadata and, when the client could send it, its content (base64),
/// from which the check extracts text. An attachment without readable content counts as possible
/// clinical content when it leaves the network.</summary>
public sealed record AttachmentInfo(string Name, long Size = 0, string? ContentType = null)
{
    /// <summary>The file's bytes, base64; null when the client did not (or could not) send them.</summary>
    public string? ContentBase64 { get; init; }

    /// <summary>Outlook's kind: <c>file</c> (default), <c>cloud</c> (a link to OneDrive/SharePoint) or
    /// <c>item</c> (an attached mail or event). Only files can be read or carried by secure delivery.</summary>
    public string? Kind { get; init; }
}

public enum BodyFormat
{
    Text,
    Html,
}

public enum RecipientField
{
    To,
    Cc,
    Bcc,
}
