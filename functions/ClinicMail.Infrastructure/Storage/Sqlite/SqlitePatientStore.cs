using System.Globalization;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;
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
public sealed class SqlitePatientStore(SqliteDatabase database, TimeProvider? timeProvider = null) : IPatientStore
{
    private const int Chunk = 500;

    private const string SelectPatients =
        "SELECT " + PatientRows.PatientColumns + " FROM json_each($keys) AS wanted JOIN patients AS p ON p.{0} = wanted.value " +
        "LEFT JOIN consents AS c ON c.id = p.current_consent_id;";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Inserts the patient or brings the stored one to exactly this state.</summary>
    public Task<UpsertOutcome> UpsertAsync(Patient patient, string actorId, CancellationToken cancellationToken = default) =>
        PatientStoreExtensions.UpsertAsync(this, patient, actorId, cancellationToken);

    /// <summary>Many patients in one transaction (an EMR import, the demo seed, benchmarks): all are written or none.</summary>
    public Task<UpsertSummary> UpsertManyAsync(IEnumerable<Patient> patients, string actorId, CancellationToken cancellationToken = default) =>
        PatientStoreExtensions.UpsertManyAsync(this, patients, actorId, cancellationToken);

    public async Task<IReadOnlyList<PatientDiff>> WriteAsync(IReadOnlyList<Patient> patients, string actorId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patients);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        Postgres.RegistryWrites.RejectRepeatedIds(patients);

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        using var writer = new Writer(connection, transaction, actorId, StorageNames.Instant(_time.GetUtcNow()));
        var diffs = new List<PatientDiff>(patients.Count);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            for (var start = 0; start < patients.Count; start += Chunk)
            {
                var chunk = patients.Skip(start).Take(Chunk).ToList();
                var stored = await LoadManyAsync(connection, transaction, chunk.Select(p => p.Id), "id", cancellationToken).ConfigureAwait(false);
                foreach (var patient in chunk)
                {
                    ArgumentNullException.ThrowIfNull(patient);
                    var diff = PatientDiff.Compute(stored.GetValueOrDefault(patient.Id ?? ""), patient);
                    await writer.ApplyAsync(diff, cancellationToken).ConfigureAwait(false);
                    touched.UnionWith(diff.TouchedAddresses());
                    diffs.Add(diff);
                }
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
                var patient = PatientRows.ReadPatient(reader, 0);
                patients[patient.Id] = patient;
                total = reader.GetInt32(PatientRows.PatientColumnCount);
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
            "local_suffix = $suffix, local_length = $length, keys_version = $version WHERE id = $id;";
        var skeleton = update.Parameters.Add("$skeleton", SqliteType.Text);
        var domain = update.Parameters.Add("$domain", SqliteType.Text);
        var prefix = update.Parameters.Add("$prefix", SqliteType.Text);
        var suffix = update.Parameters.Add("$suffix", SqliteType.Text);
        var length = update.Parameters.Add("$length", SqliteType.Integer);
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
                var patient = PatientRows.ReadPatient(reader, 0);
                patients[patient.Id] = patient;
            }
        }

        return await PatientRows.CompleteAsync(connection, transaction, patients, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The statements of one write transaction, each prepared once and re-bound per row.</summary>
    private sealed class Writer : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;
        private readonly string _actorId;
        private readonly string _now;
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public Writer(SqliteConnection connection, SqliteTransaction transaction, string actorId, string now)
        {
            _connection = connection;
            _transaction = transaction;
            _actorId = actorId;
            _now = now;
        }

        public async Task ApplyAsync(PatientDiff diff, CancellationToken cancellationToken)
        {
            if (diff.IsEmpty)
            {
                return;
            }

            var patient = diff.Patient;
            if (diff.IsInsert)
            {
                await WritePatientAsync(patient, insert: true, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Any change bumps updated_at; the patient row itself only when its fields changed.
                await WritePatientAsync(patient, insert: false, cancellationToken).ConfigureAwait(false);
            }

            foreach (var removed in diff.AddressesRemoved)
            {
                await ExecuteAsync("DELETE FROM patient_addresses WHERE patient_id = $id AND address = $address;", cancellationToken,
                    ("$id", patient.Id), ("$address", removed.Address)).ConfigureAwait(false);
            }

            foreach (var (position, address) in diff.AddressesAdded)
            {
                await InsertAddressAsync(patient.Id, position, address, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (position, address, _) in diff.AddressesUpdated)
            {
                await ExecuteAsync(
                    "UPDATE patient_addresses SET position = $position, kind = $kind, third_party_consented = $tpc, verified_on = $verified, " +
                    "verification_method = $method WHERE patient_id = $id AND address = $address;",
                    cancellationToken,
                    ("$position", position),
                    ("$kind", StorageNames.Of(address.Kind)),
                    ("$tpc", address.ThirdPartyConsented ? 1 : 0),
                    ("$verified", address.VerifiedOn is { } v ? StorageNames.Date(v) : null),
                    ("$method", address.VerificationMethod),
                    ("$id", patient.Id),
                    ("$address", address.Address)).ConfigureAwait(false);
            }

            if (diff.ConsentOperation is "delete")
            {
                await ExecuteAsync("UPDATE patients SET current_consent_id = NULL WHERE id = $id;", cancellationToken, ("$id", patient.Id)).ConfigureAwait(false);
            }
            else if (diff.ConsentOperation is not null)
            {
                await InsertConsentAsync(patient.Id, patient.Consent!, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (entity, operation, fields) in diff.HistoryRows())
            {
                await ExecuteAsync(
                    "INSERT INTO registry_changes (at, actor_id, entity, entity_id, operation, fields) VALUES ($now, $actor, $entity, $entityId, $operation, $fields);",
                    cancellationToken,
                    ("$now", _now),
                    ("$actor", _actorId),
                    ("$entity", entity),
                    ("$entityId", patient.Id),
                    ("$operation", operation),
                    ("$fields", StorageNames.JsonArray(fields))).ConfigureAwait(false);
            }
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

            using var command = _connection.CreateCommand();
            command.Transaction = _transaction;
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
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }
        }

        private Task WritePatientAsync(Patient patient, bool insert, CancellationToken cancellationToken)
        {
            (string, object?)[] values =
            [
                ("$id", patient.Id),
                ("$clinic", patient.ClinicPatientId),
                ("$family", patient.FamilyName),
                ("$given", patient.GivenName),
                ("$language", patient.Language),
                ("$restricted", patient.Restriction is null ? 0 : 1),
                ("$reason", patient.Restriction?.Reason),
                ("$since", patient.Restriction is { } r ? StorageNames.Date(r.Since) : null),
                ("$terms", StorageNames.JsonArray(patient.DeclaredSensitiveTerms)),
                ("$categories", StorageNames.JsonArray<TopicCategory>(patient.DeclaredSensitiveCategories)),
                ("$familyKey", NameKey.Fold(patient.FamilyName)),
                ("$givenKey", NameKey.Fold(patient.GivenName)),
                ("$now", _now),
            ];
            return insert
                ? ExecuteAsync(
                    "INSERT INTO patients (id, clinic_patient_id, family_name, given_name, language, restricted, restriction_reason, " +
                    "restricted_on, declared_terms, declared_categories, family_key, given_key, created_at, updated_at) " +
                    "VALUES ($id, $clinic, $family, $given, $language, $restricted, $reason, $since, $terms, $categories, $familyKey, $givenKey, $now, $now);",
                    cancellationToken, values)
                : ExecuteAsync(
                    "UPDATE patients SET clinic_patient_id = $clinic, family_name = $family, given_name = $given, language = $language, " +
                    "restricted = $restricted, restriction_reason = $reason, restricted_on = $since, declared_terms = $terms, " +
                    "declared_categories = $categories, family_key = $familyKey, given_key = $givenKey, updated_at = $now WHERE id = $id;",
                    cancellationToken, values);
        }

        private Task InsertAddressAsync(string patientId, int position, PatientAddress address, CancellationToken cancellationToken)
        {
            var keys = AddressKeys.For(address.Address);
            return ExecuteAsync(
                "INSERT INTO patient_addresses (patient_id, position, address, address_domain, kind, third_party_consented, verified_on, " +
                "verification_method, skeleton, domain, local_prefix, local_suffix, local_length, keys_version) VALUES ($id, $position, " +
                "$address, $addressDomain, $kind, $tpc, $verified, $method, $skeleton, $domain, $prefix, $suffix, $length, $version);",
                cancellationToken,
                ("$id", patientId),
                ("$position", position),
                ("$address", address.Address),
                ("$addressDomain", AddressNormalizer.Domain(address.Address)),
                ("$kind", StorageNames.Of(address.Kind)),
                ("$tpc", address.ThirdPartyConsented ? 1 : 0),
                ("$verified", address.VerifiedOn is { } v ? StorageNames.Date(v) : null),
                ("$method", address.VerificationMethod),
                ("$skeleton", keys.Skeleton),
                ("$domain", keys.Domain),
                ("$prefix", keys.LocalPrefix),
                ("$suffix", keys.LocalSuffix),
                ("$length", keys.LocalLength),
                ("$version", AddressKeys.AlgorithmVersion));
        }

        private async Task InsertConsentAsync(string patientId, Consent consent, CancellationToken cancellationToken)
        {
            var command = Prepare(
                "INSERT INTO consents (patient_id, status, method, recorded_on, recorded_by, document_reference, email, sms, uses, " +
                "categories, expires_on, created_at) VALUES ($id, $status, $method, $recordedOn, $recordedBy, $document, $email, $sms, " +
                "$uses, $categories, $expires, $now) RETURNING id;",
                ("$id", patientId),
                ("$status", StorageNames.Of(consent.Status)),
                ("$method", consent.Method is { } m ? StorageNames.Of(m) : null),
                ("$recordedOn", consent.RecordedOn is { } on ? StorageNames.Date(on) : null),
                ("$recordedBy", consent.RecordedBy),
                ("$document", consent.DocumentReference),
                ("$email", consent.Email ? 1 : 0),
                ("$sms", consent.Sms ? 1 : 0),
                ("$uses", StorageNames.JsonArray<ConsentUse>(consent.Uses)),
                ("$categories", StorageNames.JsonArray<TopicCategory>(consent.Categories)),
                ("$expires", consent.ExpiresOn is { } e ? StorageNames.Date(e) : null),
                ("$now", _now));
            var consentId = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await ExecuteAsync("UPDATE patients SET current_consent_id = $consent WHERE id = $id;", cancellationToken,
                ("$consent", consentId), ("$id", patientId)).ConfigureAwait(false);
        }

        private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
            await Prepare(sql, parameters).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        /// <summary>The command for this statement text, created on first use and re-bound after.</summary>
        private SqliteCommand Prepare(string sql, params (string Name, object? Value)[] parameters)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = _connection.CreateCommand();
                command.Transaction = _transaction;
#pragma warning disable CA2100 // Every caller passes one of this class's literal statements; values are bound as parameters.
                command.CommandText = sql;
#pragma warning restore CA2100
                foreach (var (name, _) in parameters)
                {
                    command.Parameters.Add(new SqliteParameter { ParameterName = name });
                }

                _commands.Add(sql, command);
            }

            foreach (var (name, value) in parameters)
            {
                command.Parameters[name].Value = value ?? DBNull.Value;
            }

            return command;
        }
    }
}
