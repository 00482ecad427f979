using System.Text.Json;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Secure;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>Secure messages on PostgreSQL (schema: Migrations/0003_secure_messages.sql), with the
/// semantics of <see cref="Sqlite.SqliteSecureMessageStore"/>. SQLite's single writer made its
/// read-modify-write statements safe; here several Function App instances write at once, so every
/// counter change is one <c>UPDATE … RETURNING</c> (the row lock it takes queues a concurrent
/// request, which then sees the new count), and closing re-checks <c>status = 'active'</c> under that
/// lock so only one of two concurrent closes shreds.</summary>
public sealed class PostgresSecureMessageStore(PostgresDatabase database) : ISecureMessageStore
{
    private const string MessageColumns = "id, owner_tid, owner_oid, check_id, created_at, expires_at, status, closed_at, shredded_at, recipients, notify_to";
    private const string AccessColumns = "id, message_id, address, patient_ids, language, opened_at, open_count, failed_attempts, locked_at, code_hash, code_salt, code_expires_at, codes_sent";

    public async Task CreateAsync(SecureMessage message, SealedEnvelope envelope, IReadOnlyList<SecureAccess> accesses, IReadOnlyList<byte[]> tokenHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(accesses);
        ArgumentNullException.ThrowIfNull(tokenHashes);
        if (accesses.Count != tokenHashes.Count)
        {
            throw new ArgumentException("One token hash per access record.", nameof(tokenHashes));
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            $"INSERT INTO secure_messages ({MessageColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8, $9)",
            cancellationToken,
            message.Id, message.OwnerTenantId, message.OwnerObjectId, message.CheckId, Utc(message.CreatedAt), Utc(message.ExpiresAt),
            StatusText(message.Status), JsonSerializer.Serialize(message.Recipients), message.NotifyAddress).ConfigureAwait(false);
        await InsertEnvelopeAsync(connection, transaction, message.Id, message.Id, "message", envelope, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < accesses.Count; i++)
        {
            var access = accesses[i];
            await ExecuteAsync(connection, transaction,
                "INSERT INTO secure_access (id, message_id, token_hash, address, patient_ids, language) VALUES ($1, $2, $3, $4, $5, $6)",
                cancellationToken,
                access.Id, message.Id, tokenHashes[i], access.Address, JsonSerializer.Serialize(access.PatientIds), access.Language).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SecureMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {MessageColumns} FROM secure_messages WHERE id = $1", ReadMessage, cancellationToken, messageId).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<SecureAccess>> GetAccessesAsync(string messageId, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {AccessColumns} FROM secure_access WHERE message_id = $1 ORDER BY id COLLATE \"C\"", ReadAccess, cancellationToken, messageId);

    public async Task<SecureAccess?> GetAccessAsync(string accessId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {AccessColumns} FROM secure_access WHERE id = $1", ReadAccess, cancellationToken, accessId).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<SecureAccess?> FindAccessByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {AccessColumns} FROM secure_access WHERE token_hash = $1", ReadAccess, cancellationToken, tokenHash).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<SealedEnvelope?> GetEnvelopeAsync(string envelopeId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            "SELECT e.ciphertext, k.record FROM secure_envelopes e JOIN secure_keys k ON k.envelope_id = e.id WHERE e.id = $1 AND e.ciphertext IS NOT NULL",
            r => new SealedEnvelope { Ciphertext = r.GetFieldValue<byte[]>(0), Key = WrappedDataKey.FromJson(r.GetString(1)) },
            cancellationToken, envelopeId).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task SaveCodeAsync(string accessId, byte[] codeHash, byte[] salt, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE secure_access SET code_hash = $1, code_salt = $2, code_expires_at = $3, codes_sent = codes_sent + 1 WHERE id = $4",
            cancellationToken, codeHash, salt, Utc(expiresAt), accessId);

    public async Task<CodeAttempt?> BeginCodeAttemptAsync(string accessId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // One statement: concurrent attempts queue on the row lock and PostgreSQL re-checks the WHERE
        // clause against the row each one finally updates, so no more than maxAttempts ever pass.
        var rows = await QueryAsync(
            """
            UPDATE secure_access
               SET failed_attempts = failed_attempts + 1
             WHERE id = $3 AND locked_at IS NULL AND failed_attempts < $1
               AND code_hash IS NOT NULL AND code_salt IS NOT NULL AND code_expires_at > $2
            RETURNING failed_attempts, code_hash, code_salt
            """,
            r => new CodeAttempt(r.GetInt32(0), r.GetFieldValue<byte[]>(1), r.GetFieldValue<byte[]>(2)),
            cancellationToken, maxAttempts, Utc(now), accessId).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<bool> ConsumeCodeAsync(string accessId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            """
            UPDATE secure_access
               SET failed_attempts = 0, code_hash = NULL, code_salt = NULL, code_expires_at = NULL,
                   opened_at = COALESCE(opened_at, $1), open_count = open_count + 1
             WHERE id = $2 AND code_hash = $3 AND locked_at IS NULL
            """,
            cancellationToken, Utc(now), accessId, codeHash).ConfigureAwait(false) == 1;

    public async Task<bool> LockIfExhaustedAsync(string accessId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE secure_access SET locked_at = $1, code_hash = NULL WHERE id = $2 AND locked_at IS NULL AND failed_attempts >= $3",
            cancellationToken, Utc(now), accessId, maxAttempts).ConfigureAwait(false) == 1;

    public async Task CreateSessionAsync(byte[] sessionHash, string accessId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Expired sessions are removed as new ones are made: the table stays small without a job.
        await ExecuteAsync(connection, transaction, "DELETE FROM secure_sessions WHERE expires_at < $1", cancellationToken,
            Utc(expiresAt.AddDays(-1))).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "INSERT INTO secure_sessions (id_hash, access_id, expires_at) VALUES ($1, $2, $3)",
            cancellationToken, sessionHash, accessId, Utc(expiresAt)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> FindSessionAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SELECT access_id FROM secure_sessions WHERE id_hash = $1 AND expires_at > $2",
            r => r.GetString(0), cancellationToken, sessionHash, Utc(now)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task AddReplyAsync(SecureReply reply, SealedEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(envelope);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await InsertEnvelopeAsync(connection, transaction, reply.Id, reply.MessageId, "reply", envelope, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "INSERT INTO secure_replies (id, message_id, access_id, created_at) VALUES ($1, $2, $3, $4)",
            cancellationToken, reply.Id, reply.MessageId, reply.AccessId, Utc(reply.CreatedAt)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<SecureReply>> GetRepliesAsync(string messageId, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT id, message_id, access_id, created_at FROM secure_replies WHERE message_id = $1 ORDER BY id",
            r => new SecureReply { Id = r.GetString(0), MessageId = r.GetString(1), AccessId = r.GetString(2), CreatedAt = ReadTime(r, 3) },
            cancellationToken, messageId);

    public async Task<bool> UpdateExpiryAsync(string messageId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("UPDATE secure_messages SET expires_at = $1 WHERE id = $2 AND status = 'active'",
            cancellationToken, Utc(expiresAt), messageId).ConfigureAwait(false) == 1;

    public async Task<int?> CloseAndShredAsync(string messageId, SecureMessageStatus status, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (status == SecureMessageStatus.Active)
        {
            throw new ArgumentOutOfRangeException(nameof(status), "Closing means revoked or expired.");
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // A concurrent close (revoke racing the purge) waits on this row's lock, then re-reads
        // status and updates nothing: exactly one caller shreds and audits.
        var closed = await ExecuteAsync(connection, transaction,
            "UPDATE secure_messages SET status = $1, closed_at = $2, shredded_at = $2 WHERE id = $3 AND status = 'active'",
            cancellationToken, StatusText(status), Utc(now), messageId).ConfigureAwait(false);
        if (closed == 0)
        {
            return null;
        }

        // The key rows first: once they are gone the content is unrecoverable, whatever happens to
        // copies of the ciphertext (backups). The ciphertexts are dropped too, for space.
        var keys = await ExecuteAsync(connection, transaction,
            "DELETE FROM secure_keys WHERE envelope_id IN (SELECT id FROM secure_envelopes WHERE message_id = $1)",
            cancellationToken, messageId).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "UPDATE secure_envelopes SET ciphertext = NULL WHERE message_id = $1", cancellationToken, messageId).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            "DELETE FROM secure_sessions WHERE access_id IN (SELECT id FROM secure_access WHERE message_id = $1)", cancellationToken, messageId).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            "UPDATE secure_access SET code_hash = NULL, code_salt = NULL, code_expires_at = NULL WHERE message_id = $1", cancellationToken, messageId).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return keys;
    }

    public Task<IReadOnlyList<string>> FindExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT id FROM secure_messages WHERE status = 'active' AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
            r => r.GetString(0), cancellationToken, Utc(now), limit);

    public Task<IReadOnlyList<StoredKey>> ReadKeysNotUnderAsync(string currentKeyId, string? afterEnvelopeId, int limit, CancellationToken cancellationToken = default) =>
        // envelope_id is COLLATE "C": byte order, as in SQLite, so the paging cursor is stable.
        QueryAsync("SELECT envelope_id, record FROM secure_keys WHERE kek_id <> $1 AND envelope_id > $2 ORDER BY envelope_id LIMIT $3",
            r => new StoredKey(r.GetString(0), WrappedDataKey.FromJson(r.GetString(1))),
            cancellationToken, currentKeyId, afterEnvelopeId ?? "", limit);

    public async Task ReplaceKeysAsync(IReadOnlyList<StoredKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        // One set-based update (one statement, hence one transaction): a row shredded meanwhile is
        // not matched and stays deleted.
        await ExecuteAsync(
            """
            UPDATE secure_keys AS k SET kek_id = v.kek_id, record = v.record
              FROM unnest($1::text[], $2::text[], $3::text[]) AS v (envelope_id, kek_id, record)
             WHERE k.envelope_id = v.envelope_id
            """,
            cancellationToken,
            keys.Select(k => k.EnvelopeId).ToArray(),
            keys.Select(k => k.Key.WrappedKey.KeyId).ToArray(),
            keys.Select(k => k.Key.ToJson()).ToArray()).ConfigureAwait(false);
    }

    public async Task<long> CountKeysNotUnderAsync(string currentKeyId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SELECT COUNT(*) FROM secure_keys WHERE kek_id <> $1", r => r.GetInt64(0), cancellationToken, currentKeyId).ConfigureAwait(false);
        return rows[0];
    }

    private static async Task InsertEnvelopeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string envelopeId, string messageId, string kind, SealedEnvelope envelope, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "INSERT INTO secure_envelopes (id, message_id, kind, ciphertext, bytes) VALUES ($1, $2, $3, $4, $5)",
            cancellationToken, envelopeId, messageId, kind, envelope.Ciphertext, envelope.Ciphertext.Length).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "INSERT INTO secure_keys (envelope_id, kek_id, record) VALUES ($1, $2, $3)",
            cancellationToken, envelopeId, envelope.Key.WrappedKey.KeyId, envelope.Key.ToJson()).ConfigureAwait(false);
    }

