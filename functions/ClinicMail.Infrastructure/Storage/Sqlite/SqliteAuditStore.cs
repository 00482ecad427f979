using System.Globalization;
using System.Runtime.CompilerServices;
using ClinicMail.Core.Audit;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>The audit chain in SQLite (schema: Migrations/0002_audit.sql; the reviewer's side in SqliteAuditStore.Review.cs). Appends run in a <c>BEGIN IMMEDIATE</c> transaction, which
/// takes SQLite's single write lock before reading the head, so two writers (two processes even)
/// can never link to the same head; the sequence number is the primary key, so a fork could not be
/// stored anyway.</summary>
public sealed partial class SqliteAuditStore(SqliteDatabase database) : IAuditStore, IOverrideJustificationStore
{
    public async Task SaveAsync(OverrideJustification justification, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO override_justifications (override_id, check_id, justification_code, text, at) VALUES ($id, $check, $code, $text, $at)";
            command.Parameters.AddWithValue("$id", justification.OverrideId);
            command.Parameters.AddWithValue("$check", justification.CheckId);
            command.Parameters.AddWithValue("$code", justification.Code);
            command.Parameters.AddWithValue("$text", justification.Text);
            command.Parameters.AddWithValue("$at", Format(justification.At));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new AuditUnavailableException($"The justification could not be stored (SQLite error {ex.SqliteErrorCode}).", ex);
        }
    }

    private const string Columns = "seq, at, event, actor_tid, actor_oid, check_id, subject_id, decision, data, prev_hash, hash";

    public async Task<IReadOnlyList<AuditRecord>> AppendBatchAsync(IReadOnlyList<AuditEntry> entries, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            long sequence = 0;
            var previous = AuditChain.GenesisHash;
            await using (var head = connection.CreateCommand())
            {
                head.Transaction = transaction;
                head.CommandText = "SELECT seq, hash FROM audit_chain_head WHERE id = 1";
                await using var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    sequence = reader.GetInt64(0);
                    previous = reader.GetString(1);
                }
            }

            var records = new List<AuditRecord>(entries.Count);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO audit_records ({Columns}) VALUES ($seq, $at, $event, $tid, $oid, $check, $subject, $decision, $data, $prev, $hash)";
            var parameters = new[] { "$seq", "$at", "$event", "$tid", "$oid", "$check", "$subject", "$decision", "$data", "$prev", "$hash" }
                .Select(name => insert.Parameters.Add(name, name is "$seq" or "$event" ? SqliteType.Integer : SqliteType.Text)).ToArray();
            foreach (var entry in entries)
            {
                var record = AuditChain.Link(entry, ++sequence, at, previous);
                parameters[0].Value = record.Sequence;
                parameters[1].Value = Format(record.At);
                parameters[2].Value = (int)record.Event;
                parameters[3].Value = (object?)record.ActorTenantId ?? DBNull.Value;
                parameters[4].Value = (object?)record.ActorObjectId ?? DBNull.Value;
                parameters[5].Value = (object?)record.CheckId ?? DBNull.Value;
                parameters[6].Value = (object?)record.SubjectId ?? DBNull.Value;
                parameters[7].Value = (object?)record.Decision ?? DBNull.Value;
                parameters[8].Value = record.DataJson;
                parameters[9].Value = record.PreviousHash;
                parameters[10].Value = record.Hash;
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                records.Add(record);
                previous = record.Hash;
            }

            await using (var move = connection.CreateCommand())
            {
                move.Transaction = transaction;
                move.CommandText = "INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, $seq, $hash) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash";
                move.Parameters.AddWithValue("$seq", sequence);
                move.Parameters.AddWithValue("$hash", previous);
                await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return records;
        }
        catch (SqliteException ex)
        {
            throw new AuditUnavailableException($"The audit store refused the append (SQLite error {ex.SqliteErrorCode}).", ex);
        }
    }

    public async Task<AuditRecord?> FindByCheckIdAsync(string checkId, AuditEventType type, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM audit_records WHERE check_id = $check AND event = $event ORDER BY seq LIMIT 1";
        command.Parameters.AddWithValue("$check", checkId);
        command.Parameters.AddWithValue("$event", (int)type);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async IAsyncEnumerable<AuditRecord> ReadAllAsync(long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM audit_records WHERE seq > $after ORDER BY seq";
        command.Parameters.AddWithValue("$after", afterSequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM audit_chain_head";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => database.OpenConnectionAsync(cancellationToken);

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static AuditRecord Read(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        At = DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        Event = (AuditEventType)reader.GetInt32(2),
        ActorTenantId = reader.IsDBNull(3) ? null : reader.GetString(3),
        ActorObjectId = reader.IsDBNull(4) ? null : reader.GetString(4),
        CheckId = reader.IsDBNull(5) ? null : reader.GetString(5),
        SubjectId = reader.IsDBNull(6) ? null : reader.GetString(6),
        Decision = reader.IsDBNull(7) ? null : reader.GetString(7),
        DataJson = reader.GetString(8),
        PreviousHash = reader.GetString(9),
        Hash = reader.GetString(10),
    };
}
