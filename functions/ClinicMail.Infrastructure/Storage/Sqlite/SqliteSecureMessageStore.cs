using System.Globalization;
using System.Text.Json;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Secure;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>Secure messages in SQLite (schema: Migrations/0003_secure_messages.sql). Every multi-row
/// change is one transaction; counters are updated with SQL arithmetic so two concurrent requests
/// cannot both read "4 attempts" and skip the lock.</summary>
public sealed class SqliteSecureMessageStore(SqliteDatabase database) : ISecureMessageStore
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
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            $"INSERT INTO secure_messages ({MessageColumns}) VALUES ($id, $tid, $oid, $check, $created, $expires, $status, NULL, NULL, $recipients, $notify)",
            cancellationToken,
            ("$id", message.Id), ("$tid", message.OwnerTenantId), ("$oid", message.OwnerObjectId), ("$check", message.CheckId),
            ("$created", Format(message.CreatedAt)), ("$expires", Format(message.ExpiresAt)), ("$status", StatusText(message.Status)),
            ("$recipients", JsonSerializer.Serialize(message.Recipients)), ("$notify", (object?)message.NotifyAddress ?? DBNull.Value)).ConfigureAwait(false);
        await InsertEnvelopeAsync(connection, transaction, message.Id, message.Id, "message", envelope, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < accesses.Count; i++)
        {
            var access = accesses[i];
            await ExecuteAsync(connection, transaction,
                "INSERT INTO secure_access (id, message_id, token_hash, address, patient_ids, language) VALUES ($id, $message, $token, $address, $patients, $language)",
                cancellationToken,
                ("$id", access.Id), ("$message", message.Id), ("$token", tokenHashes[i]), ("$address", access.Address),
                ("$patients", JsonSerializer.Serialize(access.PatientIds)), ("$language", access.Language)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SecureMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {MessageColumns} FROM secure_messages WHERE id = $id", ReadMessage, cancellationToken, ("$id", messageId)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<SecureAccess>> GetAccessesAsync(string messageId, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {AccessColumns} FROM secure_access WHERE message_id = $id ORDER BY id", ReadAccess, cancellationToken, ("$id", messageId));

    public async Task<SecureAccess?> GetAccessAsync(string accessId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {AccessColumns} FROM secure_access WHERE id = $id", ReadAccess, cancellationToken, ("$id", accessId)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<SecureAccess?> FindAccessByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {AccessColumns} FROM secure_access WHERE token_hash = $hash", ReadAccess, cancellationToken, ("$hash", tokenHash)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<SealedEnvelope?> GetEnvelopeAsync(string envelopeId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            "SELECT e.ciphertext, k.record FROM secure_envelopes e JOIN secure_keys k ON k.envelope_id = e.id WHERE e.id = $id AND e.ciphertext IS NOT NULL",
            r => new SealedEnvelope { Ciphertext = (byte[])r.GetValue(0), Key = WrappedDataKey.FromJson(r.GetString(1)) },
            cancellationToken, ("$id", envelopeId)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task SaveCodeAsync(string accessId, byte[] codeHash, byte[] salt, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE secure_access SET code_hash = $hash, code_salt = $salt, code_expires_at = $expires, codes_sent = codes_sent + 1 WHERE id = $id",
            cancellationToken, ("$hash", codeHash), ("$salt", salt), ("$expires", Format(expiresAt)), ("$id", accessId));

    public async Task<CodeAttempt?> BeginCodeAttemptAsync(string accessId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // One statement: SQLite runs writers one at a time, so the WHERE clause sees every earlier attempt.
        var rows = await QueryAsync(
            """
            UPDATE secure_access
               SET failed_attempts = failed_attempts + 1
             WHERE id = $id AND locked_at IS NULL AND failed_attempts < $max
               AND code_hash IS NOT NULL AND code_salt IS NOT NULL AND code_expires_at > $now
            RETURNING failed_attempts, code_hash, code_salt
            """,
            r => new CodeAttempt(r.GetInt32(0), (byte[])r.GetValue(1), (byte[])r.GetValue(2)),
            cancellationToken, ("$max", maxAttempts), ("$now", Format(now)), ("$id", accessId)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<bool> ConsumeCodeAsync(string accessId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            """
            UPDATE secure_access
               SET failed_attempts = 0, code_hash = NULL, code_salt = NULL, code_expires_at = NULL,
                   opened_at = COALESCE(opened_at, $now), open_count = open_count + 1
             WHERE id = $id AND code_hash = $hash AND locked_at IS NULL
            """,
            cancellationToken, ("$now", Format(now)), ("$id", accessId), ("$hash", codeHash)).ConfigureAwait(false) == 1;

    public async Task<bool> LockIfExhaustedAsync(string accessId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE secure_access SET locked_at = $now, code_hash = NULL WHERE id = $id AND locked_at IS NULL AND failed_attempts >= $max",
            cancellationToken, ("$now", Format(now)), ("$id", accessId), ("$max", maxAttempts)).ConfigureAwait(false) == 1;

    public async Task CreateSessionAsync(byte[] sessionHash, string accessId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Expired sessions are removed as new ones are made: the table stays small without a job.
        await ExecuteAsync(connection, transaction, "DELETE FROM secure_sessions WHERE expires_at < $now", cancellationToken,
            ("$now", Format(expiresAt.AddDays(-1)))).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "INSERT INTO secure_sessions (id_hash, access_id, expires_at) VALUES ($hash, $access, $expires)",
            cancellationToken, ("$hash", sessionHash), ("$access", accessId), ("$expires", Format(expiresAt))).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> FindSessionAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SELECT access_id FROM secure_sessions WHERE id_hash = $hash AND expires_at > $now",
            r => r.GetString(0), cancellationToken, ("$hash", sessionHash), ("$now", Format(now))).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task AddReplyAsync(SecureReply reply, SealedEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(envelope);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await InsertEnvelopeAsync(connection, transaction, reply.Id, reply.MessageId, "reply", envelope, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "INSERT INTO secure_replies (id, message_id, access_id, created_at) VALUES ($id, $message, $access, $at)",
            cancellationToken, ("$id", reply.Id), ("$message", reply.MessageId), ("$access", reply.AccessId), ("$at", Format(reply.CreatedAt))).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<SecureReply>> GetRepliesAsync(string messageId, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT id, message_id, access_id, created_at FROM secure_replies WHERE message_id = $id ORDER BY id",
            r => new SecureReply { Id = r.GetString(0), MessageId = r.GetString(1), AccessId = r.GetString(2), CreatedAt = Parse(r.GetString(3)) },
            cancellationToken, ("$id", messageId));

    public async Task<bool> UpdateExpiryAsync(string messageId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("UPDATE secure_messages SET expires_at = $expires WHERE id = $id AND status = 'active'",
            cancellationToken, ("$expires", Format(expiresAt)), ("$id", messageId)).ConfigureAwait(false) == 1;

    public async Task<int?> CloseAndShredAsync(string messageId, SecureMessageStatus status, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (status == SecureMessageStatus.Active)
        {
            throw new ArgumentOutOfRangeException(nameof(status), "Closing means revoked or expired.");
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var closed = await ExecuteAsync(connection, transaction,
            "UPDATE secure_messages SET status = $status, closed_at = $now, shredded_at = $now WHERE id = $id AND status = 'active'",
            cancellationToken, ("$status", StatusText(status)), ("$now", Format(now)), ("$id", messageId)).ConfigureAwait(false);
        if (closed == 0)
        {
            return null;
        }

        // The key rows first: once they are gone the content is unrecoverable, whatever happens to
        // copies of the ciphertext (backups). The ciphertexts are dropped too, for space.
        var keys = await ExecuteAsync(connection, transaction,
            "DELETE FROM secure_keys WHERE envelope_id IN (SELECT id FROM secure_envelopes WHERE message_id = $id)",
            cancellationToken, ("$id", messageId)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "UPDATE secure_envelopes SET ciphertext = NULL WHERE message_id = $id", cancellationToken, ("$id", messageId)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            "DELETE FROM secure_sessions WHERE access_id IN (SELECT id FROM secure_access WHERE message_id = $id)", cancellationToken, ("$id", messageId)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            "UPDATE secure_access SET code_hash = NULL, code_salt = NULL, code_expires_at = NULL WHERE message_id = $id", cancellationToken, ("$id", messageId)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return keys;
    }

    public Task<IReadOnlyList<string>> FindExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT id FROM secure_messages WHERE status = 'active' AND expires_at <= $now ORDER BY expires_at LIMIT $limit",
            r => r.GetString(0), cancellationToken, ("$now", Format(now)), ("$limit", limit));

    public Task<IReadOnlyList<StoredKey>> ReadKeysNotUnderAsync(string currentKeyId, string? afterEnvelopeId, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT envelope_id, record FROM secure_keys WHERE kek_id <> $kek AND envelope_id > $after ORDER BY envelope_id LIMIT $limit",
            r => new StoredKey(r.GetString(0), WrappedDataKey.FromJson(r.GetString(1))),
            cancellationToken, ("$kek", currentKeyId), ("$after", afterEnvelopeId ?? ""), ("$limit", limit));

    public async Task ReplaceKeysAsync(IReadOnlyList<StoredKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE secure_keys SET kek_id = $kek, record = $record WHERE envelope_id = $id";
        var kek = command.Parameters.Add("$kek", SqliteType.Text);
        var record = command.Parameters.Add("$record", SqliteType.Text);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        foreach (var key in keys)
        {
            kek.Value = key.Key.WrappedKey.KeyId;
            record.Value = key.Key.ToJson();
            id.Value = key.EnvelopeId;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> CountKeysNotUnderAsync(string currentKeyId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SELECT COUNT(*) FROM secure_keys WHERE kek_id <> $kek", r => r.GetInt64(0), cancellationToken, ("$kek", currentKeyId)).ConfigureAwait(false);
        return rows[0];
    }

    private static async Task InsertEnvelopeAsync(SqliteConnection connection, SqliteTransaction transaction, string envelopeId, string messageId, string kind, SealedEnvelope envelope, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "INSERT INTO secure_envelopes (id, message_id, kind, ciphertext, bytes) VALUES ($id, $message, $kind, $ciphertext, $bytes)",
            cancellationToken, ("$id", envelopeId), ("$message", messageId), ("$kind", kind), ("$ciphertext", envelope.Ciphertext), ("$bytes", envelope.Ciphertext.Length)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "INSERT INTO secure_keys (envelope_id, kek_id, record) VALUES ($id, $kek, $record)",
            cancellationToken, ("$id", envelopeId), ("$kek", envelope.Key.WrappedKey.KeyId), ("$record", envelope.Key.ToJson())).ConfigureAwait(false);
    }

    private static SecureMessage ReadMessage(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        OwnerTenantId = r.GetString(1),
        OwnerObjectId = r.GetString(2),
        CheckId = r.GetString(3),
        CreatedAt = Parse(r.GetString(4)),
        ExpiresAt = Parse(r.GetString(5)),
        Status = r.GetString(6) switch
        {
            "active" => SecureMessageStatus.Active,
            "revoked" => SecureMessageStatus.Revoked,
            _ => SecureMessageStatus.Expired,
        },
        ClosedAt = r.IsDBNull(7) ? null : Parse(r.GetString(7)),
        ShreddedAt = r.IsDBNull(8) ? null : Parse(r.GetString(8)),
        Recipients = JsonSerializer.Deserialize<List<string>>(r.GetString(9)) ?? [],
        NotifyAddress = r.IsDBNull(10) ? null : r.GetString(10),
    };

    private static SecureAccess ReadAccess(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        MessageId = r.GetString(1),
        Address = r.GetString(2),
        PatientIds = JsonSerializer.Deserialize<List<string>>(r.GetString(3)) ?? [],
        Language = r.GetString(4),
        OpenedAt = r.IsDBNull(5) ? null : Parse(r.GetString(5)),
        OpenCount = r.GetInt32(6),
        FailedAttempts = r.GetInt32(7),
        LockedAt = r.IsDBNull(8) ? null : Parse(r.GetString(8)),
        CodeHash = r.IsDBNull(9) ? null : (byte[])r.GetValue(9),
        CodeSalt = r.IsDBNull(10) ? null : (byte[])r.GetValue(10),
        CodeExpiresAt = r.IsDBNull(11) ? null : Parse(r.GetString(11)),
        CodesSent = r.GetInt32(12),
    };

    private static string StatusText(SecureMessageStatus status) => status switch
    {
        SecureMessageStatus.Active => "active",
        SecureMessageStatus.Revoked => "revoked",
        SecureMessageStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Fixed-width UTC text, so SQL string comparison is time comparison.</summary>
    internal static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, sql, cancellationToken, parameters).ConfigureAwait(false);
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Constant SQL from this file; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant SQL from this file; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var results = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            results.Add(read(reader));
        }

        return results;
    }
}
