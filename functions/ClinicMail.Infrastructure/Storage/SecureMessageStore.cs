using System.Data.Common;
using System.Text.Json;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>Secure messages (schema: Migrations/0003_secure_messages.sql of each provider), one
/// implementation for SQLite and PostgreSQL. Every multi-row change is one transaction; every
/// counter change is one <c>UPDATE … RETURNING</c> or one conditional <c>UPDATE</c>, so two
/// concurrent requests cannot both read "4 attempts" and skip the lock: SQLite runs writers one at
/// a time, and on PostgreSQL (several instances) the row lock queues the second request, which then
/// re-checks the WHERE clause against the new row. Closing re-checks <c>status = 'active'</c> the
/// same way, so only one of two concurrent closes shreds.</summary>
/// <remarks>Patients' addresses (an access's address, a message's recipients) are never written in
/// clear (issue 22 item 10, migration 0013): a keyed look-up hash and the address sealed by
/// <paramref name="addresses"/>. Without a protector the store still serves keys, codes and the purge
/// (the CLI's rewrap) but refuses to write or read an address: it fails closed, never in clear.</remarks>
/// <param name="database">The provider's database.</param>
/// <param name="addresses">Hashes and seals the addresses; null: address reads and writes are refused.</param>
public sealed class SecureMessageStore(IStorageDatabase database, PatientAddressProtector? addresses = null) : ISecureMessageStore
{
    private const string MessageColumns = "id, owner_tid, owner_oid, check_id, created_at, expires_at, status, closed_at, shredded_at, recipients, notify_to, recipients_sealed";
    private const string AccessColumns = "id, message_id, address, patient_ids, language, opened_at, open_count, failed_attempts, locked_at, code_hash, code_salt, code_expires_at, codes_sent, address_sealed";

    private readonly SqlDialect _dialect = database.Dialect;

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

