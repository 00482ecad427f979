namespace ClinicMail.Core.Mail;

/// <summary>The outgoing-mail seam: one-time codes, secure-message notices, reply notifications.
/// The embedded default drops RFC 5322 files into a pickup folder; production sends through
/// Microsoft Graph <c>sendMail</c> from the clinic's mailbox. Implementations are thread-safe singletons.</summary>
public interface IMailSender
{
    /// <summary>Sends (or queues) one message to one recipient.</summary>
    /// <exception cref="MailSendException">The message could not be handed over; nothing was sent.</exception>
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default);
}

/// <summary>What ClinicMail mails out. Never clinical content: a code, a notice or a link only.</summary>
public sealed record OutgoingMail
{
    /// <summary>The one recipient (the registered address, for patients).</summary>
    public required string To { get; init; }

    public required string Subject { get; init; }

    public required string TextBody { get; init; }

    /// <summary>The HTML alternative, already escaped by the caller; null for text only.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>A short machine code of what this mail is ("secure-code", "secure-notice",
    /// "secure-reply"), carried in a header so operators and tests can tell mails apart.</summary>
    public required string Kind { get; init; }

    /// <summary>"fr" or "en": the mail's language (Content-Language).</summary>
    public string Language { get; init; } = "fr";
}

/// <summary>The mail could not be sent. The message names the sender and the status, never an
/// address or any content.</summary>
public sealed class MailSendException(string message, Exception? inner = null) : Exception(message, inner);
