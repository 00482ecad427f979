using System.Globalization;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Shared;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary><see cref="IPatientStore"/> on the SQLite registry. Every write is one transaction and
/// leaves a history row per changed entity naming the fields that changed (never their values: the
/// history is for the compliance reviewer, who must not read patient data).</summary>
/// <remarks>Addresses are stored normalized with their near-miss keys; a patient whose address is
/// not a valid e-mail address is refused, because an address that cannot be normalized could never
/// be matched and would give a false sense of being "registered". Consents are append-only: a new
/// consent adds a row and the patient points to it, so the consent history survives. Existing
/// patients are loaded in chunks with one statement per chunk, and every statement is prepared
/// once per write, so an EMR import of 100,000 rows is a few seconds.</remarks>
public sealed class SqlitePatientStore(SqliteDatabase database, TimeProvider? timeProvider = null) : IPatientStore, IFreshPatientWriter
{
    private const int Chunk = 2000;

    private static readonly IReadOnlySet<string> NoFreshIds = new HashSet<string>(StringComparer.Ordinal);

    private static readonly Dictionary<string, Patient> NoneStored = new(StringComparer.Ordinal);

    private const string SelectPatients =
        "SELECT " + PatientRows.PatientColumns + " FROM json_each($keys) AS wanted JOIN patients AS p ON p.{0} = wanted.value " +
        "LEFT JOIN consents AS c ON c.id = p.current_consent_id;";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Fewest added addresses for the bulk-load path (<see cref="BulkIndexes"/>); lowered by tests to exercise it with small files.</summary>
    internal int BulkThreshold { get; init; } = BulkIndexes.MinAddedAddresses;

    /// <summary>Inserts the patient or brings the stored one to exactly this state.</summary>
    public Task<UpsertOutcome> UpsertAsync(Patient patient, string actorId, CancellationToken cancellationToken = default) =>
        PatientStoreExtensions.UpsertAsync(this, patient, actorId, cancellationToken);

    /// <summary>Many patients in one transaction (an EMR import, the demo seed, benchmarks): all are written or none.</summary>
    public Task<UpsertSummary> UpsertManyAsync(IEnumerable<Patient> patients, string actorId, CancellationToken cancellationToken = default) =>
        PatientStoreExtensions.UpsertManyAsync(this, patients, actorId, cancellationToken);