        // Sealed before the transaction: the first seal of a process may call the key-encryption key.
        var protector = Protector();
        var recipients = await protector.SealAsync(JsonSerializer.Serialize(message.Recipients), RecipientsContext(message.Id), cancellationToken).ConfigureAwait(false);
        var sealedAddresses = new byte[accesses.Count][];
        for (var i = 0; i < accesses.Count; i++)
        {
            sealedAddresses[i] = await protector.SealAsync(accesses[i].Address, AccessContext(accesses[i].Id), cancellationToken).ConfigureAwait(false);
        }

        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(transaction, _dialect,
                $"INSERT INTO secure_messages ({MessageColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, '[]', $8, $9)",
                cancellationToken,
                message.Id, message.OwnerTenantId, message.OwnerObjectId, message.CheckId, Instant(message.CreatedAt), Instant(message.ExpiresAt),
                StatusText(message.Status), message.NotifyAddress, recipients).ConfigureAwait(false);
            await InsertEnvelopeAsync(connection, transaction, message.Id, message.Id, "message", envelope, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < accesses.Count; i++)
            {
                var access = accesses[i];
                await connection.ExecuteAsync(transaction, _dialect,
                    "INSERT INTO secure_access (id, message_id, token_hash, address, patient_ids, language, address_hash, address_sealed) VALUES ($1, $2, $3, '', $4, $5, $6, $7)",
                    cancellationToken,
                    access.Id, message.Id, tokenHashes[i], JsonSerializer.Serialize(access.PatientIds), access.Language,
                    protector.LookupHash(access.Address), sealedAddresses[i]).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SecureMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync($"SELECT {MessageColumns} FROM secure_messages WHERE id = $1", ReadMessage, cancellationToken, messageId).ConfigureAwait(false);
        return rows.Count == 0 ? null : await OpenAsync(rows[0], cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SecureAccess>> GetAccessesAsync(string messageId, CancellationToken cancellationToken = default) =>
        await OpenAllAsync(await database.QueryAsync($"SELECT {AccessColumns} FROM secure_access WHERE message_id = $1 ORDER BY {_dialect.ByteOrder("id")}", ReadAccess, cancellationToken, messageId).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async Task<SecureAccess?> GetAccessAsync(string accessId, CancellationToken cancellationToken = default) =>
        FirstOrNull(await OpenAllAsync(await database.QueryAsync($"SELECT {AccessColumns} FROM secure_access WHERE id = $1", ReadAccess, cancellationToken, accessId).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));

    public async Task<SecureAccess?> FindAccessByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken = default) =>
        FirstOrNull(await OpenAllAsync(await database.QueryAsync($"SELECT {AccessColumns} FROM secure_access WHERE token_hash = $1", ReadAccess, cancellationToken, tokenHash).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));

    /// <summary>The context a sealed access address is bound to (its row).</summary>
    public static string AccessContext(string accessId) => "secure_access.address:" + accessId;

    /// <summary>The context a message's sealed recipient list is bound to (its row).</summary>
    public static string RecipientsContext(string messageId) => "secure_messages.recipients:" + messageId;

    public async Task<SealedEnvelope?> GetEnvelopeAsync(string envelopeId, CancellationToken cancellationToken = default) =>
        FirstOrNull(await database.QueryAsync(
            "SELECT e.ciphertext, k.record FROM secure_envelopes e JOIN secure_keys k ON k.envelope_id = e.id WHERE e.id = $1 AND e.ciphertext IS NOT NULL",
            r => new SealedEnvelope { Ciphertext = r.GetFieldValue<byte[]>(0), Key = WrappedDataKey.FromJson(r.GetString(1)) },
            cancellationToken, envelopeId).ConfigureAwait(false));

    public Task SaveCodeAsync(string accessId, byte[] codeHash, byte[] salt, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE secure_access SET code_hash = $1, code_salt = $2, code_expires_at = $3, codes_sent = codes_sent + 1 WHERE id = $4",
            cancellationToken, codeHash, salt, Instant(expiresAt), accessId);

    public async Task<CodeAttempt?> BeginCodeAttemptAsync(string accessId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        // One statement: SQLite runs writers one at a time; on PostgreSQL concurrent attempts queue on
        // the row lock and the WHERE clause is re-checked against the row each one finally updates.
        // Either way no more than maxAttempts ever pass.
        FirstOrNull(await database.QueryAsync(
            """
            UPDATE secure_access
               SET failed_attempts = failed_attempts + 1
             WHERE id = $3 AND locked_at IS NULL AND failed_attempts < $1
               AND code_hash IS NOT NULL AND code_salt IS NOT NULL AND code_expires_at > $2
            RETURNING failed_attempts, code_hash, code_salt
            """,
            r => new CodeAttempt(r.GetInt32(0), r.GetFieldValue<byte[]>(1), r.GetFieldValue<byte[]>(2)),
            cancellationToken, maxAttempts, Instant(now), accessId).ConfigureAwait(false));

    public async Task<bool> ConsumeCodeAsync(string accessId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            """
            UPDATE secure_access
               SET failed_attempts = 0, code_hash = NULL, code_salt = NULL, code_expires_at = NULL,
                   opened_at = COALESCE(opened_at, $1), open_count = open_count + 1
             WHERE id = $2 AND code_hash = $3 AND locked_at IS NULL
            """,
            cancellationToken, Instant(now), accessId, codeHash).ConfigureAwait(false) == 1;

    public async Task<bool> LockIfExhaustedAsync(string accessId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            "UPDATE secure_access SET locked_at = $1, code_hash = NULL WHERE id = $2 AND locked_at IS NULL AND failed_attempts >= $3",
            cancellationToken, Instant(now), accessId, maxAttempts).ConfigureAwait(false) == 1;

    public Task CreateSessionAsync(byte[] sessionHash, string accessId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            // Expired sessions are removed as new ones are made: the table stays small without a job.
            await connection.ExecuteAsync(transaction, _dialect, "DELETE FROM secure_sessions WHERE expires_at < $1", cancellationToken,
                Instant(expiresAt.AddDays(-1))).ConfigureAwait(false);
            return await connection.ExecuteAsync(transaction, _dialect, "INSERT INTO secure_sessions (id_hash, access_id, expires_at) VALUES ($1, $2, $3)",
                cancellationToken, sessionHash, accessId, Instant(expiresAt)).ConfigureAwait(false);
        }, cancellationToken);

    public async Task<string?> FindSessionAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        FirstOrNull(await database.QueryAsync("SELECT access_id FROM secure_sessions WHERE id_hash = $1 AND expires_at > $2",
            r => r.GetString(0), cancellationToken, sessionHash, Instant(now)).ConfigureAwait(false));

    public Task AddReplyAsync(SecureReply reply, SealedEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(envelope);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await InsertEnvelopeAsync(connection, transaction, reply.Id, reply.MessageId, "reply", envelope, cancellationToken).ConfigureAwait(false);
            return await connection.ExecuteAsync(transaction, _dialect, "INSERT INTO secure_replies (id, message_id, access_id, created_at) VALUES ($1, $2, $3, $4)",
                cancellationToken, reply.Id, reply.MessageId, reply.AccessId, Instant(reply.CreatedAt)).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<SecureReply>> GetRepliesAsync(string messageId, CancellationToken cancellationToken = default) =>
        await database.QueryAsync("SELECT id, message_id, access_id, created_at FROM secure_replies WHERE message_id = $1 ORDER BY id",
            r => new SecureReply { Id = r.GetString(0), MessageId = r.GetString(1), AccessId = r.GetString(2), CreatedAt = _dialect.ReadInstant(r, 3) },
            cancellationToken, messageId).ConfigureAwait(false);

    public async Task<bool> UpdateExpiryAsync(string messageId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("UPDATE secure_messages SET expires_at = $1 WHERE id = $2 AND status = 'active'",
            cancellationToken, Instant(expiresAt), messageId).ConfigureAwait(false) == 1;

    public Task<int?> CloseAndShredAsync(string messageId, SecureMessageStatus status, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (status == SecureMessageStatus.Active)
        {
            throw new ArgumentOutOfRangeException(nameof(status), "Closing means revoked or expired.");
        }

        return database.InTransactionAsync<int?>(async (connection, transaction) =>
        {
            // A concurrent close (revoke racing the purge) waits on this row's lock (SQLite: on the
            // write lock), then re-reads status and updates nothing: exactly one caller shreds and audits.
            var closed = await connection.ExecuteAsync(transaction, _dialect,
                "UPDATE secure_messages SET status = $1, closed_at = $2, shredded_at = $2 WHERE id = $3 AND status = 'active'",
                cancellationToken, StatusText(status), Instant(now), messageId).ConfigureAwait(false);
            if (closed == 0)
            {
                return null;
            }

            // The key rows first: once they are gone the content is unrecoverable, whatever happens to
            // copies of the ciphertext (backups). The ciphertexts are dropped too, for space.
            var keys = await connection.ExecuteAsync(transaction, _dialect,
                "DELETE FROM secure_keys WHERE envelope_id IN (SELECT id FROM secure_envelopes WHERE message_id = $1)",
                cancellationToken, messageId).ConfigureAwait(false);
            await connection.ExecuteAsync(transaction, _dialect, "UPDATE secure_envelopes SET ciphertext = NULL WHERE message_id = $1", cancellationToken, messageId).ConfigureAwait(false);
            await connection.ExecuteAsync(transaction, _dialect,
                "DELETE FROM secure_sessions WHERE access_id IN (SELECT id FROM secure_access WHERE message_id = $1)", cancellationToken, messageId).ConfigureAwait(false);
            await connection.ExecuteAsync(transaction, _dialect,
                "UPDATE secure_access SET code_hash = NULL, code_salt = NULL, code_expires_at = NULL WHERE message_id = $1", cancellationToken, messageId).ConfigureAwait(false);
            return keys;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> FindExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        await database.QueryAsync("SELECT id FROM secure_messages WHERE status = 'active' AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
            r => r.GetString(0), cancellationToken, Instant(now), limit).ConfigureAwait(false);

    public async Task<IReadOnlyList<StoredKey>> ReadKeysNotUnderAsync(string currentKeyId, string? afterEnvelopeId, int limit, CancellationToken cancellationToken = default) =>
        // Byte order on both (PostgreSQL's envelope_id is COLLATE "C"), so the paging cursor is stable.
        await database.QueryAsync("SELECT envelope_id, record FROM secure_keys WHERE kek_id <> $1 AND envelope_id > $2 ORDER BY envelope_id LIMIT $3",
            r => new StoredKey(r.GetString(0), WrappedDataKey.FromJson(r.GetString(1))),
            cancellationToken, currentKeyId, afterEnvelopeId ?? "", limit).ConfigureAwait(false);

    public async Task ReplaceKeysAsync(IReadOnlyList<StoredKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        // One transaction, one statement rebound per key (prepared once): a row shredded meanwhile is
        // not matched and stays deleted.
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await using var command = connection.Command(transaction, _dialect, "UPDATE secure_keys SET kek_id = $1, record = $2 WHERE envelope_id = $3", [null, null, null]);
            foreach (var key in keys)
            {
                command.Parameters[0].Value = key.Key.WrappedKey.KeyId;
                command.Parameters[1].Value = key.Key.ToJson();
                command.Parameters[2].Value = key.EnvelopeId;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return keys.Count;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> CountKeysNotUnderAsync(string currentKeyId, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("SELECT COUNT(*) FROM secure_keys WHERE kek_id <> $1", r => r.GetInt64(0), cancellationToken, currentKeyId).ConfigureAwait(false))[0];

    private async Task InsertEnvelopeAsync(DbConnection connection, DbTransaction transaction, string envelopeId, string messageId, string kind, SealedEnvelope envelope, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(transaction, _dialect, "INSERT INTO secure_envelopes (id, message_id, kind, ciphertext, bytes) VALUES ($1, $2, $3, $4, $5)",
            cancellationToken, envelopeId, messageId, kind, envelope.Ciphertext, envelope.Ciphertext.Length).ConfigureAwait(false);
        await connection.ExecuteAsync(transaction, _dialect, "INSERT INTO secure_keys (envelope_id, kek_id, record) VALUES ($1, $2, $3)",
            cancellationToken, envelopeId, envelope.Key.WrappedKey.KeyId, envelope.Key.ToJson()).ConfigureAwait(false);
    }

    private PatientAddressProtector Protector() => addresses
        ?? throw new InvalidOperationException("Patient addresses are only stored sealed: this secure-message store was built without the address protector.");

    /// <summary>A row written before migration 0013 (no sealed value) is read as it is until the startup
    /// step seals it; every other row is opened.</summary>
    private async Task<SecureMessage> OpenAsync(MessageRow row, CancellationToken cancellationToken)
    {
        if (row.Sealed is null)
        {
            return row.Message;
        }

        var json = await Protector().OpenAsync(row.Sealed, RecipientsContext(row.Message.Id), cancellationToken).ConfigureAwait(false);
        return row.Message with { Recipients = JsonSerializer.Deserialize<List<string>>(json) ?? [] };
    }

    private async Task<List<SecureAccess>> OpenAllAsync(List<AccessRow> rows, CancellationToken cancellationToken)
    {
        var opened = new List<SecureAccess>(rows.Count);
        foreach (var row in rows)
        {
            opened.Add(row.Sealed is null
                ? row.Access
                : row.Access with { Address = await Protector().OpenAsync(row.Sealed, AccessContext(row.Access.Id), cancellationToken).ConfigureAwait(false) });
        }

        return opened;
    }

    private sealed record MessageRow(SecureMessage Message, byte[]? Sealed);

    private sealed record AccessRow(SecureAccess Access, byte[]? Sealed);

    private MessageRow ReadMessage(DbDataReader r) => new(new()
    {
        Id = r.GetString(0),
        OwnerTenantId = r.GetString(1),
        OwnerObjectId = r.GetString(2),
        CheckId = r.GetString(3),
        CreatedAt = _dialect.ReadInstant(r, 4),
        ExpiresAt = _dialect.ReadInstant(r, 5),
        Status = r.GetString(6) switch
        {
            "active" => SecureMessageStatus.Active,
            "revoked" => SecureMessageStatus.Revoked,
            _ => SecureMessageStatus.Expired,
        },
        ClosedAt = r.IsDBNull(7) ? null : _dialect.ReadInstant(r, 7),
        ShreddedAt = r.IsDBNull(8) ? null : _dialect.ReadInstant(r, 8),
        Recipients = JsonSerializer.Deserialize<List<string>>(r.GetString(9)) ?? [],
        NotifyAddress = r.IsDBNull(10) ? null : r.GetString(10),
    }, r.IsDBNull(11) ? null : r.GetFieldValue<byte[]>(11));

    private AccessRow ReadAccess(DbDataReader r) => new(new()
    {
        Id = r.GetString(0),
        MessageId = r.GetString(1),
        Address = r.GetString(2),
        PatientIds = JsonSerializer.Deserialize<List<string>>(r.GetString(3)) ?? [],
        Language = r.GetString(4),
        OpenedAt = r.IsDBNull(5) ? null : _dialect.ReadInstant(r, 5),
        OpenCount = r.GetInt32(6),
        FailedAttempts = r.GetInt32(7),
        LockedAt = r.IsDBNull(8) ? null : _dialect.ReadInstant(r, 8),
        CodeHash = r.IsDBNull(9) ? null : r.GetFieldValue<byte[]>(9),
        CodeSalt = r.IsDBNull(10) ? null : r.GetFieldValue<byte[]>(10),
        CodeExpiresAt = r.IsDBNull(11) ? null : _dialect.ReadInstant(r, 11),
        CodesSent = r.GetInt32(12),
    }, r.IsDBNull(13) ? null : r.GetFieldValue<byte[]>(13));

    private static string StatusText(SecureMessageStatus status) => status switch
    {
        SecureMessageStatus.Active => "active",
        SecureMessageStatus.Revoked => "revoked",
        SecureMessageStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Truncated to the millisecond (what SQLite's text keeps), so both providers hand back the same instants.</summary>
    private object Instant(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return _dialect.Instant(utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMillisecond)));
    }

    private static T? FirstOrNull<T>(List<T> rows)
        where T : class => rows.Count == 0 ? null : rows[0];
}
