using System.Data.Common;
using System.Text.Json;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Json;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Shared;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Infrastructure.Storage.InformedConsent;

/// <summary>The informed-consent store (<see cref="IInformedConsentStore"/>): one implementation for
/// SQLite and PostgreSQL over <see cref="DbConnection"/>. Its own tables (migration 0012) use only
/// shared types, so the SQL is the same on both; what differs (how a connection opens, how a
/// <c>consents</c> date is bound and read) is in <see cref="ConsentSqlDialect"/>.</summary>
/// <remarks>Thread-safe (a singleton): every call opens a pooled connection. Nothing is cached: a
/// withdrawal is visible to the next read.</remarks>
/// <param name="dialect">The provider's connection and date handling.</param>
/// <param name="addresses">Hashes and seals invitation addresses (migration 0013); null: writing or reading
/// an invitation's address is refused (fails closed, never in clear).</param>
public sealed partial class InformedConsentStore(ConsentSqlDialect dialect, PatientAddressProtector? addresses = null) : IInformedConsentStore
{
    /// <summary>The store over a backend's database (<c>StorageBackend.Database</c>), whichever the provider.</summary>
    public static InformedConsentStore For(IStorageDatabase database, PatientAddressProtector? addresses = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new(database is PostgresDatabase postgres ? ConsentSqlDialect.Postgres(postgres) : ConsentSqlDialect.Sqlite((SqliteDatabase)database), addresses);
    }

    public async Task<ConsentPolicyVersion> PublishPolicyAsync(ClinicEmailPolicy policy, string hash, string actorId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var current = await ReadPolicyAsync(connection, transaction, null, cancellationToken).ConfigureAwait(false);
        if (current is not null && string.Equals(current.Hash, hash, StringComparison.Ordinal))
        {
            return current;
        }

        var version = (current?.Version ?? 0) + 1;
        // Two publishers at once: the primary key lets one insert this version; the other fails and retries.
        await ExecuteAsync(connection, transaction, "INSERT INTO consent_policies (version, settings, hash, published_at, published_by) VALUES (@v, @s, @h, @at, @by);", cancellationToken,
            ("v", (long)version), ("s", JsonSerializer.Serialize(policy, ClinicMailJson.Options)), ("h", hash), ("at", at.ToUnixTimeMilliseconds()), ("by", actorId)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ConsentPolicyVersion { Version = version, Policy = policy, Hash = hash, PublishedAt = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()), PublishedBy = actorId };
    }

    public async Task<ConsentPolicyVersion?> CurrentPolicyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadPolicyAsync(connection, null, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ConsentPolicyVersion?> PolicyAsync(int version, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadPolicyAsync(connection, null, version, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DateOnly?> BirthDateAsync(string patientId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        var text = await ScalarAsync(connection, "SELECT birth_date FROM patient_birth_dates WHERE patient_id = @id;", cancellationToken, ("id", patientId)).ConfigureAwait(false);
        return text is string date ? StorageNames.ParseDate(date) : null;
    }

    public async Task SetBirthDateAsync(string patientId, DateOnly birthDate, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "INSERT INTO patient_birth_dates (patient_id, birth_date) VALUES (@id, @d) ON CONFLICT (patient_id) DO UPDATE SET birth_date = excluded.birth_date;",
            cancellationToken, ("id", patientId), ("d", StorageNames.Date(birthDate))).ConfigureAwait(false);
    }

    public async Task SaveEvidenceAsync(ConsentEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null,
            "INSERT INTO consent_evidence (id, patient_id, method, status, policy_version, policy_hash, checklist, uses, categories, invitation_id, address_confirmed, recorded_at, recorded_by) " +
            "VALUES (@id, @p, @m, @s, @v, @h, @c, @u, @cat, @i, @a, @at, @by);", cancellationToken,
            ("id", evidence.Id), ("p", evidence.PatientId), ("m", StorageNames.Of(evidence.Method)), ("s", StorageNames.Of(evidence.Status)),
            ("v", (long)evidence.PolicyVersion), ("h", evidence.PolicyHash), ("c", StorageNames.JsonArray(evidence.Checklist)),
            ("u", StorageNames.JsonArray(evidence.Uses)), ("cat", StorageNames.JsonArray(evidence.Categories)), ("i", evidence.InvitationId),
            ("a", evidence.AddressConfirmed ? 1L : 0L), ("at", evidence.RecordedAt.ToUnixTimeMilliseconds()), ("by", evidence.RecordedBy)).ConfigureAwait(false);
    }

    public async Task<ConsentEvidence?> EvidenceAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT id, patient_id, method, status, policy_version, policy_hash, checklist, uses, categories, invitation_id, address_confirmed, recorded_at, recorded_by FROM consent_evidence WHERE id = @id;",
            ("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ConsentEvidence
        {
            Id = reader.GetString(0),
            PatientId = reader.GetString(1),
            Method = StorageNames.Parse<ConsentMethod>(reader.GetString(2)),
            Status = StorageNames.Parse<ConsentStatus>(reader.GetString(3)),
            PolicyVersion = (int)reader.GetInt64(4),
            PolicyHash = reader.GetString(5),
            Checklist = StorageNames.ParseEnums<InformedConsentItem>(reader.GetString(6)),
            Uses = StorageNames.ParseEnums<ConsentUse>(reader.GetString(7)),
            Categories = StorageNames.ParseEnums<Core.Topics.TopicCategory>(reader.GetString(8)),
            InvitationId = Text(reader, 9),
            AddressConfirmed = reader.GetInt64(10) == 1,
            RecordedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
            RecordedBy = reader.GetString(12),
        };
    }

    private static async Task<ConsentPolicyVersion?> ReadPolicyAsync(DbConnection connection, DbTransaction? transaction, int? version, CancellationToken cancellationToken)
    {
        await using var command = version is { } v
            ? Command(connection, transaction, "SELECT version, settings, hash, published_at, published_by FROM consent_policies WHERE version = @v;", ("v", (long)v))
            : Command(connection, transaction, "SELECT version, settings, hash, published_at, published_by FROM consent_policies ORDER BY version DESC LIMIT 1;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ConsentPolicyVersion
        {
            Version = (int)reader.GetInt64(0),
            Policy = JsonSerializer.Deserialize<ClinicEmailPolicy>(reader.GetString(1), ClinicMailJson.Options)!,
            Hash = reader.GetString(2),
            PublishedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
            PublishedBy = reader.GetString(4),
        };
    }

    internal static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static byte[]? Bytes(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : (byte[])reader.GetValue(ordinal);

    internal static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Every text is a constant of this class; values are parameters.
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

    internal static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<object?> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, null, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }
}