    public Task<IReadOnlyList<PatientDiff>> WriteAsync(IReadOnlyList<Patient> patients, string actorId, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(patients, actorId, NoFreshIds, cancellationToken);

    Task<IReadOnlyList<PatientDiff>> IFreshPatientWriter.WriteAsync(IReadOnlyList<Patient> patients, string actorId, IReadOnlySet<string> freshIds, CancellationToken cancellationToken) =>
        WriteCoreAsync(patients, actorId, freshIds ?? throw new ArgumentNullException(nameof(freshIds)), cancellationToken);

    private async Task<IReadOnlyList<PatientDiff>> WriteCoreAsync(IReadOnlyList<Patient> patients, string actorId, IReadOnlySet<string> freshIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patients);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        RegistryWrites.RejectRepeatedIds(patients);

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        using var writer = new Writer(connection, transaction, actorId, StorageNames.Instant(_time.GetUtcNow()));
        var diffs = new List<PatientDiff>(patients.Count);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            // Two passes in the one (IMMEDIATE, so nobody else writes meanwhile) transaction: every
            // diff first, so the size of the write is known before the first row is written.
            var chunks = new List<List<PatientDiff>>();
            for (var start = 0; start < patients.Count; start += Chunk)
            {
                var chunk = patients.Skip(start).Take(Chunk).ToList();
                // Ids the caller just generated (IFreshPatientWriter) cannot be stored: not read back.
                var known = chunk.Where(p => !freshIds.Contains(p.Id)).Select(p => p.Id).ToList();
                var stored = known.Count == 0 ? NoneStored : await LoadManyAsync(connection, transaction, known, "id", cancellationToken).ConfigureAwait(false);
                var chunkDiffs = chunk.Select(patient => PatientDiff.Compute(stored.GetValueOrDefault(patient.Id ?? ""), patient)).ToList();
                chunks.Add(chunkDiffs);
                diffs.AddRange(chunkDiffs);
            }

            var bulk = await BulkIndexes.DropIfWorthItAsync(connection, transaction, diffs.Sum(d => d.AddressesAdded.Count), BulkThreshold, cancellationToken).ConfigureAwait(false);
            foreach (var chunkDiffs in chunks)
            {
                await writer.ApplyAsync(chunkDiffs, cancellationToken).ConfigureAwait(false);
                foreach (var diff in chunkDiffs)
                {
                    touched.UnionWith(diff.TouchedAddresses());
                }
            }

            if (bulk is not null)
            {
                await bulk.RecreateAsync(cancellationToken).ConfigureAwait(false);
            }

            await writer.CheckAddressOwnershipAsync(touched, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == 19 && exception.SqliteExtendedErrorCode == 2067)
        {
            // SQLITE_CONSTRAINT_UNIQUE: the only unique key a caller can collide with is clinic_patient_id
            // (an address repeated within a patient is refused before any write).
            throw new RegistryConflictException(RegistryConflict.ClinicPatientId, exception);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return diffs;
    }

    /// <summary>The patient with this registry id, complete, or null.</summary>
    public async Task<Patient?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await LoadManyAsync(connection, null, [id], "id", cancellationToken).ConfigureAwait(false)).GetValueOrDefault(id);
    }

    /// <summary>The patient with this clinic (EMR) patient id, complete, or null.</summary>
    public async Task<Patient?> GetByClinicIdAsync(string clinicPatientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clinicPatientId);
        var found = await GetManyByClinicIdsAsync([clinicPatientId], cancellationToken).ConfigureAwait(false);
        return found.GetValueOrDefault(clinicPatientId);
    }

    public async Task<IReadOnlyDictionary<string, Patient>> GetManyByClinicIdsAsync(IReadOnlyCollection<string> clinicPatientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clinicPatientIds);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, Patient>(StringComparer.Ordinal);
        foreach (var chunk in clinicPatientIds.Distinct(StringComparer.Ordinal).Chunk(Chunk))
        {
            var loaded = await LoadManyAsync(connection, null, chunk, "clinic_patient_id", cancellationToken).ConfigureAwait(false);
            foreach (var patient in loaded.Values)
            {
                result[patient.ClinicPatientId] = patient;
            }
        }

        return result;
    }

    /// <summary>The history rows of a patient, oldest first.</summary>
    public async Task<IReadOnlyList<RegistryChange>> HistoryAsync(string patientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT at, actor_id, entity, entity_id, operation, fields FROM registry_changes WHERE entity_id = $id ORDER BY id;";
        command.Parameters.AddWithValue("$id", patientId);
        var changes = new List<RegistryChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            changes.Add(new RegistryChange(
                DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                StorageNames.ParseStrings(reader.GetString(5))));
        }

        return changes;
    }

    /// <summary>Search statement: the first word seeks the family or given name index (a prefix
    /// range: it must start the family or the given name), every word must start a word of the
    /// folded name.</summary>
    internal const string SearchByNameSql =
        "SELECT " + PatientRows.PatientColumns + ", COUNT(*) OVER () FROM patients AS p LEFT JOIN consents AS c ON c.id = p.current_consent_id " +
        "WHERE ((p.family_key >= $first AND p.family_key < $firstEnd) OR (p.given_key >= $first AND p.given_key < $firstEnd)) " +
        "AND NOT EXISTS (SELECT 1 FROM json_each($words) AS w WHERE instr(' ' || p.family_key || ' ' || p.given_key, ' ' || w.value) = 0) " +
        "ORDER BY p.family_key, p.given_key, p.id LIMIT $limit OFFSET $offset;";

    private const string CountByNameSql =
        "SELECT COUNT(*) FROM patients AS p " +
        "WHERE ((p.family_key >= $first AND p.family_key < $firstEnd) OR (p.given_key >= $first AND p.given_key < $firstEnd)) " +
        "AND NOT EXISTS (SELECT 1 FROM json_each($words) AS w WHERE instr(' ' || p.family_key || ' ' || p.given_key, ' ' || w.value) = 0);";

    internal const string SearchByClinicIdSql =
        "SELECT " + PatientRows.PatientColumns + ", COUNT(*) OVER () FROM patients AS p LEFT JOIN consents AS c ON c.id = p.current_consent_id " +
        "WHERE p.clinic_patient_id = $clinic LIMIT $limit OFFSET $offset;";

    public async Task<PatientPage> SearchAsync(PatientSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var words = search.NameWords();
        if (string.IsNullOrEmpty(search.ClinicPatientId) && words.Count == 0)
        {
            return new PatientPage([], 0, search.Page, search.PageSize);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
        var total = 0;
        using (var command = connection.CreateCommand())
        {
            if (!string.IsNullOrEmpty(search.ClinicPatientId))
            {
                command.CommandText = SearchByClinicIdSql;
                command.Parameters.AddWithValue("$clinic", search.ClinicPatientId);
            }
            else
            {
                command.CommandText = SearchByNameSql;
                command.Parameters.AddWithValue("$first", words[0]);
                command.Parameters.AddWithValue("$firstEnd", words[0] + "\uFFFF");
                command.Parameters.AddWithValue("$words", StorageNames.JsonArray(words));
            }

            command.Parameters.AddWithValue("$limit", search.PageSize);
            command.Parameters.AddWithValue("$offset", (long)(search.Page - 1) * search.PageSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var patient = PatientRowReader.ReadPatient(reader, 0);
                patients[patient.Id] = patient;
                total = reader.GetInt32(PatientRowReader.PatientColumnCount);
            }
        }

        if (patients.Count == 0 && search.Page > 1)
        {
            // Past the last page: the total still tells the caller how many there are.
            total = await CountAsync(connection, search, words, cancellationToken).ConfigureAwait(false);
        }

        var complete = await PatientRows.CompleteAsync(connection, null, patients, cancellationToken).ConfigureAwait(false);
        return new PatientPage([.. patients.Keys.Select(id => complete[id])], total, search.Page, search.PageSize);
    }

    /// <summary>Recomputes the near-miss keys of addresses written under an older
    /// <see cref="AddressKeys.AlgorithmVersion"/>. Run at start-up and by <c>clinicmail db migrate</c>
    /// after an upgrade; cheap when there is nothing to do (an index on the version).</summary>
    /// <returns>The number of addresses re-keyed.</returns>
    public async Task<int> RefreshAddressKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var stale = new List<(long Id, string Address)>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT id, address FROM patient_addresses WHERE keys_version <> $version;";
            select.Parameters.AddWithValue("$version", AddressKeys.AlgorithmVersion);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stale.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        using var update = connection.CreateCommand();
        update.Transaction = transaction;
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
        foreach (var (rowId, address) in stale)
        {
            var keys = AddressKeys.For(address);
            skeleton.Value = keys.Skeleton;
            domain.Value = keys.Domain;
            prefix.Value = keys.LocalPrefix;
            suffix.Value = keys.LocalSuffix;
            length.Value = keys.LocalLength;
            outer.Value = keys.LocalOuter;
            id.Value = rowId;
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stale.Count;
    }

    private static async Task<int> CountAsync(SqliteConnection connection, PatientSearch search, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        if (!string.IsNullOrEmpty(search.ClinicPatientId))
        {
            command.CommandText = "SELECT COUNT(*) FROM patients WHERE clinic_patient_id = $clinic;";
            command.Parameters.AddWithValue("$clinic", search.ClinicPatientId);
        }
        else
        {
            command.CommandText = CountByNameSql;
            command.Parameters.AddWithValue("$first", words[0]);
            command.Parameters.AddWithValue("$firstEnd", words[0] + "\uFFFF");
            command.Parameters.AddWithValue("$words", StorageNames.JsonArray(words));
        }

        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>Complete patients (addresses included) whose <paramref name="column"/> ("id" or
    /// "clinic_patient_id") is one of <paramref name="keys"/>, keyed by registry id.</summary>
    private static async Task<Dictionary<string, Patient>> LoadManyAsync(
        SqliteConnection connection, SqliteTransaction? transaction, IEnumerable<string> keys, string column, CancellationToken cancellationToken)
    {
        var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
#pragma warning disable CA2100 // The column is one of two literals chosen by this class.
            command.CommandText = string.Format(CultureInfo.InvariantCulture, SelectPatients, column is "id" ? "id" : "clinic_patient_id");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("$keys", StorageNames.JsonArray(keys));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var patient = PatientRowReader.ReadPatient(reader, 0);
                patients[patient.Id] = patient;
            }
        }

        return await PatientRows.CompleteAsync(connection, transaction, patients, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The writes of one transaction, set-based: each chunk's diffs become at most nine
    /// statements that read their rows from one JSON array parameter (<c>json_each</c>), so the cost
    /// is SQLite's own row work, not a million parameter bindings (per-row statements made a
    /// 100,000-patient import take 15 s).</summary>
    private sealed class Writer(SqliteConnection connection, SqliteTransaction transaction, string actorId, string now) : IDisposable
    {
        private const string J = "json_each($rows) AS j";

        public async Task ApplyAsync(IReadOnlyList<PatientDiff> diffs, CancellationToken cancellationToken)
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

        /// <summary>After the writes, inside the transaction: an address held by two patients is
        /// allowed only when every holder has it as family-shared. Checked on the final state, so a
        /// batch that moves an address from one patient to another is fine.</summary>
        public async Task CheckAddressOwnershipAsync(IReadOnlyCollection<string> touched, CancellationToken cancellationToken)
        {
            if (touched.Count == 0)
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                "SELECT a.address FROM json_each($addresses) AS w JOIN patient_addresses AS a ON a.address = w.value " +
                "GROUP BY a.address HAVING COUNT(*) > 1 AND SUM(a.kind <> 'family_shared') > 0 LIMIT 1;";
            command.Parameters.AddWithValue("$addresses", StorageNames.JsonArray(touched));
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new RegistryConflictException(RegistryConflict.Address);
            }
        }

        public void Dispose()
        {
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
