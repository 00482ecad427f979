namespace ClinicMail.Core.Filing;

/// <summary>What is written to the patient's record for one exchange.</summary>
/// <param name="FilingId">The outbox id: the idempotency key of every destination.</param>
/// <param name="ClinicPatientId">The clinic's own patient id (from its EMR): the record's folder or subject.</param>
/// <param name="Rendition">The PDF rendition.</param>
/// <param name="ResourceJson">The FHIR R4 resource (JSON) describing it.</param>
/// <param name="Attachments">The exchange's attachments, as they came.</param>
public sealed record FilingDocument(
    string FilingId,
    string ClinicPatientId,
    byte[] Rendition,
    byte[] ResourceJson,
    IReadOnlyList<FiledAttachment> Attachments)
{
    public string RenditionSha256 => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Rendition));

    public string ResourceSha256 => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ResourceJson));
}

/// <summary>A place the record goes: the embedded folder, Blob Storage, an EMR's FHIR endpoint.
/// <see cref="FileAsync"/> is idempotent by <see cref="FilingDocument.FilingId"/>: writing again what is
/// already there succeeds without a second copy (the outbox may repeat a delivery after a crash).</summary>
public interface IFilingDestination
{
    /// <summary>"local", "blob" or "fhir" (stored and audited).</summary>
    string Kind { get; }

    /// <returns>The SHA-256 of the rendition and the resource as the destination holds them: this
    /// document's, or those of the copy an earlier attempt stored (renditions are not byte-for-byte
    /// reproducible: the font subset's tag is random), so the audit log always names the stored copy.</returns>
    /// <exception cref="FilingDestinationException">Not filed; <see cref="FilingDestinationException.Transient"/> says whether a retry may succeed.</exception>
    Task<FilingReceipt> FileAsync(FilingDocument document, CancellationToken cancellationToken = default);
}

/// <summary>What a destination holds for a filing (hex SHA-256).</summary>
public sealed record FilingReceipt(string RenditionSha256, string ResourceSha256);

/// <summary>A destination refused or could not be reached. The message holds a code and a status, never content.</summary>
public sealed class FilingDestinationException(string code, bool transient, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A stable code stored in the outbox ("destination_unreachable", "destination_rejected"…).</summary>
    public string Code { get; } = code;

    public bool Transient { get; } = transient;
}

/// <summary>Marks the mailbox copy of a filed mail with the category "Classé au dossier / Filed to
/// record", so the physician sees what is safe to archive (Graph in production; a logged no-op in the
/// embedded default, which has no mailbox).</summary>
public interface IMailboxCategorizer
{
    public const string Category = "Classé au dossier / Filed to record";

    /// <param name="filingId">The outbox id (logged).</param>
    /// <param name="mailbox">The mailbox's address (or Graph user id) holding the item.</param>
    /// <param name="mailboxItemId">The item's Graph message id.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    Task MarkFiledAsync(string filingId, string mailbox, string mailboxItemId, CancellationToken cancellationToken = default);
}
