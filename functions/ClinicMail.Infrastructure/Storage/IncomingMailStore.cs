using System.Data.Common;
using ClinicMail.Core.Incoming;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>The incoming-mail state and the embedded default's queue, one implementation for both
/// providers over <see cref="System.Data.Common"/> (docs/architecture.md, "Storage and providers").
/// Times are Unix milliseconds and flags integers, so the SQL is shared; the only dialect difference
/// is the dequeue's row lock (<see cref="_skipLocked"/>). Migration 0010 holds the tables.</summary>
public sealed class IncomingMailStore : IIncomingMailStore, IDatabaseQueue
{
    private readonly Func<CancellationToken, ValueTask<DbConnection>> _open;
    private readonly string _skipLocked;

    private IncomingMailStore(Func<CancellationToken, ValueTask<DbConnection>> open, string skipLocked)
    {
        _open = open;
        _skipLocked = skipLocked;
    }

    public static IncomingMailStore ForSqlite(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        // SQLite serialises writers: the UPDATE … RETURNING below is atomic without a row lock.
        return new IncomingMailStore(async ct => await database.OpenConnectionAsync(ct).ConfigureAwait(false), "");
    }

    public static IncomingMailStore ForPostgres(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        // Two workers dequeuing at once each take a different row instead of waiting on the same one.
        return new IncomingMailStore(async ct => await database.OpenConnectionAsync(ct).ConfigureAwait(false), " FOR UPDATE SKIP LOCKED");
    }

    public async Task<bool> TryClaimMessageAsync(string messageId, DateTimeOffset now, TimeSpan claimTimeout, CancellationToken cancellationToken = default)
    {
        // Insert, or take over a 'processing' claim older than the timeout (its worker died).
        var changed = await ExecuteAsync("""
            INSERT INTO incoming_messages (message_id, state, claimed_at) VALUES (@id, 'processing', @now)
            ON CONFLICT (message_id) DO UPDATE SET claimed_at = excluded.claimed_at
            WHERE incoming_messages.state = 'processing' AND incoming_messages.claimed_at < @stale
            """, cancellationToken, ("id", messageId), ("now", Ms(now)), ("stale", Ms(now - claimTimeout))).ConfigureAwait(false);
        return changed == 1;
    }

    public Task CompleteMessageAsync(string messageId, string outcome, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE incoming_messages SET state = 'done', outcome = @outcome, claimed_at = @now WHERE message_id = @id",
            cancellationToken, ("id", messageId), ("outcome", outcome), ("now", Ms(now)));

    public Task ReleaseMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM incoming_messages WHERE message_id = @id AND state = 'processing'", cancellationToken, ("id", messageId));

    public async Task<bool> TryRecordAcknowledgementAsync(string mailbox, string key, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var changed = await ExecuteAsync("""
            INSERT INTO incoming_acknowledgements (mailbox, ack_key, sent_at, until_at) VALUES (@mailbox, @key, @now, @until)
            ON CONFLICT (mailbox, ack_key) DO UPDATE SET sent_at = excluded.sent_at, until_at = excluded.until_at
            WHERE incoming_acknowledgements.until_at <= @now
            """, cancellationToken, ("mailbox", mailbox), ("key", key), ("now", Ms(now)), ("until", Ms(until))).ConfigureAwait(false);
        return changed == 1;
    }

