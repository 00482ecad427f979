using System.Data.Common;
using System.Text.Json;
using ClinicMail.Core.Filing;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>The filing outbox on either provider (schema: Migrations/0011_record_filing.sql), written
/// once over System.Data.Common: both drivers take <c>@name</c> parameters, <c>RETURNING</c> and
/// <c>ON CONFLICT</c>, and times are Unix milliseconds, so the only SQL that differs is the claim's
/// row locking (<see cref="FilingSqlDialect"/>).</summary>
/// <remarks>Thread-safe; one connection per operation from the provider's pool.</remarks>
public sealed class FilingOutboxStore(Func<CancellationToken, ValueTask<DbConnection>> openConnection, FilingSqlDialect dialect) : IFilingOutboxStore
{
    private const string Columns = "id, source_kind, source_id, direction, state, patient_id, candidates, confirm_reason, attempts, created_at, next_attempt_at, delivered_at, last_error, destination, rendition_sha256, resource_sha256, payload, payload_key";

    public async Task<bool> TryEnqueueAsync(FilingOutboxEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return await ExecuteAsync(
            $"""
            INSERT INTO filing_outbox (id, source_kind, source_id, direction, state, patient_id, candidates, confirm_reason, attempts, created_at, next_attempt_at, payload, payload_key)
            VALUES (@id, @kind, @source, @direction, @state, @patient, @candidates, @reason, 0, @created, @next, @payload, @key)
            ON CONFLICT DO NOTHING
            """,
            cancellationToken,
            ("id", entry.Id), ("kind", entry.SourceKind), ("source", entry.SourceId), ("direction", DirectionText(entry.Direction)),
            ("state", entry.State), ("patient", entry.PatientId), ("candidates", entry.Candidates.Count == 0 ? null : JsonSerializer.Serialize(entry.Candidates)),
            ("reason", entry.ConfirmReason), ("created", Ms(entry.CreatedAt)), ("next", Ms(entry.NextAttemptAt)),
            ("payload", entry.Payload), ("key", entry.PayloadKey)).ConfigureAwait(false) == 1;
    }