    private static SecureMessage ReadMessage(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        OwnerTenantId = r.GetString(1),
        OwnerObjectId = r.GetString(2),
        CheckId = r.GetString(3),
        CreatedAt = ReadTime(r, 4),
        ExpiresAt = ReadTime(r, 5),
        Status = r.GetString(6) switch
        {
            "active" => SecureMessageStatus.Active,
            "revoked" => SecureMessageStatus.Revoked,
            _ => SecureMessageStatus.Expired,
        },
        ClosedAt = r.IsDBNull(7) ? null : ReadTime(r, 7),
        ShreddedAt = r.IsDBNull(8) ? null : ReadTime(r, 8),
        Recipients = JsonSerializer.Deserialize<List<string>>(r.GetString(9)) ?? [],
        NotifyAddress = r.IsDBNull(10) ? null : r.GetString(10),
    };

    private static SecureAccess ReadAccess(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        MessageId = r.GetString(1),
        Address = r.GetString(2),
        PatientIds = JsonSerializer.Deserialize<List<string>>(r.GetString(3)) ?? [],
        Language = r.GetString(4),
        OpenedAt = r.IsDBNull(5) ? null : ReadTime(r, 5),
        OpenCount = r.GetInt32(6),
        FailedAttempts = r.GetInt32(7),
        LockedAt = r.IsDBNull(8) ? null : ReadTime(r, 8),
        CodeHash = r.IsDBNull(9) ? null : r.GetFieldValue<byte[]>(9),
        CodeSalt = r.IsDBNull(10) ? null : r.GetFieldValue<byte[]>(10),
        CodeExpiresAt = r.IsDBNull(11) ? null : ReadTime(r, 11),
        CodesSent = r.GetInt32(12),
    };

    private static string StatusText(SecureMessageStatus status) => status switch
    {
        SecureMessageStatus.Active => "active",
        SecureMessageStatus.Revoked => "revoked",
        SecureMessageStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Npgsql writes timestamptz only from UTC values. Truncated to the millisecond, as
    /// SQLite's text stores it, so both providers hand back the same instants.</summary>
    private static DateTimeOffset Utc(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMillisecond));
    }

    private static DateTimeOffset ReadTime(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, sql, cancellationToken, values).ConfigureAwait(false);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = Command(connection, transaction, sql, values);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object?[] values)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, values);
        var results = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            results.Add(read(reader));
        }

        return results;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, object?[] values)
    {
#pragma warning disable CA2100 // Constant SQL from this file; values are bound as parameters.
        var command = new NpgsqlCommand(sql, connection, transaction);
#pragma warning restore CA2100
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }
}
