using System.Globalization;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>Writes and reads whole patients in the SQLite registry. Every write is one transaction
/// and leaves a history row per changed entity naming the fields that changed (never their values:
/// the history is for the compliance reviewer, who must not read patient data).</summary>
/// <remarks>Addresses are stored normalized with their near-miss keys; a patient whose address is
/// not a valid e-mail address is refused, because an address that cannot be normalized could never
/// be matched and would give a false sense of being "registered". Consents are append-only: a new
/// consent adds a row and the patient points to it, so the consent history survives.</remarks>
public sealed class SqlitePatientStore(SqliteDatabase database, TimeProvider? timeProvider = null)
{
    private static readonly string[] PatientFields =
        ["clinic_patient_id", "family_name", "given_name", "language", "restriction", "declared_terms", "declared_categories"];

    private static readonly string[] AddressFields =
        ["address", "kind", "third_party_consented", "verified_on", "verification_method", "position"];

    private static readonly string[] ConsentFields =
        ["status", "method", "recorded_on", "recorded_by", "document_reference", "email", "sms", "uses", "categories", "expires_on"];

    private const string SelectPatientById =
        "SELECT " + PatientRows.PatientColumns + " FROM patients AS p LEFT JOIN consents AS c ON c.id = p.current_consent_id WHERE p.id = $key;";

    private const string SelectPatientByClinicId =
        "SELECT " + PatientRows.PatientColumns + " FROM patients AS p LEFT JOIN consents AS c ON c.id = p.current_consent_id WHERE p.clinic_patient_id = $key;";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Inserts the patient or brings the stored one to exactly this state (addresses not
    /// listed are removed). Writing the same patient twice changes nothing and records nothing.</summary>
    /// <param name="patient">The whole patient, addresses and current consent included.</param>
    /// <param name="actorId">Who makes the change (an actor id, never a name), for the history.</param>
    /// <param name="cancellationToken">Cancels the write (the transaction rolls back).</param>
    /// <exception cref="ArgumentException">An address is invalid or listed twice, or the language is not fr/en.</exception>
    /// <exception cref="RegistryConflictException">Another patient has the same clinic patient id.</exception>
    public async Task<UpsertOutcome> UpsertAsync(Patient patient, string actorId, CancellationToken cancellationToken = default)
    {
        var summary = await UpsertManyAsync([patient], actorId, cancellationToken).ConfigureAwait(false);
        return summary.Inserted == 1 ? UpsertOutcome.Inserted
            : summary.Updated == 1 ? UpsertOutcome.Updated
            : UpsertOutcome.Unchanged;
    }

    /// <summary><see cref="UpsertAsync"/> for many patients in one transaction (an EMR import, the
    /// demo seed, benchmarks): all are written or none.</summary>
    public async Task<UpsertSummary> UpsertManyAsync(IEnumerable<Patient> patients, string actorId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patients);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var writer = new Writer(connection, transaction, actorId, StorageNames.Instant(_time.GetUtcNow()));
        int inserted = 0, updated = 0, unchanged = 0;
        try
        {
            foreach (var patient in patients)
            {
                switch (await writer.UpsertAsync(patient, cancellationToken).ConfigureAwait(false))
                {
                    case UpsertOutcome.Inserted:
                        inserted++;
                        break;
                    case UpsertOutcome.Updated:
                        updated++;
                        break;
                    case UpsertOutcome.Unchanged:
                        unchanged++;
                        break;
                }
            }
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == 19 && exception.SqliteExtendedErrorCode == 2067)
        {
            // SQLITE_CONSTRAINT_UNIQUE: the only unique key a caller can collide with is clinic_patient_id.
            throw new RegistryConflictException("Another patient already has this clinic patient id.", exception);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new UpsertSummary(inserted, updated, unchanged);
    }

    /// <summary>The patient with this registry id, complete, or null.</summary>
    public Task<Patient?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return GetAsync(id, byClinicId: false, cancellationToken);
    }

    /// <summary>The patient with this clinic (EMR) patient id, complete, or null.</summary>
    public Task<Patient?> GetByClinicIdAsync(string clinicPatientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clinicPatientId);
        return GetAsync(clinicPatientId, byClinicId: true, cancellationToken);
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

