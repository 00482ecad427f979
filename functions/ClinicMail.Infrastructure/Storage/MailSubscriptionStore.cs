using System.Data.Common;
using ClinicMail.Core.Incoming;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>The Graph subscriptions of the watched mailboxes and each folder's delta link (schema:
/// Migrations/0014_mail_subscriptions.sql of each provider), one implementation for SQLite and
/// PostgreSQL over <see cref="SqlCommands"/>: every statement is common SQL, instants go through the
/// dialect (docs/architecture.md, "Storage and providers").</summary>
public sealed class MailSubscriptionStore(IStorageDatabase database) : IMailSubscriptionStore
{
    private const string Columns = "subscription_id, mailbox, folder, client_state_hash, expires_at, created_at";

    private readonly SqlDialect _dialect = database.Dialect;

    public Task SaveAsync(MailSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        // One subscription per mailbox and folder: a recreated one replaces the row of the one it succeeds.
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(transaction, _dialect,
                "DELETE FROM mail_subscriptions WHERE (mailbox = $1 AND folder = $2) OR subscription_id = $3",
                cancellationToken, subscription.Mailbox, subscription.Folder, subscription.SubscriptionId).ConfigureAwait(false);
            return await connection.ExecuteAsync(transaction, _dialect,
                $"INSERT INTO mail_subscriptions ({Columns}) VALUES ($1, $2, $3, $4, $5, $6)",
                cancellationToken, subscription.SubscriptionId, subscription.Mailbox, subscription.Folder, subscription.ClientStateHash,
                _dialect.Instant(subscription.ExpiresAt), _dialect.Instant(subscription.CreatedAt)).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<MailSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync($"SELECT {Columns} FROM mail_subscriptions WHERE subscription_id = $1", Read, cancellationToken, subscriptionId).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<MailSubscription>> ListAsync(CancellationToken cancellationToken = default) =>
        await database.QueryAsync($"SELECT {Columns} FROM mail_subscriptions ORDER BY mailbox, folder", Read, cancellationToken).ConfigureAwait(false);

    public Task SetExpiryAsync(string subscriptionId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE mail_subscriptions SET expires_at = $1 WHERE subscription_id = $2", cancellationToken, _dialect.Instant(expiresAt), subscriptionId);

    public Task DeleteAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM mail_subscriptions WHERE subscription_id = $1", cancellationToken, subscriptionId);

    public async Task<string?> GetDeltaLinkAsync(string mailbox, string folder, CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync("SELECT delta_link FROM mail_delta_links WHERE mailbox = $1 AND folder = $2",
            r => r.GetString(0), cancellationToken, mailbox, folder).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task SetDeltaLinkAsync(string mailbox, string folder, string deltaLink, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("""
            INSERT INTO mail_delta_links (mailbox, folder, delta_link, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (mailbox, folder) DO UPDATE SET delta_link = excluded.delta_link, updated_at = excluded.updated_at
            """, cancellationToken, mailbox, folder, deltaLink, _dialect.Instant(now));

    private MailSubscription Read(DbDataReader reader) => new()
    {
        SubscriptionId = reader.GetString(0),
        Mailbox = reader.GetString(1),
        Folder = reader.GetString(2),
        ClientStateHash = (byte[])reader.GetValue(3),
        ExpiresAt = _dialect.ReadInstant(reader, 4),
        CreatedAt = _dialect.ReadInstant(reader, 5),
    };
}
