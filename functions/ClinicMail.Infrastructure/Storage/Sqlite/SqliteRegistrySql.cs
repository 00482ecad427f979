using System.Data.Common;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Shared;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>SQLite's side of <see cref="RegistrySql"/>: key sets as one JSON array parameter expanded
/// by <c>json_each</c> (constant SQL text, no 999-parameter ceiling), writes as set-based statements
/// over JSON rows, and the bulk-load path of <see cref="BulkIndexes"/>.</summary>
internal sealed class SqliteRegistrySql : RegistrySql
{
    public static readonly SqliteRegistrySql Instance = new();

    private SqliteRegistrySql()
    {
    }

    public override object KeySet(IEnumerable<string> keys) => StorageNames.JsonArray(keys);

    public override string PatientsByIdSql =>
        "SELECT " + PatientColumns + " FROM json_each($1) AS wanted JOIN patients AS p ON p.id = wanted.value" + ConsentJoin + ";";

    public override string AddressesByIdSql =>
        "SELECT " + PatientRowReader.AddressColumns + " FROM json_each($1) AS wanted " +
        "JOIN patient_addresses AS a ON a.patient_id = wanted.value ORDER BY a.patient_id, a.position;";

    public override string PatientsByClinicIdSql =>
        "SELECT " + PatientColumns + " FROM json_each($1) AS wanted JOIN patients AS p ON p.clinic_patient_id = wanted.value" + ConsentJoin + ";";

    public override string AddressesByClinicIdSql =>
        "SELECT " + PatientRowReader.AddressColumns + " FROM json_each($1) AS wanted JOIN patients AS p ON p.clinic_patient_id = wanted.value " +
        "JOIN patient_addresses AS a ON a.patient_id = p.id ORDER BY a.patient_id, a.position;";

    /// <summary>The first word seeks the family or given name index as a range (<c>$1</c> to <c>$2</c>),
    /// <c>$3</c> is the JSON array of every word.</summary>
    public override string SearchByNameSql =>
        "SELECT " + PatientColumns + ", COUNT(*) OVER () FROM patients AS p" + ConsentJoin + " " +
        "WHERE ((p.family_key >= $1 AND p.family_key < $2) OR (p.given_key >= $1 AND p.given_key < $2)) " +
        "AND NOT EXISTS (SELECT 1 FROM json_each($3) AS w WHERE instr(' ' || p.family_key || ' ' || p.given_key, ' ' || w.value) = 0) " +
        "ORDER BY p.family_key, p.given_key, p.id LIMIT $4 OFFSET $5;";

    public override object?[] NameSearchValues(IReadOnlyList<string> words) => [words[0], words[0] + "\uFFFF", StorageNames.JsonArray(words)];

    /// <summary>None: the IMMEDIATE transaction already holds SQLite's one write lock.</summary>
    public override string LockForUpdate => "";

