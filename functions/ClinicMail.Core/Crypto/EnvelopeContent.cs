namespace ClinicMail.Core.Crypto;

public enum BodyFormat
{
    Text,
    Html,
}

/// <summary>What a secure message holds. All of it is encrypted, subject and attachment names
/// included: « Vos résultats de dépistage ITSS » or « biopsie.pdf » are clinical content too.</summary>
public sealed record EnvelopeContent
{
    public required string Subject { get; init; }

    public required string Body { get; init; }

    public required BodyFormat Format { get; init; }

    public IReadOnlyList<EnvelopeAttachment> Attachments { get; init; } = [];
}

public sealed record EnvelopeAttachment
{
    /// <summary>The file name as the physician attached it.</summary>
    public required string Name { get; init; }

    /// <summary>The MIME type, e.g. "application/pdf".</summary>
    public required string ContentType { get; init; }

    public required ReadOnlyMemory<byte> Content { get; init; }
}

/// <summary>What an envelope is cryptographically bound to: decryption succeeds only for the same
/// message id and the same set of recipients, so a ciphertext copied onto another message record,
/// or a record whose recipient list was edited, fails instead of showing content to someone else.</summary>
public sealed record EnvelopeBinding
{
    /// <summary>The secure message id (stable, not secret).</summary>
    public required string MessageId { get; init; }

    /// <summary>Registry ids (or normalized addresses) of the recipients allowed to read it.
    /// Order and case do not matter: the binding uses the trimmed, lower-cased, ordinally sorted set.</summary>
    public required IReadOnlyCollection<string> Recipients { get; init; }
}
