using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>The reviewer's side (schema: Migrations/0004_audit_review.sql of each provider): search
/// on the search-term table the triggers fill, streamed exports, chart aggregates, checkpoints, the
/// retention purge. Filters, orders and bounds behave the same on both providers (same tests),
/// including millisecond time bounds and byte order for text ties.</summary>
public sealed partial class AuditStore : IAuditReviewStore
{
    private const string RecordColumns = "r.seq, r.at, r.event, r.actor_tid, r.actor_oid, r.check_id, r.subject_id, r.decision, r.data, r.prev_hash, r.hash";

    public async Task<AuditPage> SearchAsync(AuditFilter filter, long? cursor, int limit, bool newestFirst, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = Where(filter, command);
        if (cursor is { } after)
        {
            where += (newestFirst ? " AND r.seq < " : " AND r.seq > ") + Parameter(command, after);
        }

        var limitParameter = Parameter(command, limit + 1);
        SetText(command, $"SELECT {RecordColumns} FROM audit_records r WHERE {where} ORDER BY r.seq {(newestFirst ? "DESC" : "ASC")} LIMIT {limitParameter}");
        var records = new List<AuditRecord>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(Read(reader));
            }
        }

        // One more than asked tells whether a next page exists without a COUNT over the filter.
        var more = records.Count > limit;
        if (more)
        {
            records.RemoveAt(records.Count - 1);
        }

        return new AuditPage { Records = records, NextAfter = more ? records[^1].Sequence : null };
    }

    public async IAsyncEnumerable<AuditRecord> StreamAsync(AuditFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One statement, one snapshot (SQLite: WAL): the export is consistent while checks keep
        // appending. Rows arrive as the database returns them (neither provider buffers a whole
        // result set), so memory stays bounded.
        await using var command = connection.CreateCommand();
        var where = Where(filter, command);
        SetText(command, $"SELECT {RecordColumns} FROM audit_records r WHERE {where} ORDER BY r.seq");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
        }
    }

    public async Task<AuditRecord?> FindAsync(long sequence, CancellationToken cancellationToken = default)
    {
        var found = await database.QueryAsync($"SELECT {RecordColumns} FROM audit_records r WHERE r.seq = $1", Read, cancellationToken, sequence).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<AuditStatistics> StatisticsAsync(AuditFilter filter, int top, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var checkPerformed = (int)AuditEventType.CheckPerformed;
        var overrideRecorded = (int)AuditEventType.OverrideRecorded;
        // Days are UTC dates; text ties sort in byte order on both, so both stores rank equal counts the same way.
        var day = _dialect.UtcDay("r.at");
        // Repeated rather than named in ORDER BY: PostgreSQL accepts an output alias there only bare, not under COLLATE.
        const string Who = "(COALESCE(r.actor_tid, '') || '/' || COALESCE(r.actor_oid, ''))";

        var decisions = await QueryAsync(connection, filter, top,
            (where, _) => $"SELECT {day} AS day, COUNT(*) FILTER (WHERE r.decision = 'allow'), COUNT(*) FILTER (WHERE r.decision = 'warn'), COUNT(*) FILTER (WHERE r.decision = 'block') FROM audit_records r WHERE r.event = {checkPerformed} AND {where} GROUP BY day ORDER BY day",
            reader => new DayDecisions(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)), cancellationToken).ConfigureAwait(false);
        var reasons = await QueryAsync(connection, filter, top,
            (where, limit) => $"SELECT t.value, COUNT(*) AS n FROM audit_terms t JOIN audit_records r ON r.seq = t.seq WHERE t.kind = 'reason' AND r.event = {checkPerformed} AND {where} GROUP BY t.value ORDER BY n DESC, {_dialect.ByteOrder("t.value")} LIMIT {limit}",
            reader => new CodeCount(reader.GetString(0), reader.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var overrides = await QueryAsync(connection, filter, top,
            (where, limit) => $"SELECT {Who} AS who, COUNT(*) AS n FROM audit_records r WHERE r.event = {overrideRecorded} AND {where} GROUP BY who ORDER BY n DESC, {_dialect.ByteOrder(Who)} LIMIT {limit}",
            reader => new CodeCount(reader.GetString(0), reader.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var categories = await QueryAsync(connection, filter, top,
            (where, _) => $"SELECT {day} AS day, t.value, COUNT(*) FROM audit_terms t JOIN audit_records r ON r.seq = t.seq WHERE t.kind = 'category' AND {where} GROUP BY day, t.value ORDER BY day, {_dialect.ByteOrder("t.value")}",
            reader => new DayCategory(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)), cancellationToken).ConfigureAwait(false);

        return new AuditStatistics { DecisionsPerDay = decisions, TopReasons = reasons, OverridesByPhysician = overrides, CategoriesPerDay = categories };
    }

    public async Task<AuditChainHead?> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        // Sequence 0 (PostgreSQL's seeded row) is "before the first append", as no row is on SQLite.
        var head = await database.QueryAsync("SELECT seq, hash FROM audit_chain_head WHERE id = 1 AND seq > 0",
            r => new AuditChainHead(r.GetInt64(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        return head.Count == 0 ? null : head[0];
    }

    public async Task SaveCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.Command(null, _dialect,
                "INSERT INTO audit_checkpoints (seq, hash, at, key_id, algorithm, signature, previous) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (seq) DO NOTHING",
                [checkpoint.Sequence, checkpoint.Hash, _dialect.MillisecondInstant(checkpoint.At), checkpoint.KeyId, checkpoint.Algorithm, checkpoint.Signature, checkpoint.Previous]);
            // Typed, so a NULL "previous" (the first checkpoint) is still a text value to PostgreSQL.
            command.Parameters[6].DbType = DbType.String;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new AuditUnavailableException($"The checkpoint could not be stored ({_dialect.Describe(ex)}).", ex);
        }
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken = default) =>
        await database.QueryAsync("SELECT seq, hash, at, key_id, algorithm, signature, previous FROM audit_checkpoints ORDER BY seq", reader => new AuditCheckpoint
        {
            Sequence = reader.GetInt64(0),
            Hash = reader.GetString(1),
            At = _dialect.ReadInstant(reader, 2),
            KeyId = reader.GetString(3),
            Algorithm = reader.GetString(4),
            Signature = reader.GetFieldValue<byte[]>(5),
            Previous = reader.IsDBNull(6) ? null : reader.GetString(6),
        }, cancellationToken).ConfigureAwait(false);

    public async Task<AuditAnchor?> ReadAnchorAsync(CancellationToken cancellationToken = default)
    {
        var anchor = await database.QueryAsync("SELECT seq, hash FROM audit_anchor WHERE id = 1",
            r => new AuditAnchor(r.GetInt64(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        return anchor.Count == 0 ? null : anchor[0];
    }

    public async Task<long> LastSequenceBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("SELECT COALESCE(MAX(seq), 0) FROM audit_records WHERE at < $1",
            r => r.GetInt64(0), cancellationToken, _dialect.MillisecondInstant(cutoff)).ConfigureAwait(false))[0];

    public async Task<AuditPurge> PurgeThroughAsync(AuditCheckpoint checkpoint, DateTimeOffset justificationCutoff, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        try
        {
            return await database.InTransactionAsync(async (connection, transaction) =>
            {
                long records = await connection.ExecuteAsync(transaction, _dialect, "DELETE FROM audit_records WHERE seq <= $1", cancellationToken, checkpoint.Sequence).ConfigureAwait(false);
                await connection.ExecuteAsync(transaction, _dialect,
                    "INSERT INTO audit_anchor (id, seq, hash) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                    cancellationToken, checkpoint.Sequence, checkpoint.Hash).ConfigureAwait(false);
                long justifications = await connection.ExecuteAsync(transaction, _dialect, "DELETE FROM override_justifications WHERE at < $1",
                    cancellationToken, _dialect.MillisecondInstant(justificationCutoff)).ConfigureAwait(false);
                return new AuditPurge(checkpoint.Sequence, records, justifications);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new AuditUnavailableException($"The retention purge failed ({_dialect.Describe(ex)}).", ex);
        }
    }

    public async Task<OverrideJustification?> FindJustificationAsync(string overrideId, CancellationToken cancellationToken = default)
    {
        var found = await database.QueryAsync("SELECT override_id, check_id, justification_code, text, at FROM override_justifications WHERE override_id = $1",
            r => new OverrideJustification(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), _dialect.ReadInstant(r, 4)),
            cancellationToken, overrideId).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The WHERE clause for <paramref name="filter"/> over alias <c>r</c>; values go in as
    /// positional parameters only, numbered in the order they are added to <paramref name="command"/>.</summary>
    private string Where(AuditFilter filter, DbCommand command)
    {
        var clauses = new List<string> { "1 = 1" };
        if (filter.From is { } from)
        {
            clauses.Add("r.at >= " + Parameter(command, _dialect.MillisecondInstant(from)));
        }

        if (filter.To is { } to)
        {
            clauses.Add("r.at < " + Parameter(command, _dialect.MillisecondInstant(to)));
        }

        if (filter.ActorTenantId is { } tid)
        {
            clauses.Add("r.actor_tid = " + Parameter(command, tid));
        }

        if (filter.ActorObjectId is { } oid)
        {
            clauses.Add("r.actor_oid = " + Parameter(command, oid));
        }

        if (filter.Decision is { } decision)
        {
            clauses.Add("r.decision = " + Parameter(command, decision));
        }

        if (filter.PatientId is { } patient)
        {
            clauses.Add("r.seq IN (SELECT seq FROM audit_terms WHERE kind = 'patient' AND value = " + Parameter(command, patient) + ")");
        }

        if (filter.ReasonCode is { } reason)
        {
            clauses.Add("r.seq IN (SELECT seq FROM audit_terms WHERE kind = 'reason' AND value = " + Parameter(command, reason) + ")");
        }

        if (filter.Category is { } category)
        {
            clauses.Add("r.seq IN (SELECT seq FROM audit_terms WHERE kind = 'category' AND value = " + Parameter(command, category) + ")");
        }

        if (filter.Override is { } isOverride)
        {
            // Overrides themselves, and the checks that were overridden. The expression is never NULL
            // (check_id IS NOT NULL guards the EXISTS), so NOT selects exactly the complement.
            var overrides = string.Create(CultureInfo.InvariantCulture,
                $"(r.event IN ({(int)AuditEventType.OverrideRecorded}, {(int)AuditEventType.OverrideRefused}) OR (r.event = {(int)AuditEventType.CheckPerformed} AND r.check_id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_records o WHERE o.check_id = r.check_id AND o.event = {(int)AuditEventType.OverrideRecorded})))");
            clauses.Add(isOverride ? overrides : "NOT " + overrides);
        }

        if (filter.Events.Count > 0)
        {
            clauses.Add("r.event IN (" + string.Join(", ", filter.Events.Select(e => ((int)e).ToString(CultureInfo.InvariantCulture))) + ")");
        }

        return string.Join(" AND ", clauses);
    }

    /// <summary>Adds <paramref name="value"/> as the next positional parameter and returns its placeholder.</summary>
    private string Parameter(DbCommand command, object value)
    {
        _dialect.Bind(command, [value]);
        return "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(DbConnection connection, AuditFilter filter, int top, Func<string, string, string> sql, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var where = Where(filter, command);
        SetText(command, sql(where, Parameter(command, top)));
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

#pragma warning disable CA2100 // Built only from constant fragments, integer codes and parameter placeholders in this file; every value is a parameter.
    private static void SetText(DbCommand command, string sql) => command.CommandText = sql;
#pragma warning restore CA2100
}