    public override async Task RekeyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(long Id, AddressKeys Keys)> rows, CancellationToken cancellationToken)
    {
        // One prepared statement, rebound per row (a re-key is rare and SQLite's per-row cost is microseconds).
        await using var update = (SqliteCommand)connection.CreateCommand();
        update.Transaction = (SqliteTransaction)transaction;
        update.CommandText = "UPDATE patient_addresses SET skeleton = $skeleton, domain = $domain, local_prefix = $prefix, " +
            "local_suffix = $suffix, local_length = $length, local_outer = $outer, keys_version = $version WHERE id = $id;";
        var skeleton = update.Parameters.Add("$skeleton", SqliteType.Text);
        var domain = update.Parameters.Add("$domain", SqliteType.Text);
        var prefix = update.Parameters.Add("$prefix", SqliteType.Text);
        var suffix = update.Parameters.Add("$suffix", SqliteType.Text);
        var length = update.Parameters.Add("$length", SqliteType.Integer);
        var outer = update.Parameters.Add("$outer", SqliteType.Text);
        update.Parameters.AddWithValue("$version", AddressKeys.AlgorithmVersion);
        var id = update.Parameters.Add("$id", SqliteType.Integer);
        foreach (var (rowId, keys) in rows)
        {
            skeleton.Value = keys.Skeleton;
            domain.Value = keys.Domain;
            prefix.Value = keys.LocalPrefix;
            suffix.Value = keys.LocalSuffix;
            length.Value = keys.LocalLength;
            outer.Value = keys.LocalOuter;
            id.Value = rowId;
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override string SharedAddressConflictSql =>
        "SELECT a.address FROM json_each($1) AS w JOIN patient_addresses AS a ON a.address = w.value " +
        "GROUP BY a.address HAVING COUNT(*) > 1 AND SUM(a.kind <> 'family_shared') > 0 LIMIT 1;";

    /// <summary>One command of several statements: Microsoft.Data.Sqlite runs them in turn, one result
    /// set each, and binds the same named parameters in every one.</summary>
    public override async Task<T> ReadStatementsAsync<T>(DbConnection connection, DbTransaction? transaction, string[] statements, object?[] values, Func<DbDataReader, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(transaction, SqliteDialect.Instance, string.Concat(statements), values);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await read(reader).ConfigureAwait(false);
    }

    public override bool WritesWhileDiffing => false;

    public override RegistryWriter CreateWriter(DbConnection connection, DbTransaction transaction, string actorId, DateTimeOffset now) =>
        new Writer((SqliteConnection)connection, (SqliteTransaction)transaction, actorId, StorageNames.Instant(now));

    public override async Task<IRegistryBulkLoad?> BulkLoadAfterDiffAsync(DbConnection connection, DbTransaction transaction, int addedAddresses, int threshold, CancellationToken cancellationToken) =>
        await BulkIndexes.DropIfWorthItAsync((SqliteConnection)connection, (SqliteTransaction)transaction, addedAddresses, threshold, cancellationToken).ConfigureAwait(false);

    /// <summary>SQLITE_CONSTRAINT_UNIQUE: the registry's one unique key a caller can break.</summary>
    public override bool IsClinicIdConflict(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 };

    /// <summary>The writes of one transaction, set-based: each chunk's diffs become at most nine
    /// statements that read their rows from one JSON array parameter (<c>json_each</c>), so the cost
    /// is SQLite's own row work, not a million parameter bindings (per-row statements made a
    /// 100,000-patient import take 15 s).</summary>
    private sealed class Writer(SqliteConnection connection, SqliteTransaction transaction, string actorId, string now) : RegistryWriter
    {
        private const string J = "json_each($rows) AS j";

        public override async Task WriteAsync(IReadOnlyList<PatientDiff> diffs, CancellationToken cancellationToken)
        {
            var changed = diffs.Where(d => !d.IsEmpty).ToList();
            if (changed.Count == 0)
            {
                return;
            }

            var inserts = changed.Where(d => d.IsInsert).Select(d => PatientRow(d.Patient)).ToList();
            await RunAsync(inserts,
                "INSERT INTO patients (id, clinic_patient_id, family_name, given_name, language, restricted, restriction_reason, restricted_on, " +
                "declared_terms, declared_categories, family_key, given_key, created_at, updated_at) SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, " +
                "j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value -> 8, j.value -> 9, j.value ->> 10, j.value ->> 11, " +
                "$now, $now FROM " + J + ";", cancellationToken).ConfigureAwait(false);

            var updates = changed.Where(d => !d.IsInsert).Select(d => PatientRow(d.Patient)).ToList();
            await RunAsync(updates,
                "UPDATE patients SET clinic_patient_id = u.clinic, family_name = u.family, given_name = u.given, language = u.language, restricted = u.restricted, " +
                "restriction_reason = u.reason, restricted_on = u.since, declared_terms = u.terms, declared_categories = u.categories, family_key = u.fkey, " +
                "given_key = u.gkey, updated_at = $now FROM (SELECT j.value ->> 0 AS id, j.value ->> 1 AS clinic, j.value ->> 2 AS family, j.value ->> 3 AS given, " +
                "j.value ->> 4 AS language, j.value ->> 5 AS restricted, j.value ->> 6 AS reason, j.value ->> 7 AS since, j.value -> 8 AS terms, " +
                "j.value -> 9 AS categories, j.value ->> 10 AS fkey, j.value ->> 11 AS gkey FROM " + J + ") AS u WHERE patients.id = u.id;", cancellationToken).ConfigureAwait(false);

            var removed = changed.SelectMany(d => d.AddressesRemoved.Select(a => new object?[] { d.Patient.Id, a.Address })).ToList();
            await RunAsync(removed,
                "DELETE FROM patient_addresses WHERE (patient_id, address) IN (SELECT j.value ->> 0, j.value ->> 1 FROM " + J + ");", cancellationToken).ConfigureAwait(false);

            var updated = changed.SelectMany(d => d.AddressesUpdated.Select(a => new object?[]
            {
                d.Patient.Id, a.Address.Address, a.Position, StorageNames.Of(a.Address.Kind), a.Address.ThirdPartyConsented ? 1 : 0,
                a.Address.VerifiedOn is { } v ? StorageNames.Date(v) : null, a.Address.VerificationMethod,
            })).ToList();
            await RunAsync(updated,
                "UPDATE patient_addresses SET position = u.position, kind = u.kind, third_party_consented = u.tpc, verified_on = u.verified, " +
                "verification_method = u.method FROM (SELECT j.value ->> 0 AS pid, j.value ->> 1 AS address, j.value ->> 2 AS position, j.value ->> 3 AS kind, " +
                "j.value ->> 4 AS tpc, j.value ->> 5 AS verified, j.value ->> 6 AS method FROM " + J + ") AS u " +
                "WHERE patient_addresses.patient_id = u.pid AND patient_addresses.address = u.address;", cancellationToken).ConfigureAwait(false);

            var added = changed.SelectMany(d => d.AddressesAdded.Select(a =>
            {
                var keys = AddressKeys.For(a.Address.Address);
                return new object?[]
                {
                    d.Patient.Id, a.Position, a.Address.Address, AddressNormalizer.Domain(a.Address.Address), StorageNames.Of(a.Address.Kind),
                    a.Address.ThirdPartyConsented ? 1 : 0, a.Address.VerifiedOn is { } v ? StorageNames.Date(v) : null, a.Address.VerificationMethod,
                    keys.Skeleton, keys.Domain, keys.LocalPrefix, keys.LocalSuffix, keys.LocalLength, keys.LocalOuter,
                };
            })).ToList();
            await RunAsync(added,
                "INSERT INTO patient_addresses (patient_id, position, address, address_domain, kind, third_party_consented, verified_on, verification_method, " +
                "skeleton, domain, local_prefix, local_suffix, local_length, local_outer, keys_version) SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, " +
                "j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11, " +
                "j.value ->> 12, j.value ->> 13, $version FROM " + J + ";", cancellationToken, ("$version", AddressKeys.AlgorithmVersion)).ConfigureAwait(false);

            var cleared = changed.Where(d => d.ConsentOperation is "delete").Select(d => new object?[] { d.Patient.Id }).ToList();
            await RunAsync(cleared,
                "UPDATE patients SET current_consent_id = NULL WHERE id IN (SELECT j.value ->> 0 FROM " + J + ");", cancellationToken).ConfigureAwait(false);

            var consents = changed.Where(d => d.ConsentOperation is "insert" or "update").Select(d =>
            {
                var c = d.Patient.Consent!;
                return new object?[]
                {
                    d.Patient.Id, StorageNames.Of(c.Status), c.Method is { } m ? StorageNames.Of(m) : null, c.RecordedOn is { } on ? StorageNames.Date(on) : null,
                    c.RecordedBy, c.DocumentReference, c.Email ? 1 : 0, c.Sms ? 1 : 0, c.Uses.Select(StorageNames.Of).ToArray(),
                    c.Categories.Select(StorageNames.Of).ToArray(), c.ExpiresOn is { } e ? StorageNames.Date(e) : null,
                };
            }).ToList();
            await RunAsync(consents,
                "INSERT INTO consents (patient_id, status, method, recorded_on, recorded_by, document_reference, email, sms, uses, categories, expires_on, " +
                "created_at) SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7, " +
                "j.value -> 8, j.value -> 9, j.value ->> 10, $now FROM " + J + ";", cancellationToken).ConfigureAwait(false);
            // The consent just inserted is the patient's newest row: point the patient at it.
            await RunAsync(consents,
                "UPDATE patients SET current_consent_id = (SELECT MAX(c.id) FROM consents AS c WHERE c.patient_id = patients.id) " +
                "WHERE id IN (SELECT j.value ->> 0 FROM " + J + ");", cancellationToken).ConfigureAwait(false);

            var history = changed.SelectMany(d => d.HistoryRows().Select(h => new object?[] { h.Entity, d.Patient.Id, h.Operation, h.Fields })).ToList();
            await RunAsync(history,
                "INSERT INTO registry_changes (at, actor_id, entity, entity_id, operation, fields) SELECT $now, $actor, j.value ->> 0, j.value ->> 1, " +
                "j.value ->> 2, j.value -> 3 FROM " + J + ";", cancellationToken, ("$actor", actorId)).ConfigureAwait(false);
        }

        private static object?[] PatientRow(Patient p) =>
        [
            p.Id, p.ClinicPatientId, p.FamilyName, p.GivenName, p.Language, p.Restriction is null ? 0 : 1, p.Restriction?.Reason,
            p.Restriction is { } r ? StorageNames.Date(r.Since) : null, p.DeclaredSensitiveTerms,
            p.DeclaredSensitiveCategories.Select(StorageNames.Of).ToArray(), NameKey.Fold(p.FamilyName), NameKey.Fold(p.GivenName),
        ];

        private async Task RunAsync(List<object?[]> rows, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] extra)
        {
            if (rows.Count == 0)
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
#pragma warning disable CA2100 // Every caller passes one of this class's literal statements; values travel in the JSON parameter.
            command.CommandText = sql;
#pragma warning restore CA2100
            command.Parameters.AddWithValue("$rows", JsonRows.Write(rows));
            if (sql.Contains("$now", StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue("$now", now);
            }

            foreach (var (name, value) in extra)
            {
                command.Parameters.AddWithValue(name, value);
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