    /// <summary>Recomputes the near-miss keys of addresses written under an older
    /// <see cref="AddressKeys.AlgorithmVersion"/>. Run at start-up after an upgrade; cheap when there
    /// is nothing to do (an index on the version).</summary>
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

    private async Task<Patient?> GetAsync(string key, bool byClinicId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await LoadAsync(connection, null, key, byClinicId, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Patient?> LoadAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string key, bool byClinicId, CancellationToken cancellationToken)
    {
        Patient? patient = null;
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            if (byClinicId)
            {
                command.CommandText = SelectPatientByClinicId;
            }
            else
            {
                command.CommandText = SelectPatientById;
            }

            command.Parameters.AddWithValue("$key", key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                patient = PatientRows.ReadPatient(reader, 0);
            }
        }

        if (patient is null)
        {
            return null;
        }

        var complete = await PatientRows.CompleteAsync(
            connection, transaction, new Dictionary<string, Patient>(StringComparer.Ordinal) { [patient.Id] = patient }, cancellationToken).ConfigureAwait(false);
        return complete[patient.Id];
    }

    /// <summary>The writes of one transaction.</summary>
    private sealed class Writer(SqliteConnection connection, SqliteTransaction transaction, string actorId, string now)
    {
        public async Task<UpsertOutcome> UpsertAsync(Patient patient, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(patient);
            ArgumentException.ThrowIfNullOrWhiteSpace(patient.Id);
            ArgumentException.ThrowIfNullOrWhiteSpace(patient.ClinicPatientId);
            if (patient.Language is not ("fr" or "en"))
            {
                throw new ArgumentException("The patient language must be \"fr\" or \"en\".", nameof(patient));
            }

            var addresses = Normalize(patient.Addresses);
            var existing = await LoadAsync(connection, transaction, patient.Id, byClinicId: false, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                await WritePatientAsync(patient, insert: true, cancellationToken).ConfigureAwait(false);
                await HistoryAsync("patient", patient.Id, "insert", PatientFields, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < addresses.Count; i++)
                {
                    await InsertAddressAsync(patient.Id, i, addresses[i], cancellationToken).ConfigureAwait(false);
                    await HistoryAsync("address", patient.Id, "insert", AddressFields, cancellationToken).ConfigureAwait(false);
                }

                if (patient.Consent is not null)
                {
                    await InsertConsentAsync(patient.Id, patient.Consent, cancellationToken).ConfigureAwait(false);
                    await HistoryAsync("consent", patient.Id, "insert", ConsentFields, cancellationToken).ConfigureAwait(false);
                }

                return UpsertOutcome.Inserted;
            }

            var changed = false;
            var patientChanges = PatientChanges(existing, patient);
            if (patientChanges.Count > 0)
            {
                await WritePatientAsync(patient, insert: false, cancellationToken).ConfigureAwait(false);
                await HistoryAsync("patient", patient.Id, "update", patientChanges, cancellationToken).ConfigureAwait(false);
                changed = true;
            }

            changed |= await SyncAddressesAsync(patient.Id, existing.Addresses, addresses, cancellationToken).ConfigureAwait(false);

            var consentChanges = ConsentChanges(existing.Consent, patient.Consent);
            if (consentChanges.Count > 0)
            {
                if (patient.Consent is null)
                {
                    await ExecuteAsync("UPDATE patients SET current_consent_id = NULL WHERE id = $id;", cancellationToken, ("$id", patient.Id)).ConfigureAwait(false);
                    await HistoryAsync("consent", patient.Id, "delete", consentChanges, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await InsertConsentAsync(patient.Id, patient.Consent, cancellationToken).ConfigureAwait(false);
                    await HistoryAsync("consent", patient.Id, existing.Consent is null ? "insert" : "update", consentChanges, cancellationToken).ConfigureAwait(false);
                }

                changed = true;
            }

            if (!changed)
            {
                return UpsertOutcome.Unchanged;
            }

            await ExecuteAsync("UPDATE patients SET updated_at = $now WHERE id = $id;", cancellationToken, ("$now", now), ("$id", patient.Id)).ConfigureAwait(false);
            return UpsertOutcome.Updated;
        }

        private static List<PatientAddress> Normalize(IReadOnlyList<PatientAddress> addresses)
        {
            var result = new List<PatientAddress>(addresses.Count);
            for (var i = 0; i < addresses.Count; i++)
            {
                var normalized = AddressNormalizer.Normalize(addresses[i].Address)
                    ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Address {i} of the patient is not a valid e-mail address."), nameof(addresses));
                if (result.Exists(a => string.Equals(a.Address, normalized, StringComparison.Ordinal)))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Address {i} of the patient repeats an earlier one."), nameof(addresses));
                }

                result.Add(addresses[i] with { Address = normalized });
            }

            return result;
        }