    public async Task<FilingOutboxEntry?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {Columns} FROM filing_outbox WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<FilingOutboxEntry>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default) =>
        // The outer WHERE repeats the conditions: on PostgreSQL a row another worker claimed between the
        // sub-select and the update is re-checked against them (and skipped), so a row is never claimed twice.
        QueryAsync(
            $"""
            UPDATE filing_outbox
               SET attempts = attempts + 1, lease_until = @lease
             WHERE id IN (SELECT id FROM filing_outbox
                           WHERE state = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                           ORDER BY next_attempt_at, id LIMIT @limit{dialect.SkipLocked})
               AND state = 'pending' AND (lease_until IS NULL OR lease_until < @now)
            RETURNING {Columns}
            """,
            cancellationToken, ("now", Ms(now)), ("lease", Ms(leaseUntil)), ("limit", limit));

    public Task MarkDeliveredAsync(string id, FilingDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return ExecuteAsync(
            """
            UPDATE filing_outbox
               SET state = 'delivered', delivered_at = @at, destination = @destination, rendition_sha256 = @rendition,
                   resource_sha256 = @resource, last_error = NULL, lease_until = NULL, payload = NULL, payload_key = NULL
             WHERE id = @id
            """,
            cancellationToken, ("id", id), ("at", Ms(delivery.At)), ("destination", delivery.Destination),
            ("rendition", delivery.RenditionSha256), ("resource", delivery.ResourceSha256));
    }

    public Task MarkFailedAsync(string id, string errorCode, DateTimeOffset? retryAt, CancellationToken cancellationToken = default) =>
        ExecuteAsync(
            "UPDATE filing_outbox SET state = @state, last_error = @error, next_attempt_at = @next, lease_until = NULL WHERE id = @id AND state = 'pending'",
            cancellationToken, ("id", id), ("state", retryAt is null ? FilingStates.Failed : FilingStates.Pending), ("error", errorCode),
            ("next", retryAt is null ? 0L : Ms(retryAt.Value)));

    public Task SetPatientAsync(string id, string patientId, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE filing_outbox SET patient_id = @patient WHERE id = @id", cancellationToken, ("id", id), ("patient", patientId));

    public Task SetToConfirmAsync(string id, string reason, IReadOnlyList<string> candidates, CancellationToken cancellationToken = default) =>
        ExecuteAsync(
            "UPDATE filing_outbox SET state = 'to_confirm', confirm_reason = @reason, candidates = @candidates, lease_until = NULL WHERE id = @id AND state = 'pending'",
            cancellationToken, ("id", id), ("reason", reason), ("candidates", JsonSerializer.Serialize(candidates)));

    public async Task<bool> ResolveAsync(string id, string? patientId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        patientId is null
            ? await ExecuteAsync(
                "UPDATE filing_outbox SET state = 'dismissed', payload = NULL, payload_key = NULL WHERE id = @id AND state = 'to_confirm'",
                cancellationToken, ("id", id)).ConfigureAwait(false) == 1
            : await ExecuteAsync(
                "UPDATE filing_outbox SET state = 'pending', patient_id = @patient, next_attempt_at = @now, last_error = NULL WHERE id = @id AND state = 'to_confirm'",
                cancellationToken, ("id", id), ("patient", patientId), ("now", Ms(now))).ConfigureAwait(false) == 1;

    public async Task<bool> RetryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE filing_outbox SET state = 'pending', attempts = 0, next_attempt_at = @now WHERE id = @id AND state = 'failed'",
            cancellationToken, ("id", id), ("now", Ms(now))).ConfigureAwait(false) == 1;

    public Task<IReadOnlyList<FilingOutboxEntry>> ListAsync(string state, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM filing_outbox WHERE state = @state ORDER BY created_at DESC, id LIMIT @limit",
            cancellationToken, ("state", state), ("limit", limit));

    public async Task<FilingCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await openConnection(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            SELECT
              (SELECT COUNT(*) FROM filing_outbox WHERE state = 'pending'),
              (SELECT COUNT(*) FROM filing_outbox WHERE state = 'delivered'),
              (SELECT COUNT(*) FROM filing_outbox WHERE state = 'failed'),
              (SELECT COUNT(*) FROM filing_outbox WHERE state = 'to_confirm'),
              (SELECT COALESCE(SUM(value), 0) FROM filing_counters WHERE name LIKE 'not_registered_%'),
              (SELECT MIN(created_at) FROM filing_outbox WHERE state = 'pending')
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
#pragma warning disable CA1849 // As in Read: the row is in memory.
        return new FilingCounts(
            Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture),
            reader.IsDBNull(5) ? null : FromMs(Convert.ToInt64(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture)));
#pragma warning restore CA1849
    }

    public Task CountNotRegisteredAsync(ExchangeDirection direction, CancellationToken cancellationToken = default) =>
        ExecuteAsync(
            "INSERT INTO filing_counters (name, value) VALUES (@name, 1) ON CONFLICT (name) DO UPDATE SET value = filing_counters.value + 1",
            cancellationToken, ("name", "not_registered_" + DirectionText(direction)));

    public async Task<int> ExpireAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var connection = await openConnection(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var cutoff = Ms(before);
        await using var expire = Command(connection,
            "UPDATE filing_outbox SET state = 'expired', payload = NULL, payload_key = NULL WHERE state IN ('pending', 'failed', 'to_confirm') AND created_at < @cutoff",
            ("cutoff", cutoff));
        expire.Transaction = transaction;
        var expired = await expire.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = Command(connection,
            "DELETE FROM filing_outbox WHERE state IN ('delivered', 'dismissed') AND created_at < @cutoff", ("cutoff", cutoff));
        delete.Transaction = transaction;
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return expired + deleted;
    }

    internal static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    private static string DirectionText(ExchangeDirection direction) => direction == ExchangeDirection.Outgoing ? "outgoing" : "incoming";

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await openConnection(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<FilingOutboxEntry>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await openConnection(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, parameters);
        var rows = new List<FilingOutboxEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant SQL from this file; values are parameters.
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

#pragma warning disable CA1849 // The row is in memory once ReadAsync returned (no sequential access): IsDBNull does not block.
    private static FilingOutboxEntry Read(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        SourceKind = r.GetString(1),
        SourceId = r.GetString(2),
        Direction = r.GetString(3) == "outgoing" ? ExchangeDirection.Outgoing : ExchangeDirection.Incoming,
        State = r.GetString(4),
        PatientId = r.IsDBNull(5) ? null : r.GetString(5),
        Candidates = r.IsDBNull(6) ? [] : JsonSerializer.Deserialize<List<string>>(r.GetString(6)) ?? [],
        ConfirmReason = r.IsDBNull(7) ? null : r.GetString(7),
        Attempts = Convert.ToInt32(r.GetValue(8), System.Globalization.CultureInfo.InvariantCulture),
        CreatedAt = FromMs(r.GetInt64(9)),
        NextAttemptAt = FromMs(r.GetInt64(10)),
        DeliveredAt = r.IsDBNull(11) ? null : FromMs(r.GetInt64(11)),
        LastError = r.IsDBNull(12) ? null : r.GetString(12),
        Destination = r.IsDBNull(13) ? null : r.GetString(13),
        RenditionSha256 = r.IsDBNull(14) ? null : r.GetString(14),
        ResourceSha256 = r.IsDBNull(15) ? null : r.GetString(15),
        Payload = r.IsDBNull(16) ? null : (byte[])r.GetValue(16),
        PayloadKey = r.IsDBNull(17) ? null : r.GetString(17),
    };
#pragma warning restore CA1849
}

/// <summary>The SQL that differs between providers for the filing outbox.</summary>
public sealed record FilingSqlDialect(string SkipLocked)
{
    /// <summary>SQLite runs one writer at a time: the claim's UPDATE is already exclusive.</summary>
    public static readonly FilingSqlDialect Sqlite = new("");

    /// <summary>PostgreSQL: concurrent workers skip the rows another is claiming instead of waiting.</summary>
    public static readonly FilingSqlDialect Postgres = new(" FOR UPDATE SKIP LOCKED");
}
