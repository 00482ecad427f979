using System.Data.Common;
using System.Runtime.CompilerServices;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>The audit chain (schema: Migrations/0002_audit.sql; the reviewer's side in
/// AuditStore.Review.cs), one implementation for SQLite and PostgreSQL. An append reads the head
/// under the write lock of its transaction — SQLite's <c>BEGIN IMMEDIATE</c>, PostgreSQL's
/// <c>SELECT … FOR UPDATE</c> on the single head row (<see cref="SqlDialect.AuditHeadSql"/>) — so
/// two writers (two processes, several instances) never link to the same head; the sequence number
/// is the primary key, so a fork could not be stored anyway. The batch is written by the dialect's
/// bulk path (<see cref="SqlDialect.WriteAuditRecordsAsync"/>).</summary>
public sealed partial class AuditStore(IStorageDatabase database) : IAuditStore, IOverrideJustificationStore
{
    private const string Columns = SqlDialect.AuditColumns;

    private readonly SqlDialect _dialect = database.Dialect;

    public async Task SaveAsync(OverrideJustification justification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(justification);
        try
        {
            await database.ExecuteAsync(
                "INSERT INTO override_justifications (override_id, check_id, justification_code, text, at) VALUES ($1, $2, $3, $4, $5)", cancellationToken,
                justification.OverrideId, justification.CheckId, justification.Code, justification.Text, _dialect.Instant(justification.At)).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new AuditUnavailableException($"The justification could not be stored ({_dialect.Describe(ex)}).", ex);
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> AppendBatchAsync(IReadOnlyList<AuditEntry> entries, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        try
        {
            return await database.InTransactionAsync<IReadOnlyList<AuditRecord>>(async (connection, transaction) =>
            {
                var head = await connection.QueryAsync(transaction, _dialect, _dialect.AuditHeadSql,
                    r => (Sequence: r.GetInt64(0), Hash: r.GetString(1)), cancellationToken).ConfigureAwait(false);
                if (head.Count == 0 && _dialect.AuditHeadSeeded)
                {
                    throw new AuditUnavailableException("The audit chain head is missing: the schema was not migrated.");
                }

                var sequence = head.Count == 0 ? 0 : head[0].Sequence;
                var previous = head.Count == 0 ? AuditChain.GenesisHash : head[0].Hash;
                var records = new List<AuditRecord>(entries.Count);
                foreach (var entry in entries)
                {
                    var record = AuditChain.Link(entry, ++sequence, at, previous);
                    records.Add(record);
                    previous = record.Hash;
                }

                if (records.Count > 0)
                {
                    await _dialect.WriteAuditRecordsAsync(connection, transaction, records, cancellationToken).ConfigureAwait(false);
                }

                return records;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new AuditUnavailableException($"The audit store refused the append ({_dialect.Describe(ex)}).", ex);
        }
    }

    public async Task<AuditRecord?> FindByCheckIdAsync(string checkId, AuditEventType type, CancellationToken cancellationToken = default)
    {
        var found = await database.QueryAsync($"SELECT {Columns} FROM audit_records WHERE check_id = $1 AND event = $2 ORDER BY seq LIMIT 1",
            Read, cancellationToken, checkId, (int)type).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async IAsyncEnumerable<AuditRecord> ReadAllAsync(long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // One statement, streamed: rows are read as the database returns them (bounded memory).
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(null, _dialect, $"SELECT {Columns} FROM audit_records WHERE seq > $1 ORDER BY seq", [afterSequence]);
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
            // The head table answers; where the schema seeds the head row (PostgreSQL), that row is there too.
            var heads = await database.QueryAsync("SELECT COUNT(*) FROM audit_chain_head WHERE id = 1", r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
            return heads[0] > 0 || !_dialect.AuditHeadSeeded;
        }
        catch (DbException)
        {
            return false;
        }
    }

    // Synchronous on purpose: the row is already buffered (default, non-sequential access).
    private AuditRecord Read(DbDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        At = _dialect.ReadInstant(reader, 1),
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
