using System.Data.Common;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;
using ClinicMail.Infrastructure.Storage.Shared;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>PostgreSQL's side of <see cref="RegistrySql"/>: key sets as one array parameter
/// (<c>unnest</c>), the stored state of a chunk loaded in one round trip, and every chunk's changes
/// written as a handful of set-based statements over <c>unnest</c>ed arrays in one
/// <see cref="NpgsqlBatch"/>, pipelined with the building of the next one, so a 100,000-row import
/// costs a few hundred round trips, not a million; the first-import bulk path is
/// <see cref="PostgresBulkIndexes"/>.</summary>
internal sealed class PostgresRegistrySql : RegistrySql
{
    public static readonly PostgresRegistrySql Instance = new();

    private PostgresRegistrySql()
    {
    }

    public override object KeySet(IEnumerable<string> keys) => keys as string[] ?? keys.ToArray();

    // Joins on unnest rather than "= ANY($1)": with a few thousand keys and stale statistics (right
    // after a bulk import) the planner would otherwise filter a sequential scan against the whole
    // array for every row, which made an unchanged re-import of 100,000 patients take a minute.
    // Each key is looked up in a LATERAL subquery that OFFSET 0 keeps from being flattened into a
    // plain join: one index probe per key whatever the statistics. As a join, with fresh statistics,
    // the planner merge-joined the sorted keys against a full index scan or hashed the whole address
    // table for every chunk of 2,000 keys (33-53 ms per statement at 100,000 patients, 10-16 ms probed).
    public override string PatientsByIdSql => "SELECT " + PatientColumns + " FROM unnest($1::text[]) AS k(id) " +
        "CROSS JOIN LATERAL (SELECT * FROM patients WHERE patients.id = k.id OFFSET 0) AS p" + ConsentJoin;

    public override string AddressesByIdSql => "SELECT " + PatientRowReader.AddressColumns + " FROM unnest($1::text[]) AS k(id) " +
        "CROSS JOIN LATERAL (SELECT * FROM patient_addresses WHERE patient_addresses.patient_id = k.id OFFSET 0) AS a ORDER BY a.patient_id, a.position;";

    public override string PatientsByClinicIdSql => "SELECT " + PatientColumns + " FROM unnest($1::text[]) AS k(id) " +
        "CROSS JOIN LATERAL (SELECT * FROM patients WHERE patients.clinic_patient_id = k.id OFFSET 0) AS p" + ConsentJoin;

    public override string AddressesByClinicIdSql => "SELECT " + PatientRowReader.AddressColumns + " FROM unnest($1::text[]) AS k(id) " +
        "CROSS JOIN LATERAL (SELECT patients.id FROM patients WHERE patients.clinic_patient_id = k.id OFFSET 0) AS p " +
        "CROSS JOIN LATERAL (SELECT * FROM patient_addresses WHERE patient_addresses.patient_id = p.id OFFSET 0) AS a ORDER BY a.patient_id, a.position;";

    /// <summary><c>$1</c>: the first word as a <c>LIKE</c> prefix; <c>$2</c>: every word.</summary>
    public override string SearchByNameSql =>
        "SELECT " + PatientColumns + ", COUNT(*) OVER () FROM patients AS p" + ConsentJoin +
        " WHERE (p.family_key LIKE $1 OR p.given_key LIKE $1) " +
        "AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS w WHERE strpos(' ' || p.family_key || ' ' || p.given_key, ' ' || w) = 0) " +
        "ORDER BY p.family_key, p.given_key, p.id LIMIT $3 OFFSET $4;";

    // Folded words hold letters and digits only: no LIKE wildcard to escape.
    public override object?[] NameSearchValues(IReadOnlyList<string> words) => [words[0] + "%", words.ToArray()];

    public override string LockForUpdate => " FOR UPDATE";

