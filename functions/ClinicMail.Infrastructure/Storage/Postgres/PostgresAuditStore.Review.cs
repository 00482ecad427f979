using System.Globalization;
using System.Runtime.CompilerServices;
using ClinicMail.Core.Audit;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>The reviewer's side on PostgreSQL (schema: Migrations/0004_audit_review.sql), the
/// counterpart of <see cref="Sqlite.SqliteAuditStore"/>'s: search on the search-term table the
/// triggers fill, streamed exports, chart aggregates, checkpoints, the retention purge. Filters,
/// orders and bounds behave as on SQLite (same tests), including millisecond time bounds and byte
/// order for text ties.</summary>
public sealed partial class PostgresAuditStore : IAuditReviewStore
{
    private const string RecordColumns = "r.seq, r.at, r.event, r.actor_tid, r.actor_oid, r.check_id, r.subject_id, r.decision, r.data, r.prev_hash, r.hash";

    public async Task<AuditPage> SearchAsync(AuditFilter filter, long? cursor, int limit, bool newestFirst, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One statement, one snapshot: the export is consistent while checks keep appending. Rows
        // arrive as the server sends them (Npgsql does not buffer a whole result set), so memory stays bounded.
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
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {RecordColumns} FROM audit_records r WHERE r.seq = $1;", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = sequence });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<AuditStatistics> StatisticsAsync(AuditFilter filter, int top, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var checkPerformed = (int)AuditEventType.CheckPerformed;
        var overrideRecorded = (int)AuditEventType.OverrideRecorded;
        // Days are UTC dates whatever the session time zone; text ties sort in byte order (COLLATE "C"),
        // as SQLite's BINARY collation does, so both stores rank equal counts the same way.
        const string Day = "to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
        // Repeated rather than named in ORDER BY: PostgreSQL accepts an output alias there only bare, not under COLLATE.
        const string Who = "(COALESCE(r.actor_tid, '') || '/' || COALESCE(r.actor_oid, ''))";

        var decisions = await QueryAsync(connection, filter, top,
            (where, _) => $"SELECT {Day} AS day, COUNT(*) FILTER (WHERE r.decision = 'allow'), COUNT(*) FILTER (WHERE r.decision = 'warn'), COUNT(*) FILTER (WHERE r.decision = 'block') FROM audit_records r WHERE r.event = {checkPerformed} AND {where} GROUP BY day ORDER BY day",
            reader => new DayDecisions(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)), cancellationToken).ConfigureAwait(false);
        var reasons = await QueryAsync(connection, filter, top,
            (where, limit) => $"SELECT t.value, COUNT(*) AS n FROM audit_terms t JOIN audit_records r ON r.seq = t.seq WHERE t.kind = 'reason' AND r.event = {checkPerformed} AND {where} GROUP BY t.value ORDER BY n DESC, t.value COLLATE \"C\" LIMIT {limit}",
            reader => new CodeCount(reader.GetString(0), reader.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var overrides = await QueryAsync(connection, filter, top,
            (where, limit) => $"SELECT {Who} AS who, COUNT(*) AS n FROM audit_records r WHERE r.event = {overrideRecorded} AND {where} GROUP BY who ORDER BY n DESC, {Who} COLLATE \"C\" LIMIT {limit}",
            reader => new CodeCount(reader.GetString(0), reader.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var categories = await QueryAsync(connection, filter, top,
            (where, _) => $"SELECT {Day} AS day, t.value, COUNT(*) FROM audit_terms t JOIN audit_records r ON r.seq = t.seq WHERE t.kind = 'category' AND {where} GROUP BY day, t.value ORDER BY day, t.value COLLATE \"C\"",
            reader => new DayCategory(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)), cancellationToken).ConfigureAwait(false);

        return new AuditStatistics { DecisionsPerDay = decisions, TopReasons = reasons, OverridesByPhysician = overrides, CategoriesPerDay = categories };
    }

    public async Task<AuditChainHead?> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // The head row exists from migration 0002 on with sequence 0; that is "before the first append".
        await using var command = new NpgsqlCommand("SELECT seq, hash FROM audit_chain_head WHERE id = 1 AND seq > 0;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new AuditChainHead(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public async Task SaveCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                "INSERT INTO audit_checkpoints (seq, hash, at, key_id, algorithm, signature, previous) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (seq) DO NOTHING;", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Sequence });
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Hash });
            command.Parameters.Add(new NpgsqlParameter { Value = Milliseconds(checkpoint.At) });
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.KeyId });
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Algorithm });
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Signature });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = checkpoint.Previous, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new AuditUnavailableException($"The checkpoint could not be stored (PostgreSQL error {(ex as PostgresException)?.SqlState ?? "connection"}).", ex);
        }
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT seq, hash, at, key_id, algorithm, signature, previous FROM audit_checkpoints ORDER BY seq;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var checkpoints = new List<AuditCheckpoint>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            checkpoints.Add(ReadCheckpoint(reader));
        }

        return checkpoints;
    }

    public async Task<AuditAnchor?> ReadAnchorAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT seq, hash FROM audit_anchor WHERE id = 1;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new AuditAnchor(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public async Task<long> LastSequenceBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(seq), 0) FROM audit_records WHERE at < $1;", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Milliseconds(cutoff) });
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async Task<AuditPurge> PurgeThroughAsync(AuditCheckpoint checkpoint, DateTimeOffset justificationCutoff, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            long records;
            long justifications;
            await using (var delete = new NpgsqlCommand("DELETE FROM audit_records WHERE seq <= $1;", connection, transaction))
            {
                delete.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Sequence });
                records = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var anchor = new NpgsqlCommand(
                "INSERT INTO audit_anchor (id, seq, hash) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;", connection, transaction))
            {
                anchor.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Sequence });
                anchor.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Hash });
                await anchor.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var texts = new NpgsqlCommand("DELETE FROM override_justifications WHERE at < $1;", connection, transaction))
            {
                texts.Parameters.Add(new NpgsqlParameter { Value = Milliseconds(justificationCutoff) });
                justifications = await texts.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new AuditPurge(checkpoint.Sequence, records, justifications);
        }
        catch (NpgsqlException ex)
        {
            throw new AuditUnavailableException($"The retention purge failed (PostgreSQL error {(ex as PostgresException)?.SqlState ?? "connection"}).", ex);
        }
    }

    public async Task<OverrideJustification?> FindJustificationAsync(string overrideId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT override_id, check_id, justification_code, text, at FROM override_justifications WHERE override_id = $1;", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = overrideId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? ReadJustification(reader)
            : null;
    }

    // Synchronous on purpose, like Read: the row is already buffered (default, non-sequential access).
    private static AuditCheckpoint ReadCheckpoint(NpgsqlDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        Hash = reader.GetString(1),
        At = reader.GetFieldValue<DateTimeOffset>(2),
        KeyId = reader.GetString(3),
        Algorithm = reader.GetString(4),
        Signature = reader.GetFieldValue<byte[]>(5),
        Previous = reader.IsDBNull(6) ? null : reader.GetString(6),
    };

    private static OverrideJustification ReadJustification(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4));

    /// <summary>The WHERE clause for <paramref name="filter"/> over alias <c>r</c>; values go in as
    /// positional parameters only, numbered in the order they are added to <paramref name="command"/>.</summary>
    private static string Where(AuditFilter filter, NpgsqlCommand command)
    {
        var clauses = new List<string> { "TRUE" };
        if (filter.From is { } from)
        {
            clauses.Add("r.at >= " + Parameter(command, Milliseconds(from)));
        }

        if (filter.To is { } to)
        {
            clauses.Add("r.at < " + Parameter(command, Milliseconds(to)));
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
            // (check_id IS NOT NULL guards the EXISTS), so NOT selects exactly the complement, as on SQLite.
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
    private static string Parameter(NpgsqlCommand command, object value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
    }

    private static async Task<IReadOnlyList<T>> QueryAsync<T>(NpgsqlConnection connection, AuditFilter filter, int top, Func<string, string, string> sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
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
    private static void SetText(NpgsqlCommand command, string sql) => command.CommandText = sql;
#pragma warning restore CA2100

    /// <summary>UTC, truncated to the millisecond: the precision of record times (AuditChain.Link) and
    /// of SQLite's stored text, so a bound or a checkpoint time means the same on both stores.</summary>
    private static DateTimeOffset Milliseconds(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
