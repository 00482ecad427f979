namespace ClinicMail.Core.Incoming;

/// <summary>The mail folders ClinicMail subscribes to in each watched mailbox (Graph well-known names):
/// the Inbox for patients' mail, Sent Items to see that an answer left (docs/incoming-mail.md).</summary>
public static class WatchedFolders
{
    public const string Inbox = "inbox";
    public const string SentItems = "sentitems";

    public static readonly IReadOnlyList<string> All = [Inbox, SentItems];
}

/// <summary>One Graph change-notification subscription ClinicMail keeps. The clientState itself is never
/// stored: only its keyed hash (HMAC-SHA256 under <c>IncomingMail:Graph:ClientStateKey</c>), enough to
/// check what a notification carries.</summary>
public sealed record MailSubscription
{
    public required string SubscriptionId { get; init; }

    public required string Mailbox { get; init; }

    /// <summary><see cref="WatchedFolders.Inbox"/> or <see cref="WatchedFolders.SentItems"/>.</summary>
    public required string Folder { get; init; }

    public required byte[] ClientStateHash { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The subscriptions kept per mailbox and folder, and the delta link of each folder (the
/// catch-up point after a <c>missed</c> lifecycle event). Ids, hashes, times and Graph's delta links only.</summary>
public interface IMailSubscriptionStore
{
    /// <summary>Records a new subscription for its mailbox and folder, replacing the one it succeeds.</summary>
    Task SaveAsync(MailSubscription subscription, CancellationToken cancellationToken = default);

    Task<MailSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<MailSubscription>> ListAsync(CancellationToken cancellationToken = default);

    Task SetExpiryAsync(string subscriptionId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    Task DeleteAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>The stored <c>@odata.deltaLink</c> of the folder, or null before the first delta round.</summary>
    Task<string?> GetDeltaLinkAsync(string mailbox, string folder, CancellationToken cancellationToken = default);

    Task SetDeltaLinkAsync(string mailbox, string folder, string deltaLink, DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>What Graph is asked to create: a <c>created</c> subscription on one folder's messages.</summary>
public sealed record MailSubscriptionRequest(string Mailbox, string Folder, Uri NotificationUrl, Uri LifecycleNotificationUrl, string ClientState, DateTimeOffset ExpiresAt);

/// <summary>One round of a folder's delta query: the ids of the messages it returned (removed ones left
/// out) and the delta link to start the next round from.</summary>
public sealed record MailDeltaRound(IReadOnlyList<string> MessageIds, string DeltaLink);

/// <summary>Graph's subscription and delta API (the seam; <c>GraphSubscriptionClient</c> in production).</summary>
public interface IMailSubscriptionService
{
    /// <summary><c>POST /subscriptions</c>; the id Graph gave and the expiry it granted.</summary>
    Task<(string Id, DateTimeOffset ExpiresAt)> CreateAsync(MailSubscriptionRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>PATCH /subscriptions/{id}</c> with a new expiry; false when Graph no longer has it (404).</summary>
    Task<bool> RenewAsync(string subscriptionId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary><c>POST /subscriptions/{id}/reauthorize</c>; false when Graph no longer has it.</summary>
    Task<bool> ReauthorizeAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /subscriptions/{id}</c>; a subscription already gone is not an error.</summary>
    Task DeleteAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>A full delta round on the folder's messages (every page), from <paramref name="deltaLink"/>
    /// or, without one, from <paramref name="since"/> (messages received at or after it).</summary>
    Task<MailDeltaRound> DeltaAsync(string mailbox, string folder, string? deltaLink, DateTimeOffset since, CancellationToken cancellationToken = default);
}