    /// <summary>One set-based update; <c>keyed_xid</c> marks the rows for the in-process near-miss feed.</summary>
    public override async Task RekeyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(long Id, AddressKeys Keys)> rows, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            "UPDATE patient_addresses AS a SET skeleton = u.skeleton, domain = u.domain, local_prefix = u.prefix, local_suffix = u.suffix, " +
            "local_length = u.length, local_outer = u.outr, keys_version = $7, keyed_xid = pg_current_xact_id() FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], " +
            "$6::integer[], $8::text[]) AS u(id, skeleton, domain, prefix, suffix, length, outr) WHERE a.id = u.id;", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Id).ToArray() });
        update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Keys.Skeleton).ToArray() });
        update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Keys.Domain).ToArray() });
        update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Keys.LocalPrefix).ToArray() });
        update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Keys.LocalSuffix).ToArray() });
        update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Keys.LocalLength).ToArray() });
        update.Parameters.Add(new NpgsqlParameter { Value = AddressKeys.AlgorithmVersion });
        update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Keys.LocalOuter).ToArray() });
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override string SharedAddressConflictSql =>
        "SELECT a.address FROM unnest($1::text[]) AS k(address) JOIN patient_addresses AS a ON a.address = k.address GROUP BY a.address " +
        "HAVING COUNT(*) > 1 AND bool_or(a.kind <> 'family_shared') LIMIT 1;";

    /// <summary>With a large import's 100,000 addresses the planner chose a parallel merge join in which
    /// every worker sorted the whole array again, 0.6 s where the serial plan takes 0.25 s (this transaction only).</summary>
    public override string? BeforeLargeSetSql => "SET LOCAL max_parallel_workers_per_gather = 0;";

    public override string? AnalyzeAfterLargeWriteSql => "ANALYZE patients, patient_addresses, consents;";

    /// <summary>One <see cref="NpgsqlBatch"/>: one round trip for every statement.</summary>
    public override async Task<T> ReadStatementsAsync<T>(DbConnection connection, DbTransaction? transaction, string[] statements, object?[] values, Func<DbDataReader, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction?)transaction);
        foreach (var statement in statements)
        {
            batch.BatchCommands.Add(PostgresRows.Command(statement, values));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await read(reader).ConfigureAwait(false);
    }

    public override bool WritesWhileDiffing => true;

    public override RegistryWriter CreateWriter(DbConnection connection, DbTransaction transaction, string actorId, DateTimeOffset now) =>
        new BatchPipeline((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, actorId, now.ToUniversalTime());

    /// <summary>Into an empty registry every address is added, so the count is known before any diff;
    /// decided before any read, which would take a lock the bulk path must then upgrade.</summary>
    public override async Task<IRegistryBulkLoad?> BulkLoadBeforeReadsAsync(IStorageDatabase database, DbConnection connection, DbTransaction transaction, int plannedAddresses, int threshold, CancellationToken cancellationToken) =>
        await PostgresBulkIndexes.DropIfFirstImportAsync(database, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction, plannedAddresses, threshold, cancellationToken).ConfigureAwait(false);

    public override bool IsClinicIdConflict(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "patients_clinic_patient_id_key" };

    private const string PatientUnnest =
        "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[]) " +
        "AS u(id, clinic, family, given, language, restricted, reason, since, terms, categories, family_key, given_key)";

    /// <summary>The batch that writes a chunk's diffs (null when nothing changed): at most nine
    /// set-based statements, in the order that keeps every constraint true (patients before their
    /// rows, removed addresses before added ones). Only built here; <see cref="BatchPipeline"/> runs it.</summary>
    private static NpgsqlBatch? Batch(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PatientDiff> diffs, string actorId, DateTimeOffset now)
    {
        var changed = diffs.Where(d => !d.IsEmpty).ToList();
        if (changed.Count == 0)
        {
            return null;
        }

        var commands = new List<NpgsqlBatchCommand>();
        var inserts = changed.Where(d => d.IsInsert).Select(d => d.Patient).ToList();
        if (inserts.Count > 0)
        {
            // New patients and their first consents in one statement: the consents are inserted by
            // the WITH part and each patient row is written already pointing at its consent, instead
            // of inserting every patient and then rewriting it (an UPDATE of each new row, with all
            // its index entries) to set current_consent_id. Both foreign keys are checked at the end
            // of the statement, when both rows exist.
            var withConsent = inserts.Where(p => p.Consent is not null).ToList();
            commands.Add(PostgresRows.Command(
                "WITH ins AS (INSERT INTO consents (patient_id, status, method, recorded_on, recorded_by, document_reference, email, sms, uses, " +
                "categories, expires_on, created_at) SELECT c.patient_id, c.status, c.method, c.recorded_on::date, c.recorded_by, c.document, c.email, " +
                "c.sms, c.uses::jsonb, c.categories::jsonb, c.expires::date, $13 FROM " + ConsentUnnest(14) + " RETURNING id, patient_id) " +
                "INSERT INTO patients (id, clinic_patient_id, family_name, given_name, language, restricted, restriction_reason, restricted_on, " +
                "declared_terms, declared_categories, family_key, given_key, created_at, updated_at, current_consent_id) SELECT u.id, u.clinic, u.family, u.given, " +
                "u.language, u.restricted, u.reason, u.since::date, u.terms::jsonb, u.categories::jsonb, u.family_key, u.given_key, $13, $13, ins.id FROM " + PatientUnnest +
                " LEFT JOIN ins ON ins.patient_id = u.id;",
                [.. PatientArrays(inserts), now, .. ConsentArrays([.. withConsent.Select(p => (p.Id, p.Consent!))])]));
        }

        var updates = changed.Where(d => !d.IsInsert).Select(d => d.Patient).ToList();
        if (updates.Count > 0)
        {
            commands.Add(PostgresRows.Command(
                "UPDATE patients AS p SET clinic_patient_id = u.clinic, family_name = u.family, given_name = u.given, language = u.language, " +
                "restricted = u.restricted, restriction_reason = u.reason, restricted_on = u.since::date, declared_terms = u.terms::jsonb, " +
                "declared_categories = u.categories::jsonb, family_key = u.family_key, given_key = u.given_key, updated_at = $13 FROM " + PatientUnnest +
                " WHERE p.id = u.id;",
                [.. PatientArrays(updates), now]));
        }

        var removed = changed.SelectMany(d => d.AddressesRemoved.Select(a => (d.Patient.Id, a.Address))).ToList();
        if (removed.Count > 0)
        {
            commands.Add(PostgresRows.Command(
                "DELETE FROM patient_addresses AS a USING unnest($1::text[], $2::text[]) AS d(patient_id, address) " +
                "WHERE a.patient_id = d.patient_id AND a.address = d.address;",
                removed.Select(r => r.Id).ToArray(), removed.Select(r => r.Address).ToArray()));
        }

        var updated = changed.SelectMany(d => d.AddressesUpdated.Select(a => (d.Patient.Id, a.Position, a.Address))).ToList();
        if (updated.Count > 0)
        {
            commands.Add(PostgresRows.Command(
                "UPDATE patient_addresses AS a SET position = u.position, kind = u.kind, third_party_consented = u.tpc, verified_on = u.verified::date, " +
                "verification_method = u.method FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::boolean[], $6::text[], $7::text[]) " +
                "AS u(patient_id, address, position, kind, tpc, verified, method) WHERE a.patient_id = u.patient_id AND a.address = u.address;",
                updated.Select(u => u.Id).ToArray(),
                updated.Select(u => u.Address.Address).ToArray(),
                updated.Select(u => u.Position).ToArray(),
                updated.Select(u => StorageNames.Of(u.Address.Kind)).ToArray(),
                updated.Select(u => u.Address.ThirdPartyConsented).ToArray(),
                updated.Select(u => u.Address.VerifiedOn is { } v ? StorageNames.Date(v) : null).ToArray(),
                updated.Select(u => u.Address.VerificationMethod).ToArray()));
        }

        var added = changed.SelectMany(d => d.AddressesAdded.Select(a => (d.Patient.Id, a.Position, a.Address, Keys: AddressKeys.For(a.Address.Address)))).ToList();
        if (added.Count > 0)
        {
            commands.Add(PostgresRows.Command(
                "INSERT INTO patient_addresses (patient_id, position, address, address_domain, kind, third_party_consented, verified_on, " +
                "verification_method, skeleton, domain, local_prefix, local_suffix, local_length, local_outer, keys_version) SELECT u.patient_id, u.position, " +
                "u.address, u.address_domain, u.kind, u.tpc, u.verified::date, u.method, u.skeleton, u.domain, u.prefix, u.suffix, u.length, u.outr, $15 FROM " +
                "unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::text[], $10::text[], " +
                "$11::text[], $12::text[], $13::integer[], $14::text[]) AS u(patient_id, position, address, address_domain, kind, tpc, verified, method, skeleton, " +
                "domain, prefix, suffix, length, outr);",
                added.Select(a => a.Id).ToArray(),
                added.Select(a => a.Position).ToArray(),
                added.Select(a => a.Address.Address).ToArray(),
                added.Select(a => AddressNormalizer.Domain(a.Address.Address)).ToArray(),
                added.Select(a => StorageNames.Of(a.Address.Kind)).ToArray(),
                added.Select(a => a.Address.ThirdPartyConsented).ToArray(),
                added.Select(a => a.Address.VerifiedOn is { } v ? StorageNames.Date(v) : null).ToArray(),
                added.Select(a => a.Address.VerificationMethod).ToArray(),
                added.Select(a => a.Keys.Skeleton).ToArray(),
                added.Select(a => a.Keys.Domain).ToArray(),
                added.Select(a => a.Keys.LocalPrefix).ToArray(),
                added.Select(a => a.Keys.LocalSuffix).ToArray(),
                added.Select(a => a.Keys.LocalLength).ToArray(),
                added.Select(a => a.Keys.LocalOuter).ToArray(),
                AddressKeys.AlgorithmVersion));
        }

        var cleared = changed.Where(d => d.ConsentOperation is "delete").Select(d => d.Patient.Id).ToArray();
        if (cleared.Length > 0)
        {
            commands.Add(PostgresRows.Command("UPDATE patients SET current_consent_id = NULL WHERE id = ANY($1);", [cleared]));
        }

        // Consents of patients already stored (new patients got theirs with the patient row above).
        var consents = changed.Where(d => !d.IsInsert && d.ConsentOperation is "insert" or "update").Select(d => (d.Patient.Id, Consent: d.Patient.Consent!)).ToList();
        if (consents.Count > 0)
        {
            commands.Add(PostgresRows.Command(
                "WITH ins AS (INSERT INTO consents (patient_id, status, method, recorded_on, recorded_by, document_reference, email, sms, uses, " +
                "categories, expires_on, created_at) SELECT c.patient_id, c.status, c.method, c.recorded_on::date, c.recorded_by, c.document, c.email, " +
                "c.sms, c.uses::jsonb, c.categories::jsonb, c.expires::date, $12 FROM " + ConsentUnnest(1) + " RETURNING id, patient_id) " +
                "UPDATE patients AS p SET current_consent_id = ins.id FROM ins WHERE p.id = ins.patient_id;",
                [.. ConsentArrays(consents), now]));
        }

        var history = changed.SelectMany(d => d.HistoryRows().Select(h => (d.Patient.Id, h.Entity, h.Operation, h.Fields))).ToList();

        // Most rows name one of a few shared field lists (an insert names every field): each is serialized once.
        var fieldsJson = new Dictionary<IReadOnlyList<string>, string>(ReferenceEqualityComparer.Instance);
        commands.Add(PostgresRows.Command(
            "INSERT INTO registry_changes (at, actor_id, entity, entity_id, operation, fields) SELECT $5, $6, u.entity, u.entity_id, u.operation, " +
            "u.fields::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(entity, entity_id, operation, fields);",
            history.Select(h => h.Entity).ToArray(),
            history.Select(h => h.Id).ToArray(),
            history.Select(h => h.Operation).ToArray(),
            history.Select(h => fieldsJson.TryGetValue(h.Fields, out var json) ? json : fieldsJson[h.Fields] = StorageNames.JsonArray(h.Fields)).ToArray(),
            now,
            actorId));

        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        return batch;
    }

    /// <summary>At most one batch running on the connection while the caller prepares the next one
    /// (client work and server work overlap; the transaction and its order are unchanged).</summary>
    private sealed class BatchPipeline(NpgsqlConnection connection, NpgsqlTransaction transaction, string actorId, DateTimeOffset now) : RegistryWriter
    {
        private NpgsqlBatch? _batch;
        private Task? _running;

        /// <summary>Builds the chunk's batch while the previous one runs on the server, then starts it once that one is done.</summary>
        public override Task WriteAsync(IReadOnlyList<PatientDiff> diffs, CancellationToken cancellationToken) =>
            StartAsync(Batch(connection, transaction, diffs, actorId, now), cancellationToken);

        public override Task FlushAsync() => WaitAsync();

        /// <summary>Waits for the running batch, then starts <paramref name="next"/> (if any) without waiting for it.</summary>
        private async Task StartAsync(NpgsqlBatch? next, CancellationToken cancellationToken)
        {
            try
            {
                await WaitAsync().ConfigureAwait(false);
            }
            catch
            {
                if (next is not null)
                {
                    await next.DisposeAsync().ConfigureAwait(false);
                }

                throw;
            }

            if (next is not null)
            {
                _batch = next;
                _running = next.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        /// <summary>Waits for the running batch; its error (a constraint broken) is thrown here.</summary>
        public async Task WaitAsync()
        {
            if (_running is null)
            {
                return;
            }

            try
            {
                await _running.ConfigureAwait(false);
            }
            finally
            {
                _running = null;
                await _batch!.DisposeAsync().ConfigureAwait(false);
                _batch = null;
            }
        }

        /// <summary>On an error path, never leaves a batch running on a connection about to roll back;
        /// the error that brought us here is the one the caller sees.</summary>
        public override async ValueTask DisposeAsync()
        {
            try
            {
                await WaitAsync().ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>The unnest of <see cref="ConsentArrays"/>, its parameters numbered from <paramref name="first"/> (alias <c>c</c>).</summary>
    private static string ConsentUnnest(int first)
    {
        string P(int i, string type) => "$" + (first + i).ToString(System.Globalization.CultureInfo.InvariantCulture) + "::" + type + "[]";
        return "unnest(" + P(0, "text") + ", " + P(1, "text") + ", " + P(2, "text") + ", " + P(3, "text") + ", " + P(4, "text") + ", " + P(5, "text") + ", " +
            P(6, "boolean") + ", " + P(7, "boolean") + ", " + P(8, "text") + ", " + P(9, "text") + ", " + P(10, "text") +
            ") AS c(patient_id, status, method, recorded_on, recorded_by, document, email, sms, uses, categories, expires)";
    }

    private static object[] ConsentArrays(List<(string Id, Consent Consent)> consents) =>
    [
        consents.Select(c => c.Id).ToArray(),
        consents.Select(c => StorageNames.Of(c.Consent.Status)).ToArray(),
        consents.Select(c => c.Consent.Method is { } m ? StorageNames.Of(m) : null).ToArray(),
        consents.Select(c => c.Consent.RecordedOn is { } d ? StorageNames.Date(d) : null).ToArray(),
        consents.Select(c => c.Consent.RecordedBy).ToArray(),
        consents.Select(c => c.Consent.DocumentReference).ToArray(),
        consents.Select(c => c.Consent.Email).ToArray(),
        consents.Select(c => c.Consent.Sms).ToArray(),
        consents.Select(c => StorageNames.JsonArray<ConsentUse>(c.Consent.Uses)).ToArray(),
        consents.Select(c => StorageNames.JsonArray<TopicCategory>(c.Consent.Categories)).ToArray(),
        consents.Select(c => c.Consent.ExpiresOn is { } e ? StorageNames.Date(e) : null).ToArray(),
    ];

    private static object[] PatientArrays(List<Patient> patients) =>
    [
        patients.Select(p => p.Id).ToArray(),
        patients.Select(p => p.ClinicPatientId).ToArray(),
        patients.Select(p => p.FamilyName).ToArray(),
        patients.Select(p => p.GivenName).ToArray(),
        patients.Select(p => p.Language).ToArray(),
        patients.Select(p => p.Restriction is not null).ToArray(),
        patients.Select(p => p.Restriction?.Reason).ToArray(),
        patients.Select(p => p.Restriction is { } r ? StorageNames.Date(r.Since) : null).ToArray(),
        patients.Select(p => StorageNames.JsonArray(p.DeclaredSensitiveTerms)).ToArray(),
        patients.Select(p => StorageNames.JsonArray<TopicCategory>(p.DeclaredSensitiveCategories)).ToArray(),
        patients.Select(p => NameKey.Fold(p.FamilyName)).ToArray(),
        patients.Select(p => NameKey.Fold(p.GivenName)).ToArray(),
    ];
}