        private async Task<bool> SyncAddressesAsync(
            string patientId, IReadOnlyList<PatientAddress> stored, List<PatientAddress> wanted, CancellationToken cancellationToken)
        {
            var changed = false;
            foreach (var old in stored)
            {
                if (!wanted.Exists(a => string.Equals(a.Address, old.Address, StringComparison.Ordinal)))
                {
                    await ExecuteAsync("DELETE FROM patient_addresses WHERE patient_id = $id AND address = $address;", cancellationToken,
                        ("$id", patientId), ("$address", old.Address)).ConfigureAwait(false);
                    await HistoryAsync("address", patientId, "delete", ["address"], cancellationToken).ConfigureAwait(false);
                    changed = true;
                }
            }

            for (var position = 0; position < wanted.Count; position++)
            {
                var address = wanted[position];
                var oldPosition = IndexOf(stored, address.Address);
                if (oldPosition < 0)
                {
                    await InsertAddressAsync(patientId, position, address, cancellationToken).ConfigureAwait(false);
                    await HistoryAsync("address", patientId, "insert", AddressFields, cancellationToken).ConfigureAwait(false);
                    changed = true;
                    continue;
                }

                var old = stored[oldPosition];
                var fields = new List<string>();
                if (old.Kind != address.Kind)
                {
                    fields.Add("kind");
                }

                if (old.ThirdPartyConsented != address.ThirdPartyConsented)
                {
                    fields.Add("third_party_consented");
                }

                if (old.VerifiedOn != address.VerifiedOn)
                {
                    fields.Add("verified_on");
                }

                if (!string.Equals(old.VerificationMethod, address.VerificationMethod, StringComparison.Ordinal))
                {
                    fields.Add("verification_method");
                }

                // Stored positions are kept dense (0..n-1, the list order), so the old list index is the old position.
                if (oldPosition != position)
                {
                    fields.Add("position");
                }

                if (fields.Count == 0)
                {
                    continue;
                }

                await ExecuteAsync(
                    "UPDATE patient_addresses SET position = $position, kind = $kind, third_party_consented = $tpc, verified_on = $verified, " +
                    "verification_method = $method WHERE patient_id = $id AND address = $address;",
                    cancellationToken,
                    ("$position", position),
                    ("$kind", StorageNames.Of(address.Kind)),
                    ("$tpc", address.ThirdPartyConsented ? 1 : 0),
                    ("$verified", address.VerifiedOn is { } v ? StorageNames.Date(v) : null),
                    ("$method", address.VerificationMethod),
                    ("$id", patientId),
                    ("$address", address.Address)).ConfigureAwait(false);
                await HistoryAsync("address", patientId, "update", fields, cancellationToken).ConfigureAwait(false);
                changed = true;
            }

            return changed;
        }

