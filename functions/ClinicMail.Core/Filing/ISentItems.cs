namespace ClinicMail.Core.Filing;

/// <summary>A mailbox's Sent Items read as a change feed (Graph delta query in production): each
/// page names the messages added since the previous link, and ends with either the link of the next
/// page or the delta link to resume from next time.</summary>
public interface ISentItemsReader
{
    /// <param name="mailbox">The mailbox's address.</param>
    /// <param name="link">The link stored after the previous page (next or delta link); null to start,
    /// from <paramref name="startFrom"/> on (a new mailbox's history is not filed retroactively).</param>
    /// <param name="startFrom">First sweep only: mail sent before this is not read.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<SentItemsPage> ReadPageAsync(string mailbox, string? link, DateTimeOffset startFrom, CancellationToken cancellationToken = default);

    /// <summary>The message as sent (RFC 5322 MIME); null when it is gone from the mailbox.</summary>
    Task<byte[]?> ReadMimeAsync(string mailbox, string messageId, CancellationToken cancellationToken = default);
}

/// <summary>One page of the Sent Items change feed: the ids of the messages added (removed ones are not
/// listed), and exactly one of <see cref="NextLink"/> (more now) or <see cref="DeltaLink"/> (done for now).</summary>
public sealed record SentItemsPage(IReadOnlyList<string> MessageIds, string? NextLink, string? DeltaLink);

/// <summary>Where each mailbox's Sent Items sweep resumes: the last next/delta link, per mailbox.</summary>
public interface ISentItemsCursorStore
{
    Task<string?> GetAsync(string mailbox, CancellationToken cancellationToken = default);

    Task SaveAsync(string mailbox, string link, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Forget the mailbox's link (Graph answered 410 Gone: the delta must start again).</summary>
    Task ResetAsync(string mailbox, CancellationToken cancellationToken = default);
}

/// <summary>The delta link is no longer valid (Graph: 410 Gone, <c>syncStateNotFound</c>): start again.</summary>
public sealed class SentItemsResyncException(string message, Exception? inner = null) : Exception(message, inner);
