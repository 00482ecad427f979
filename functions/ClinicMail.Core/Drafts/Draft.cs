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

/// <summary>Attachment metadata only: ClinicMail never needs the bytes to check a draft.</summary>
public sealed record AttachmentInfo(string Name, long Size = 0, string? ContentType = null);

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