        private static int IndexOf(IReadOnlyList<PatientAddress> addresses, string address)
        {
            for (var i = 0; i < addresses.Count; i++)
            {
                if (string.Equals(addresses[i].Address, address, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        private static List<string> PatientChanges(Patient stored, Patient wanted)
        {
            var fields = new List<string>();
            if (!string.Equals(stored.ClinicPatientId, wanted.ClinicPatientId, StringComparison.Ordinal))
            {
                fields.Add("clinic_patient_id");
            }

            if (!string.Equals(stored.FamilyName, wanted.FamilyName, StringComparison.Ordinal))
            {
                fields.Add("family_name");
            }

            if (!string.Equals(stored.GivenName, wanted.GivenName, StringComparison.Ordinal))
            {
                fields.Add("given_name");
            }

            if (!string.Equals(stored.Language, wanted.Language, StringComparison.Ordinal))
            {
                fields.Add("language");
            }

            if (stored.Restriction != wanted.Restriction)
            {
                fields.Add("restriction");
            }

            if (!stored.DeclaredSensitiveTerms.SequenceEqual(wanted.DeclaredSensitiveTerms, StringComparer.Ordinal))
            {
                fields.Add("declared_terms");
            }

            if (!stored.DeclaredSensitiveCategories.SequenceEqual(wanted.DeclaredSensitiveCategories))
            {
                fields.Add("declared_categories");
            }

            return fields;
        }

        private static List<string> ConsentChanges(Consent? stored, Consent? wanted)
        {
            if (stored is null && wanted is null)
            {
                return [];
            }

            if (stored is null || wanted is null)
            {
                return [.. ConsentFields];
            }

            var fields = new List<string>();
            Check(stored.Status == wanted.Status, "status");
            Check(stored.Method == wanted.Method, "method");
            Check(stored.RecordedOn == wanted.RecordedOn, "recorded_on");
            Check(string.Equals(stored.RecordedBy, wanted.RecordedBy, StringComparison.Ordinal), "recorded_by");
            Check(string.Equals(stored.DocumentReference, wanted.DocumentReference, StringComparison.Ordinal), "document_reference");
            Check(stored.Email == wanted.Email, "email");
            Check(stored.Sms == wanted.Sms, "sms");
            Check(stored.Uses.SequenceEqual(wanted.Uses), "uses");
            Check(stored.Categories.SequenceEqual(wanted.Categories), "categories");
            Check(stored.ExpiresOn == wanted.ExpiresOn, "expires_on");
            return fields;

            void Check(bool same, string field)
            {
                if (!same)
                {
                    fields.Add(field);
                }
            }
        }

        private async Task WritePatientAsync(Patient patient, bool insert, CancellationToken cancellationToken)
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
                ("$now", now),
            ];
            if (insert)
            {
                await ExecuteAsync(
                    "INSERT INTO patients (id, clinic_patient_id, family_name, given_name, language, restricted, restriction_reason, " +
                    "restricted_on, declared_terms, declared_categories, created_at, updated_at) " +
                    "VALUES ($id, $clinic, $family, $given, $language, $restricted, $reason, $since, $terms, $categories, $now, $now);",
                    cancellationToken, values).ConfigureAwait(false);
            }
            else
            {
                await ExecuteAsync(
                    "UPDATE patients SET clinic_patient_id = $clinic, family_name = $family, given_name = $given, language = $language, " +
                    "restricted = $restricted, restriction_reason = $reason, restricted_on = $since, declared_terms = $terms, " +
                    "declared_categories = $categories, updated_at = $now WHERE id = $id;",
                    cancellationToken, values).ConfigureAwait(false);
            }
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
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                "INSERT INTO consents (patient_id, status, method, recorded_on, recorded_by, document_reference, email, sms, uses, " +
                "categories, expires_on, created_at) VALUES ($id, $status, $method, $recordedOn, $recordedBy, $document, $email, $sms, " +
                "$uses, $categories, $expires, $now) RETURNING id;";
            Bind(command,
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
                ("$now", now));
            var consentId = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await ExecuteAsync("UPDATE patients SET current_consent_id = $consent WHERE id = $id;", cancellationToken,
                ("$consent", consentId), ("$id", patientId)).ConfigureAwait(false);
        }

        private Task HistoryAsync(string entity, string entityId, string operation, IEnumerable<string> fields, CancellationToken cancellationToken) =>
            ExecuteAsync(
                "INSERT INTO registry_changes (at, actor_id, entity, entity_id, operation, fields) VALUES ($now, $actor, $entity, $entityId, $operation, $fields);",
                cancellationToken,
                ("$now", now),
                ("$actor", actorId),
                ("$entity", entity),
                ("$entityId", entityId),
                ("$operation", operation),
                ("$fields", StorageNames.JsonArray(fields)));

        private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
#pragma warning disable CA2100 // Every caller passes one of this class's literal statements; values are bound as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            Bind(command, parameters);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        private static void Bind(SqliteCommand command, params (string Name, object? Value)[] parameters)
        {
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }
    }
}