    public Task ForgetAcknowledgementAsync(string mailbox, string key, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM incoming_acknowledgements WHERE mailbox = @mailbox AND ack_key = @key", cancellationToken, ("mailbox", mailbox), ("key", key));

    public Task AddAwaitingAsync(AwaitingAnswer awaiting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(awaiting);
        return ExecuteAsync("""
            INSERT INTO incoming_awaiting (message_id, mailbox, conversation_id, patient_id, sender_class, urgent, received_at, due_at, answered_at)
            VALUES (@id, @mailbox, @conversation, @patient, @sender, @urgent, @received, @due, @answered)
            ON CONFLICT (message_id) DO NOTHING
            """, cancellationToken, ("id", awaiting.MessageId), ("mailbox", awaiting.Mailbox), ("conversation", awaiting.ConversationId),
            ("patient", awaiting.PatientId), ("sender", TriageResult.Code(awaiting.Sender)), ("urgent", awaiting.Urgent ? 1 : 0),
            ("received", Ms(awaiting.ReceivedAt)), ("due", Ms(awaiting.DueAt)), ("answered", awaiting.AnsweredAt is { } a ? Ms(a) : null));
    }

    public Task<int> MarkAnsweredAsync(string mailbox, string conversationId, DateTimeOffset answeredAt, CancellationToken cancellationToken = default) =>
        ExecuteAsync("""
            UPDATE incoming_awaiting SET answered_at = @at
            WHERE mailbox = @mailbox AND conversation_id = @conversation AND answered_at IS NULL AND received_at <= @at
            """, cancellationToken, ("mailbox", mailbox), ("conversation", conversationId), ("at", Ms(answeredAt)));

    public Task<IReadOnlyList<AwaitingAnswer>> ListAwaitingAsync(IReadOnlyCollection<string>? mailboxes, int limit, CancellationToken cancellationToken = default) =>
        QueryAwaitingAsync("answered_at IS NULL", mailboxes, "ORDER BY due_at, received_at, message_id LIMIT @limit", cancellationToken, ("limit", limit));

    public Task<IReadOnlyList<AwaitingAnswer>> ListReceivedSinceAsync(IReadOnlyCollection<string>? mailboxes, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        QueryAwaitingAsync("received_at >= @since", mailboxes, "ORDER BY received_at, message_id", cancellationToken, ("since", Ms(since)));

    public Task EnqueueAsync(string payload, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExecuteAsync("INSERT INTO incoming_queue (payload, visible_at, attempts, poisoned, created_at) VALUES (@payload, @now, 0, 0, @now)",
            cancellationToken, ("payload", payload), ("now", Ms(now)));

    public async Task<QueuedItem?> DequeueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            UPDATE incoming_queue SET visible_at = @lease, attempts = attempts + 1
            WHERE id = (SELECT id FROM incoming_queue WHERE poisoned = 0 AND visible_at <= @now ORDER BY visible_at, id LIMIT 1{_skipLocked})
            RETURNING id, payload, attempts
            """, ("now", Ms(now)), ("lease", Ms(now + lease)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new QueuedItem(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2))
            : null;
    }

    public Task DeleteAsync(long id, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM incoming_queue WHERE id = @id", cancellationToken, ("id", id));

    public Task FailAsync(long id, DateTimeOffset retryAt, bool poison, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE incoming_queue SET visible_at = @at, poisoned = @poison WHERE id = @id",
            cancellationToken, ("id", id), ("at", Ms(retryAt)), ("poison", poison ? 1 : 0));

    public async Task<int> CountAsync(bool poisoned, CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT COUNT(*) FROM incoming_queue WHERE poisoned = @poison", ("poison", poisoned ? 1 : 0));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<IReadOnlyList<AwaitingAnswer>> QueryAwaitingAsync(string where, IReadOnlyCollection<string>? mailboxes, string tail, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var filter = new List<(string, object?)>(parameters);
        var mailboxClause = "";
        if (mailboxes is not null)
        {
            // One parameter per mailbox (a handful): IN (…) reads the same in both dialects.
            var names = mailboxes.Select((m, i) => (Name: "m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Value: (object?)m)).ToList();
            filter.AddRange(names);
            mailboxClause = names.Count == 0 ? " AND 1 = 0" : $" AND mailbox IN ({string.Join(", ", names.Select(n => "@" + n.Name))})";
        }

        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            SELECT message_id, mailbox, conversation_id, patient_id, sender_class, urgent, received_at, due_at, answered_at
            FROM incoming_awaiting WHERE {where}{mailboxClause} {tail}
            """, [.. filter]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<AwaitingAnswer>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new AwaitingAnswer
            {
                MessageId = reader.GetString(0),
                Mailbox = reader.GetString(1),
                ConversationId = reader.GetString(2),
                PatientId = await reader.IsDBNullAsync(3, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(3),
                Sender = SenderOf(reader.GetString(4)),
                Urgent = reader.GetInt32(5) != 0,
                ReceivedAt = At(reader.GetInt64(6)),
                DueAt = At(reader.GetInt64(7)),
                AnsweredAt = await reader.IsDBNullAsync(8, cancellationToken).ConfigureAwait(false) ? null : At(reader.GetInt64(8)),
            });
        }

        return rows;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // The SQL is this class's constants; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

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
