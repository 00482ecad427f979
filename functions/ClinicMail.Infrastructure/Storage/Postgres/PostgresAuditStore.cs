using System.Runtime.CompilerServices;
using ClinicMail.Core.Audit;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>The audit chain on PostgreSQL (schema: Migrations/0002_audit.sql). An append locks the
/// single head row with <c>SELECT … FOR UPDATE</c> inside its transaction, so concurrent writers
/// (several Function App instances) link one after the other, never to the same head; the sequence
/// number is the primary key, so a fork could not be stored anyway. A batch is written with one
/// set-based insert.</summary>
public sealed partial class PostgresAuditStore(PostgresDatabase database) : IAuditStore, IOverrideJustificationStore
{
    private const string Columns = "seq, at, event, actor_tid, actor_oid, check_id, subject_id, decision, data, prev_hash, hash";

    public async Task SaveAsync(OverrideJustification justification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(justification);
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                "INSERT INTO override_justifications (override_id, check_id, justification_code, text, at) VALUES ($1, $2, $3, $4, $5);", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = justification.OverrideId });
            command.Parameters.Add(new NpgsqlParameter { Value = justification.CheckId });
            command.Parameters.Add(new NpgsqlParameter { Value = justification.Code });
            command.Parameters.Add(new NpgsqlParameter { Value = justification.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = justification.At.ToUniversalTime() });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new AuditUnavailableException($"The justification could not be stored (PostgreSQL error {(ex as PostgresException)?.SqlState ?? "connection"}).", ex);
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> AppendBatchAsync(IReadOnlyList<AuditEntry> entries, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            long sequence;
            string previous;
            await using (var head = new NpgsqlCommand("SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE;", connection, transaction))
            await using (var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new AuditUnavailableException("The audit chain head is missing: the schema was not migrated.");
                }

                sequence = reader.GetInt64(0);
                previous = reader.GetString(1);
            }

            var records = new List<AuditRecord>(entries.Count);
            foreach (var entry in entries)
            {
                var record = AuditChain.Link(entry, ++sequence, at, previous);
                records.Add(record);
                previous = record.Hash;
            }

            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    PostgresRows.Command(
                        "INSERT INTO audit_records (" + Columns + ") SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::integer[], $4::text[], " +
                        "$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]);",
                        records.Select(r => r.Sequence).ToArray(),
                        records.Select(r => r.At.ToUniversalTime()).ToArray(),
                        records.Select(r => (int)r.Event).ToArray(),
                        records.Select(r => r.ActorTenantId).ToArray(),
                        records.Select(r => r.ActorObjectId).ToArray(),
                        records.Select(r => r.CheckId).ToArray(),
                        records.Select(r => r.SubjectId).ToArray(),
                        records.Select(r => r.Decision).ToArray(),
                        records.Select(r => r.DataJson).ToArray(),
                        records.Select(r => r.PreviousHash).ToArray(),
                        records.Select(r => r.Hash).ToArray()),
                    PostgresRows.Command("UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1;", sequence, previous),
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return records;
        }
        catch (NpgsqlException ex)
        {
            throw new AuditUnavailableException($"The audit store refused the append (PostgreSQL error {(ex as PostgresException)?.SqlState ?? "connection"}).", ex);
        }
    }

    public async Task<AuditRecord?> FindByCheckIdAsync(string checkId, AuditEventType type, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM audit_records WHERE check_id = $1 AND event = $2 ORDER BY seq LIMIT 1;", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = checkId });
        command.Parameters.Add(new NpgsqlParameter { Value = (int)type });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async IAsyncEnumerable<AuditRecord> ReadAllAsync(long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM audit_records WHERE seq > $1 ORDER BY seq;", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = afterSequence });
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
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT seq FROM audit_chain_head WHERE id = 1;", connection);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    // Synchronous on purpose: the row is already buffered (default, non-sequential access).
    private static AuditRecord Read(NpgsqlDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        At = reader.GetFieldValue<DateTimeOffset>(1),
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
