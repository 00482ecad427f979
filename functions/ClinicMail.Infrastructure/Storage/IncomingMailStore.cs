using System.Data.Common;
using ClinicMail.Core.Incoming;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>The incoming-mail state and the embedded default's queue, one implementation for both
/// providers over <see cref="SqlCommands"/> (docs/architecture.md, "Storage and providers").
/// Times are Unix milliseconds and flags integers (migration 0010), so the SQL is shared; the only
/// dialect difference is the dequeue's row lock (<see cref="SqlDialect.SkipLocked"/>).</summary>
public sealed class IncomingMailStore(IStorageDatabase database) : IIncomingMailStore, IDatabaseQueue
{
    private const string AwaitingColumns = "message_id, mailbox, conversation_id, patient_id, sender_class, urgent, received_at, due_at, answered_at";

    public async Task<bool> TryClaimMessageAsync(string messageId, DateTimeOffset now, TimeSpan claimTimeout, CancellationToken cancellationToken = default) =>
        // Insert, or take over a 'processing' claim older than the timeout (its worker died).
        await database.ExecuteAsync("""
            INSERT INTO incoming_messages (message_id, state, claimed_at) VALUES ($1, 'processing', $2)
            ON CONFLICT (message_id) DO UPDATE SET claimed_at = excluded.claimed_at
            WHERE incoming_messages.state = 'processing' AND incoming_messages.claimed_at < $3
            """, cancellationToken, messageId, Ms(now), Ms(now - claimTimeout)).ConfigureAwait(false) == 1;

    public Task CompleteMessageAsync(string messageId, string outcome, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE incoming_messages SET state = 'done', outcome = $1, claimed_at = $2 WHERE message_id = $3",
            cancellationToken, outcome, Ms(now), messageId);

    public Task ReleaseMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM incoming_messages WHERE message_id = $1 AND state = 'processing'", cancellationToken, messageId);

    public async Task<bool> TryRecordAcknowledgementAsync(string mailbox, string key, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("""
            INSERT INTO incoming_acknowledgements (mailbox, ack_key, sent_at, until_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (mailbox, ack_key) DO UPDATE SET sent_at = excluded.sent_at, until_at = excluded.until_at
            WHERE incoming_acknowledgements.until_at <= $3
            """, cancellationToken, mailbox, key, Ms(now), Ms(until)).ConfigureAwait(false) == 1;

    public Task ForgetAcknowledgementAsync(string mailbox, string key, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM incoming_acknowledgements WHERE mailbox = $1 AND ack_key = $2", cancellationToken, mailbox, key);

    public Task AddAwaitingAsync(AwaitingAnswer awaiting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(awaiting);
        return database.ExecuteAsync($"""
            INSERT INTO incoming_awaiting ({AwaitingColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (message_id) DO NOTHING
            """, cancellationToken, awaiting.MessageId, awaiting.Mailbox, awaiting.ConversationId, awaiting.PatientId,
            TriageResult.Code(awaiting.Sender), awaiting.Urgent ? 1 : 0, Ms(awaiting.ReceivedAt), Ms(awaiting.DueAt),
            awaiting.AnsweredAt is { } a ? Ms(a) : null);
    }

    public Task<int> MarkAnsweredAsync(string mailbox, string conversationId, DateTimeOffset answeredAt, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("""
            UPDATE incoming_awaiting SET answered_at = $1
            WHERE mailbox = $2 AND conversation_id = $3 AND answered_at IS NULL AND received_at <= $1
            """, cancellationToken, Ms(answeredAt), mailbox, conversationId);

    public Task<IReadOnlyList<AwaitingAnswer>> ListAwaitingAsync(IReadOnlyCollection<string>? mailboxes, int limit, CancellationToken cancellationToken = default) =>
        QueryAwaitingAsync("answered_at IS NULL", mailboxes, "ORDER BY due_at, received_at, message_id LIMIT $1", limit, cancellationToken);

    public Task<IReadOnlyList<AwaitingAnswer>> ListReceivedSinceAsync(IReadOnlyCollection<string>? mailboxes, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        QueryAwaitingAsync("received_at >= $1", mailboxes, "ORDER BY received_at, message_id", Ms(since), cancellationToken);

    public Task EnqueueAsync(string payload, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("INSERT INTO incoming_queue (payload, visible_at, attempts, poisoned, created_at) VALUES ($1, $2, 0, 0, $2)",
            cancellationToken, payload, Ms(now));

    public async Task<QueuedItem?> DequeueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync($"""
            UPDATE incoming_queue SET visible_at = $2, attempts = attempts + 1
            WHERE id = (SELECT id FROM incoming_queue WHERE poisoned = 0 AND visible_at <= $1 ORDER BY visible_at, id LIMIT 1{database.Dialect.SkipLocked})
            RETURNING id, payload, attempts
            """, r => new QueuedItem(r.GetInt64(0), r.GetString(1), r.GetInt32(2)), cancellationToken, Ms(now), Ms(now + lease)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task DeleteAsync(long id, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM incoming_queue WHERE id = $1", cancellationToken, id);

    public Task FailAsync(long id, DateTimeOffset retryAt, bool poison, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE incoming_queue SET visible_at = $1, poisoned = $2 WHERE id = $3", cancellationToken, Ms(retryAt), poison ? 1 : 0, id);

    public async Task<int> CountAsync(bool poisoned, CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync("SELECT COUNT(*) FROM incoming_queue WHERE poisoned = $1", r => r.GetInt64(0), cancellationToken, poisoned ? 1 : 0).ConfigureAwait(false);
        return (int)rows[0];
    }

    /// <summary>Awaiting rows matching <paramref name="where"/>; <c>$1</c> is <paramref name="first"/>, the mailboxes follow it.</summary>
    private async Task<IReadOnlyList<AwaitingAnswer>> QueryAwaitingAsync(string where, IReadOnlyCollection<string>? mailboxes, string tail, object first, CancellationToken cancellationToken)
    {
        var values = new List<object?> { first };
        var mailboxClause = "";
        if (mailboxes is not null)
        {
            // One parameter per mailbox (a handful): IN (…) reads the same in both dialects.
            var positions = mailboxes.Select((m, i) => "$" + (i + 2).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            values.AddRange(mailboxes);
            mailboxClause = positions.Count == 0 ? " AND 1 = 0" : $" AND mailbox IN ({string.Join(", ", positions)})";
        }

        return await database.QueryAsync($"SELECT {AwaitingColumns} FROM incoming_awaiting WHERE {where}{mailboxClause} {tail}",
            Read, cancellationToken, [.. values]).ConfigureAwait(false);
    }

    private static AwaitingAnswer Read(DbDataReader reader) => new()
    {
        MessageId = reader.GetString(0),
        Mailbox = reader.GetString(1),
        ConversationId = reader.GetString(2),
        PatientId = reader.IsDBNull(3) ? null : reader.GetString(3),
        Sender = SenderOf(reader.GetString(4)),
        Urgent = Convert.ToInt64(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture) != 0,
        ReceivedAt = At(reader.GetInt64(6)),
        DueAt = At(reader.GetInt64(7)),
        AnsweredAt = reader.IsDBNull(8) ? null : At(reader.GetInt64(8)),
    };

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static SenderClass SenderOf(string code) => code switch
    {
        "patient_with_consent" => SenderClass.PatientWithConsent,
        "patient_without_consent" => SenderClass.PatientWithoutConsent,
        "third_party_address" => SenderClass.ThirdPartyAddress,
        _ => SenderClass.Unknown,
    };
}
