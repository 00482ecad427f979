using System.Globalization;
using System.Runtime.CompilerServices;
using ClinicMail.Core.Audit;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>The reviewer's side (schema: Migrations/0004_audit_review.sql): search on the search-term
/// table the triggers fill, streamed exports, chart aggregates, checkpoints, the retention purge.</summary>
public sealed partial class SqliteAuditStore : IAuditReviewStore
{
    private const string RecordColumns = "r.seq, r.at, r.event, r.actor_tid, r.actor_oid, r.check_id, r.subject_id, r.decision, r.data, r.prev_hash, r.hash";

    public async Task<AuditPage> SearchAsync(AuditFilter filter, long? cursor, int limit, bool newestFirst, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = Where(filter, command);
        if (cursor is { } after)
        {
            where += newestFirst ? " AND r.seq < $cursor" : " AND r.seq > $cursor";
            command.Parameters.AddWithValue("$cursor", after);
        }

        SetText(command, $"SELECT {RecordColumns} FROM audit_records r WHERE {where} ORDER BY r.seq {(newestFirst ? "DESC" : "ASC")} LIMIT $limit");
        command.Parameters.AddWithValue("$limit", limit + 1);
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
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = Where(filter, command);
        SetText(command, $"SELECT {RecordColumns} FROM audit_records r WHERE {where} ORDER BY r.seq");
        // One statement, one read snapshot (WAL): the export is consistent while checks keep appending.
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
        }
    }

    public async Task<AuditRecord?> FindAsync(long sequence, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RecordColumns} FROM audit_records r WHERE r.seq = $seq";
        command.Parameters.AddWithValue("$seq", sequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<AuditStatistics> StatisticsAsync(AuditFilter filter, int top, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var checkPerformed = (int)AuditEventType.CheckPerformed;
        var overrideRecorded = (int)AuditEventType.OverrideRecorded;

        var decisions = await QueryAsync(connection, filter, top,
            where => $"SELECT substr(r.at, 1, 10) AS day, SUM(r.decision = 'allow'), SUM(r.decision = 'warn'), SUM(r.decision = 'block') FROM audit_records r WHERE r.event = {checkPerformed} AND {where} GROUP BY day ORDER BY day",
            reader => new DayDecisions(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)), cancellationToken).ConfigureAwait(false);
        var reasons = await QueryAsync(connection, filter, top,
            where => $"SELECT t.value, COUNT(*) AS n FROM audit_terms t JOIN audit_records r ON r.seq = t.seq WHERE t.kind = 'reason' AND r.event = {checkPerformed} AND {where} GROUP BY t.value ORDER BY n DESC, t.value LIMIT $top",
            reader => new CodeCount(reader.GetString(0), reader.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var overrides = await QueryAsync(connection, filter, top,
            where => $"SELECT COALESCE(r.actor_tid, '') || '/' || COALESCE(r.actor_oid, '') AS who, COUNT(*) AS n FROM audit_records r WHERE r.event = {overrideRecorded} AND {where} GROUP BY who ORDER BY n DESC, who LIMIT $top",
            reader => new CodeCount(reader.GetString(0), reader.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var categories = await QueryAsync(connection, filter, top,
            where => $"SELECT substr(r.at, 1, 10) AS day, t.value, COUNT(*) FROM audit_terms t JOIN audit_records r ON r.seq = t.seq WHERE t.kind = 'category' AND {where} GROUP BY day, t.value ORDER BY day, t.value",
            reader => new DayCategory(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)), cancellationToken).ConfigureAwait(false);

        return new AuditStatistics { DecisionsPerDay = decisions, TopReasons = reasons, OverridesByPhysician = overrides, CategoriesPerDay = categories };
    }

    public async Task<AuditChainHead?> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash FROM audit_chain_head WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new AuditChainHead(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public async Task SaveCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO audit_checkpoints (seq, hash, at, key_id, algorithm, signature, previous) VALUES ($seq, $hash, $at, $key, $alg, $sig, $previous) ON CONFLICT(seq) DO NOTHING";
            command.Parameters.AddWithValue("$seq", checkpoint.Sequence);
            command.Parameters.AddWithValue("$hash", checkpoint.Hash);
            command.Parameters.AddWithValue("$at", Format(checkpoint.At));
            command.Parameters.AddWithValue("$key", checkpoint.KeyId);
            command.Parameters.AddWithValue("$alg", checkpoint.Algorithm);
            command.Parameters.AddWithValue("$sig", checkpoint.Signature);
            command.Parameters.AddWithValue("$previous", (object?)checkpoint.Previous ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new AuditUnavailableException($"The checkpoint could not be stored (SQLite error {ex.SqliteErrorCode}).", ex);
        }
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, at, key_id, algorithm, signature, previous FROM audit_checkpoints ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var checkpoints = new List<AuditCheckpoint>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            checkpoints.Add(new AuditCheckpoint
            {
                Sequence = reader.GetInt64(0),
                Hash = reader.GetString(1),
                At = ParseTime(reader.GetString(2)),
                KeyId = reader.GetString(3),
                Algorithm = reader.GetString(4),
                Signature = (byte[])reader.GetValue(5),
                Previous = reader.GetValue(6) as string,
            });
        }

        return checkpoints;
    }

    public async Task<AuditAnchor?> ReadAnchorAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash FROM audit_anchor WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new AuditAnchor(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public async Task<long> LastSequenceBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM audit_records WHERE at < $cutoff";
        command.Parameters.AddWithValue("$cutoff", Format(cutoff));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async Task<AuditPurge> PurgeThroughAsync(AuditCheckpoint checkpoint, DateTimeOffset justificationCutoff, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            long records;
            long justifications;
            await using (var delete = connection.CreateCommand())
            {
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM audit_records WHERE seq <= $seq";
                delete.Parameters.AddWithValue("$seq", checkpoint.Sequence);
                records = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var anchor = connection.CreateCommand())
            {
                anchor.Transaction = transaction;
                anchor.CommandText = "INSERT INTO audit_anchor (id, seq, hash) VALUES (1, $seq, $hash) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash";
                anchor.Parameters.AddWithValue("$seq", checkpoint.Sequence);
                anchor.Parameters.AddWithValue("$hash", checkpoint.Hash);
                await anchor.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var texts = connection.CreateCommand())
            {
                texts.Transaction = transaction;
                texts.CommandText = "DELETE FROM override_justifications WHERE at < $cutoff";
                texts.Parameters.AddWithValue("$cutoff", Format(justificationCutoff));
                justifications = await texts.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new AuditPurge(checkpoint.Sequence, records, justifications);
        }
        catch (SqliteException ex)
        {
            throw new AuditUnavailableException($"The retention purge failed (SQLite error {ex.SqliteErrorCode}).", ex);
        }
    }

    public async Task<OverrideJustification?> FindJustificationAsync(string overrideId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT override_id, check_id, justification_code, text, at FROM override_justifications WHERE override_id = $id";
        command.Parameters.AddWithValue("$id", overrideId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new OverrideJustification(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), ParseTime(reader.GetString(4)))
            : null;
    }

    /// <summary>The WHERE clause for <paramref name="filter"/> over alias <c>r</c>; values go in as parameters only.</summary>
    private static string Where(AuditFilter filter, SqliteCommand command)
    {
        var clauses = new List<string> { "1 = 1" };
        void Add(string clause, string name, object value)
        {
            clauses.Add(clause);
            command.Parameters.AddWithValue(name, value);
        }

        if (filter.From is { } from)
        {
            Add("r.at >= $from", "$from", Format(from));
        }

        if (filter.To is { } to)
        {
            Add("r.at < $to", "$to", Format(to));
        }

        if (filter.ActorTenantId is { } tid)
        {
            Add("r.actor_tid = $tid", "$tid", tid);
        }

        if (filter.ActorObjectId is { } oid)
        {
            Add("r.actor_oid = $oid", "$oid", oid);
        }

        if (filter.Decision is { } decision)
        {
            Add("r.decision = $decision", "$decision", decision);
        }

        if (filter.PatientId is { } patient)
        {
            Add("r.seq IN (SELECT seq FROM audit_terms WHERE kind = 'patient' AND value = $patient)", "$patient", patient);
        }

        if (filter.ReasonCode is { } reason)
        {
            Add("r.seq IN (SELECT seq FROM audit_terms WHERE kind = 'reason' AND value = $reason)", "$reason", reason);
        }

        if (filter.Category is { } category)
        {
            Add("r.seq IN (SELECT seq FROM audit_terms WHERE kind = 'category' AND value = $category)", "$category", category);
        }

        if (filter.Override is { } isOverride)
        {
            // Overrides themselves, and the checks that were overridden.
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

    private static async Task<IReadOnlyList<T>> QueryAsync<T>(SqliteConnection connection, AuditFilter filter, int top, Func<string, string> sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        SetText(command, sql(Where(filter, command)));
        command.Parameters.AddWithValue("$top", top);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

#pragma warning disable CA2100 // Built only from constant fragments and integer codes in this file; every value is a parameter.
    private static void SetText(SqliteCommand command, string sql) => command.CommandText = sql;
#pragma warning restore CA2100

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
