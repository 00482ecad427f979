using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>The filing outbox on either provider (schema: Migrations/0011_record_filing.sql), written
/// once over <see cref="SqlCommands"/>: times are Unix milliseconds on both, so the only SQL that
/// differs is the claim's row locking (<see cref="SqlDialect.SkipLocked"/>).</summary>
/// <remarks>Thread-safe; one connection per operation from the provider's pool.</remarks>
public sealed class FilingOutboxStore(IStorageDatabase database) : IFilingOutboxStore
{
    private const string Columns = "id, source_kind, source_id, direction, state, patient_id, candidates, confirm_reason, attempts, created_at, next_attempt_at, delivered_at, last_error, destination, rendition_sha256, resource_sha256, payload, payload_key";

    public async Task<bool> TryEnqueueAsync(FilingOutboxEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return await database.ExecuteAsync(
            """
            INSERT INTO filing_outbox (id, source_kind, source_id, direction, state, patient_id, candidates, confirm_reason, attempts, created_at, next_attempt_at, payload, payload_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12)
            ON CONFLICT DO NOTHING
            """,
            cancellationToken,
            entry.Id, entry.SourceKind, entry.SourceId, DirectionText(entry.Direction), entry.State, entry.PatientId,
            entry.Candidates.Count == 0 ? null : JsonSerializer.Serialize(entry.Candidates), entry.ConfirmReason,
            Ms(entry.CreatedAt), Ms(entry.NextAttemptAt), entry.Payload, entry.PayloadKey).ConfigureAwait(false) == 1;
    }

    public async Task<FilingOutboxEntry?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync($"SELECT {Columns} FROM filing_outbox WHERE id = $1", Read, cancellationToken, id).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<FilingOutboxEntry>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default) =>
        // The outer WHERE repeats the conditions: on PostgreSQL a row another worker claimed between the
        // sub-select and the update is re-checked against them (and skipped), so a row is never claimed twice.
        await database.QueryAsync(
            $"""
            UPDATE filing_outbox
               SET attempts = attempts + 1, lease_until = $2
             WHERE id IN (SELECT id FROM filing_outbox
                           WHERE state = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
                           ORDER BY next_attempt_at, id LIMIT $3{database.Dialect.SkipLocked})
               AND state = 'pending' AND (lease_until IS NULL OR lease_until < $1)
            RETURNING {Columns}
            """,
            Read, cancellationToken, Ms(now), Ms(leaseUntil), limit).ConfigureAwait(false);

    public Task MarkDeliveredAsync(string id, FilingDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return database.ExecuteAsync(
            """
            UPDATE filing_outbox
               SET state = 'delivered', delivered_at = $2, destination = $3, rendition_sha256 = $4,
                   resource_sha256 = $5, last_error = NULL, lease_until = NULL, payload = NULL, payload_key = NULL
             WHERE id = $1
            """,
            cancellationToken, id, Ms(delivery.At), delivery.Destination, delivery.RenditionSha256, delivery.ResourceSha256);
    }

    public Task MarkFailedAsync(string id, string errorCode, DateTimeOffset? retryAt, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(
            "UPDATE filing_outbox SET state = $2, last_error = $3, next_attempt_at = $4, lease_until = NULL WHERE id = $1 AND state = 'pending'",
            cancellationToken, id, retryAt is null ? FilingStates.Failed : FilingStates.Pending, errorCode, retryAt is null ? 0L : Ms(retryAt.Value));

    public Task SetPatientAsync(string id, string patientId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE filing_outbox SET patient_id = $2 WHERE id = $1", cancellationToken, id, patientId);

    public Task SetToConfirmAsync(string id, string reason, IReadOnlyList<string> candidates, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(
            "UPDATE filing_outbox SET state = 'to_confirm', confirm_reason = $2, candidates = $3, lease_until = NULL WHERE id = $1 AND state = 'pending'",
            cancellationToken, id, reason, JsonSerializer.Serialize(candidates));

    public async Task<bool> ResolveAsync(string id, string? patientId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        patientId is null
            ? await database.ExecuteAsync(
                "UPDATE filing_outbox SET state = 'dismissed', payload = NULL, payload_key = NULL WHERE id = $1 AND state = 'to_confirm'",
                cancellationToken, id).ConfigureAwait(false) == 1
            : await database.ExecuteAsync(
                "UPDATE filing_outbox SET state = 'pending', patient_id = $2, next_attempt_at = $3, last_error = NULL WHERE id = $1 AND state = 'to_confirm'",
                cancellationToken, id, patientId, Ms(now)).ConfigureAwait(false) == 1;

    public async Task<bool> RetryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            "UPDATE filing_outbox SET state = 'pending', attempts = 0, next_attempt_at = $2 WHERE id = $1 AND state = 'failed'",
            cancellationToken, id, Ms(now)).ConfigureAwait(false) == 1;

    public async Task<IReadOnlyList<FilingOutboxEntry>> ListAsync(string state, int limit, CancellationToken cancellationToken = default) =>
        await database.QueryAsync($"SELECT {Columns} FROM filing_outbox WHERE state = $1 ORDER BY created_at DESC, id LIMIT $2",
            Read, cancellationToken, state, limit).ConfigureAwait(false);

    public async Task<FilingCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync(
            """
            SELECT
              (SELECT COUNT(*) FROM filing_outbox WHERE state = 'pending'),
              (SELECT COUNT(*) FROM filing_outbox WHERE state = 'delivered'),
              (SELECT COUNT(*) FROM filing_outbox WHERE state = 'failed'),
              (SELECT COUNT(*) FROM filing_outbox WHERE state = 'to_confirm'),
              (SELECT COALESCE(SUM(value), 0) FROM filing_counters WHERE name LIKE 'not_registered_%'),
              (SELECT MIN(created_at) FROM filing_outbox WHERE state = 'pending')
            """,
            ReadCounts, cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    public Task CountNotRegisteredAsync(ExchangeDirection direction, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(
            "INSERT INTO filing_counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = filing_counters.value + 1",
            cancellationToken, "not_registered_" + DirectionText(direction));

    public Task<int> ExpireAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var cutoff = Ms(before);
            var expired = await connection.ExecuteAsync(transaction, database.Dialect,
                "UPDATE filing_outbox SET state = 'expired', payload = NULL, payload_key = NULL WHERE state IN ('pending', 'failed', 'to_confirm') AND created_at < $1",
                cancellationToken, cutoff).ConfigureAwait(false);
            var deleted = await connection.ExecuteAsync(transaction, database.Dialect,
                "DELETE FROM filing_outbox WHERE state IN ('delivered', 'dismissed') AND created_at < $1",
                cancellationToken, cutoff).ConfigureAwait(false);
            return expired + deleted;
        }, cancellationToken);

    internal static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    private static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private static string DirectionText(ExchangeDirection direction) => direction == ExchangeDirection.Outgoing ? "outgoing" : "incoming";

#pragma warning disable CA1849 // The row is in memory once ReadAsync returned (no sequential access): IsDBNull does not block.
    private static FilingCounts ReadCounts(DbDataReader r) =>
        new(Long(r, 0), Long(r, 1), Long(r, 2), Long(r, 3), Long(r, 4), r.IsDBNull(5) ? null : FromMs(Long(r, 5)));

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
        Attempts = Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture),
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
