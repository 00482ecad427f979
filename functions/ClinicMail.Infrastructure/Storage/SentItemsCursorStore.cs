using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>The Sent Items sweep's links, one row per mailbox (Migrations/0015_sent_items_cursor.sql),
/// on either provider: the SQL is common, so there is nothing in the dialects.</summary>
public sealed class SentItemsCursorStore(IStorageDatabase database) : ISentItemsCursorStore
{
    public async Task<string?> GetAsync(string mailbox, CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync("SELECT link FROM filing_sent_items_cursor WHERE mailbox = $1", r => r.GetString(0), cancellationToken, Key(mailbox)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task SaveAsync(string mailbox, string link, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(link);
        return database.ExecuteAsync(
            """
            INSERT INTO filing_sent_items_cursor (mailbox, link, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT (mailbox) DO UPDATE SET link = excluded.link, updated_at = excluded.updated_at
            """,
            cancellationToken, Key(mailbox), link, at.ToUnixTimeMilliseconds());
    }

    public Task ResetAsync(string mailbox, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM filing_sent_items_cursor WHERE mailbox = $1", cancellationToken, Key(mailbox));

    /// <summary>Addresses are case-insensitive: one row per mailbox however configuration spells it.</summary>
    private static string Key(string mailbox)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mailbox);
        return Core.Registry.AddressNormalizer.Normalize(mailbox) ?? mailbox.Trim();
    }
}
