using ClinicMail.Application.Configuration;
using ClinicMail.Core.Localization;

namespace ClinicMail.Application.Handlers;

// The secure-message API's requests and answers (docs/api.md; addin/src/shared/contract.ts).

public sealed record SecureAttachmentRequest
{
    public string Name { get; init; } = "";

    public string ContentType { get; init; } = "";

    public string ContentBase64 { get; init; } = "";
}

/// <summary>The add-in's request (addin/src/shared/contract.ts <c>SecureMessageRequest</c>).</summary>
public sealed record SecureMessageRequest
{
    public string CheckId { get; init; } = "";

    public string Subject { get; init; } = "";

    public string Body { get; init; } = "";

    /// <summary>"text" or "html".</summary>
    public string BodyFormat { get; init; } = "text";

    public IReadOnlyList<string> Recipients { get; init; } = [];

    public IReadOnlyList<SecureAttachmentRequest> Attachments { get; init; } = [];

    /// <summary>Default <see cref="SecureOptions.DefaultExpiryDays"/>, at most <see cref="SecureOptions.MaxExpiryDays"/>.</summary>
    public int? ExpiresInDays { get; init; }

    /// <summary>An earlier check of the same content on which the physician recorded an override (the add-in
    /// re-checks before a secure send, so the override may sit on the previous check).</summary>
    public string? OverrideCheckId { get; init; }
}

public sealed record NoticeDto(LocalizedText Html, LocalizedText Text);

/// <summary>One recipient's delivery: their personal link (the physician may need to resend it).</summary>
public sealed record SecureDeliveryDto(string Address, IReadOnlyList<string> PatientIds, string Link, bool MailedByClinicMail);

/// <summary>201 answer. <see cref="Link"/> and <see cref="Notice"/> are what the add-in puts in the
/// mail; with several recipients each gets a personal link by a separate ClinicMail mail and the
/// notice says so (a mail to several patients cannot carry one personal link each).</summary>
public sealed record SecureMessageCreated
{
    public required string MessageId { get; init; }

    public required string Link { get; init; }

    public required NoticeDto Notice { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required IReadOnlyList<SecureDeliveryDto> Deliveries { get; init; }

    /// <summary>Attachments of the checked draft the secure message does not carry (cloud links, attached
    /// items, files not uploaded): the physician must share them another way.</summary>
    public int AttachmentsNotCarried { get; init; }
}

public sealed record ExpiryChangeRequest
{
    public DateTimeOffset? ExpiresAt { get; init; }
}

public sealed record RecipientStatusDto(string AccessId, string Address, IReadOnlyList<string> PatientIds, bool Opened, DateTimeOffset? OpenedAt, int OpenCount, bool Locked, int CodesSent);

public sealed record ReplyDto(string ReplyId, string AccessId, DateTimeOffset CreatedAt, string? Body, string? Unreadable);

public sealed record SecureMessageStatusDto
{
    public required string MessageId { get; init; }

    /// <summary>active | revoked | expired.</summary>
    public required string Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public DateTimeOffset? ShreddedAt { get; init; }

    /// <summary>The longest expiry allowed (creation + <see cref="SecureOptions.MaxExpiryDays"/>).</summary>
    public required DateTimeOffset MaxExpiresAt { get; init; }

    public required IReadOnlyList<RecipientStatusDto> Recipients { get; init; }

    public required IReadOnlyList<ReplyDto> Replies { get; init; }
}
