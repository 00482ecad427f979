using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;
using ClinicMail.Infrastructure.Storage.Shared;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary><see cref="IPatientStore"/> on PostgreSQL. The same diff as SQLite
/// (<see cref="PatientDiff"/>), applied in bulk: per chunk of patients, one round trip loads the
/// stored state and one <see cref="NpgsqlBatch"/> writes every change as a handful of set-based
/// statements over <c>unnest</c>ed arrays (patients, addresses, consents, history), so a 100,000-row
/// import costs a few hundred round trips, not a million.</summary>
public sealed class PostgresPatientStore(PostgresDatabase database, TimeProvider? timeProvider = null) : IPatientStore, IFreshPatientWriter
{
    private const int Chunk = 2000;

    private static readonly IReadOnlySet<string> NoFreshIds = new HashSet<string>(StringComparer.Ordinal);

    private static readonly Dictionary<string, Patient> NoneStored = new(StringComparer.Ordinal);

    // Joins on unnest rather than "= ANY($1)": with a few thousand keys and stale statistics (right
    // after a bulk import) the planner would otherwise filter a sequential scan against the whole
    // array for every row, which made an unchanged re-import of 100,000 patients take a minute.
    // Each key is looked up in a LATERAL subquery that OFFSET 0 keeps from being flattened into a
    // plain join: one index probe per key whatever the statistics. As a join, with fresh statistics,
    // the planner merge-joined the sorted keys against a full index scan or hashed the whole address
    // table for every chunk of 2,000 keys (33-53 ms per statement at 100,000 patients, 10-16 ms probed).
    private const string PatientsById = "SELECT " + PostgresRows.PatientColumns + " FROM unnest($1::text[]) AS k(id) " +
        "CROSS JOIN LATERAL (SELECT * FROM patients WHERE patients.id = k.id OFFSET 0) AS p" + PostgresRows.ConsentJoin + ";";
    private const string AddressesById = "SELECT " + PatientRowReader.AddressColumns + " FROM unnest($1::text[]) AS k(id) " +
        "CROSS JOIN LATERAL (SELECT * FROM patient_addresses WHERE patient_addresses.patient_id = k.id OFFSET 0) AS a ORDER BY a.patient_id, a.position;";
    private const string PatientsByClinicId = "SELECT " + PostgresRows.PatientColumns + " FROM unnest($1::text[]) AS k(id) " +
        "CROSS JOIN LATERAL (SELECT * FROM patients WHERE patients.clinic_patient_id = k.id OFFSET 0) AS p" + PostgresRows.ConsentJoin + ";";
    private const string AddressesByClinicId = "SELECT " + PatientRowReader.AddressColumns + " FROM unnest($1::text[]) AS k(id) " +
        "CROSS JOIN LATERAL (SELECT patients.id FROM patients WHERE patients.clinic_patient_id = k.id OFFSET 0) AS p " +
        "CROSS JOIN LATERAL (SELECT * FROM patient_addresses WHERE patient_addresses.patient_id = p.id OFFSET 0) AS a ORDER BY a.patient_id, a.position;";

    /// <summary>From this many rows written in one call, statistics are refreshed right away instead of waiting for autovacuum.</summary>
    private const int AnalyzeAfterRows = 10_000;

    private const string PatientUnnest =
        "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[]) " +
        "AS u(id, clinic, family, given, language, restricted, reason, since, terms, categories, family_key, given_key)";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Fewest added addresses for the first-import bulk path (<see cref="PostgresBulkIndexes"/>); lowered by tests to exercise it with small files.</summary>
    internal int BulkThreshold { get; init; } = PostgresBulkIndexes.MinAddedAddresses;

    private readonly Lock _maintenanceLock = new();
    private Task _maintenance = Task.CompletedTask;

    /// <summary>The statistics refresh started by the last large write, if any: awaited before the
    /// data source is closed (<see cref="StorageBackend.DisposeAsync"/>), so a one-shot command
    /// finishes it, and by the benchmark, which reports it apart.</summary>
    internal Task MaintenanceAsync()
    {
        lock (_maintenanceLock)
        {
            return _maintenance;
        }
    }

    /// <summary>After a large write commits, refreshes the planner statistics of the registry tables
    /// (about 0.6 s after 100,000 patients) without making the writer wait: the rows are committed and
    /// visible, the look-ups are index probes whatever the statistics, and autovacuum would refresh
    /// them within a minute anyway; this only brings that forward. A failure is left to autovacuum.</summary>
    private void RefreshStatisticsInBackground()
    {
        lock (_maintenanceLock)
        {
            var previous = _maintenance;
            _maintenance = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false);
                try
                {
                    await using var connection = await database.OpenConnectionAsync().ConfigureAwait(false);
                    await using var analyze = new NpgsqlCommand("ANALYZE patients, patient_addresses, consents;", connection);
                    await analyze.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Whatever stops it (server gone, data source closed), autovacuum's own ANALYZE covers it, and the
                // task must never fault: the next refresh and StorageBackend.DisposeAsync await it.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            });
        }
    }

    public Task<IReadOnlyList<PatientDiff>> WriteAsync(IReadOnlyList<Patient> patients, string actorId, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(patients, actorId, NoFreshIds, cancellationToken);

    Task<IReadOnlyList<PatientDiff>> IFreshPatientWriter.WriteAsync(IReadOnlyList<Patient> patients, string actorId, IReadOnlySet<string> freshIds, CancellationToken cancellationToken) =>
        WriteCoreAsync(patients, actorId, freshIds ?? throw new ArgumentNullException(nameof(freshIds)), cancellationToken);

    private async Task<IReadOnlyList<PatientDiff>> WriteCoreAsync(IReadOnlyList<Patient> patients, string actorId, IReadOnlySet<string> freshIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patients);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        RegistryWrites.RejectRepeatedIds(patients);

        var now = _time.GetUtcNow().ToUniversalTime();
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Declared after the transaction so it is disposed first: a batch still running on an error
        // path is waited for before the transaction rolls back on the same connection.
        await using var pipeline = new BatchPipeline();
        var diffs = new List<PatientDiff>(patients.Count);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            // Into an empty registry every address is added, so the count is known before any diff.
            var bulk = await PostgresBulkIndexes.DropIfFirstImportAsync(
                database, connection, transaction, patients.Sum(p => p.Addresses.Count), BulkThreshold, cancellationToken).ConfigureAwait(false);
            for (var start = 0; start < patients.Count; start += Chunk)
            {
                var chunk = patients.Skip(start).Take(Chunk).ToList();
                string[] known = [.. chunk.Where(p => !freshIds.Contains(p.Id)).Select(p => p.Id)];
                var stored = NoneStored;
                if (known.Length > 0)
                {
                    // The connection runs one command at a time: a read waits for the running write.
                    await pipeline.WaitAsync().ConfigureAwait(false);
                    stored = await LoadAsync(connection, transaction, known, byClinicId: false, cancellationToken).ConfigureAwait(false);
                }

                var chunkDiffs = chunk.Select(p => PatientDiff.Compute(stored.GetValueOrDefault(p.Id), p)).ToList();

                // Built while the previous chunk's batch runs on the server, then started once it is done.
                await pipeline.StartAsync(Batch(connection, transaction, chunkDiffs, actorId, now), cancellationToken).ConfigureAwait(false);
                foreach (var diff in chunkDiffs)
                {
                    touched.UnionWith(diff.TouchedAddresses());
                }

                diffs.AddRange(chunkDiffs);
            }

            await pipeline.WaitAsync().ConfigureAwait(false);
            if (bulk is not null)
            {
                await bulk.RecreateAsync(cancellationToken).ConfigureAwait(false);
            }

            if (touched.Count > 0)
            {
                // Serial plan for the check (this transaction only): with a large import's 100,000
                // addresses the planner chose a parallel merge join in which every worker sorted the
                // whole array again, 0.6 s where the serial plan takes 0.25 s.
                if (touched.Count >= AnalyzeAfterRows)
                {
                    await using var serial = new NpgsqlCommand("SET LOCAL max_parallel_workers_per_gather = 0;", connection, transaction);
                    await serial.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using var check = new NpgsqlCommand(
                    "SELECT a.address FROM unnest($1::text[]) AS k(address) JOIN patient_addresses AS a ON a.address = k.address GROUP BY a.address " +
                    "HAVING COUNT(*) > 1 AND bool_or(a.kind <> 'family_shared') LIMIT 1;", connection, transaction);
                check.Parameters.Add(new NpgsqlParameter { Value = touched.ToArray() });
                if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    throw new RegistryConflictException(RegistryConflict.Address);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (diffs.Count(d => !d.IsEmpty) >= AnalyzeAfterRows)
            {
                RefreshStatisticsInBackground();
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation && exception.ConstraintName == "patients_clinic_patient_id_key")
        {
            throw new RegistryConflictException(RegistryConflict.ClinicPatientId, exception);
        }

        return diffs;
    }

    public async Task<Patient?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await LoadAsync(connection, null, [id], byClinicId: false, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(id);
    }

    public async Task<Patient?> GetByClinicIdAsync(string clinicPatientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clinicPatientId);
        return (await GetManyByClinicIdsAsync([clinicPatientId], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(clinicPatientId);
    }

    public async Task<IReadOnlyDictionary<string, Patient>> GetManyByClinicIdsAsync(IReadOnlyCollection<string> clinicPatientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clinicPatientIds);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, Patient>(StringComparer.Ordinal);
        foreach (var chunk in clinicPatientIds.Distinct(StringComparer.Ordinal).Chunk(Chunk))
        {
            foreach (var patient in (await LoadAsync(connection, null, chunk, byClinicId: true, cancellationToken).ConfigureAwait(false)).Values)
            {
                result[patient.ClinicPatientId] = patient;
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<RegistryChange>> HistoryAsync(string patientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT at, actor_id, entity, entity_id, operation, fields::text FROM registry_changes WHERE entity_id = $1 ORDER BY id;", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = patientId });
        var changes = new List<RegistryChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            changes.Add(new RegistryChange(
                await reader.GetFieldValueAsync<DateTimeOffset>(0, cancellationToken).ConfigureAwait(false),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                StorageNames.ParseStrings(reader.GetString(5))));
        }

        return changes;
    }

    internal const string SearchByNameSql =
        "SELECT " + PostgresRows.PatientColumns + ", COUNT(*) OVER () FROM patients AS p" + PostgresRows.ConsentJoin +
        " WHERE (p.family_key LIKE $1 OR p.given_key LIKE $1) " +
        "AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS w WHERE strpos(' ' || p.family_key || ' ' || p.given_key, ' ' || w) = 0) " +
        "ORDER BY p.family_key, p.given_key, p.id LIMIT $3 OFFSET $4;";

    private const string SearchByClinicIdSql =
        "SELECT " + PostgresRows.PatientColumns + ", COUNT(*) OVER () FROM patients AS p" + PostgresRows.ConsentJoin +
        " WHERE p.clinic_patient_id = $1 LIMIT $2 OFFSET $3;";

    public async Task<PatientPage> SearchAsync(PatientSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var words = search.NameWords();
        if (string.IsNullOrEmpty(search.ClinicPatientId) && words.Count == 0)
        {
            return new PatientPage([], 0, search.Page, search.PageSize);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var offset = (long)(search.Page - 1) * search.PageSize;
        var command = new NpgsqlCommand(null, connection);
        await using (command.ConfigureAwait(false))
        {
            if (!string.IsNullOrEmpty(search.ClinicPatientId))
            {
                command.CommandText = SearchByClinicIdSql;
                command.Parameters.Add(new NpgsqlParameter { Value = search.ClinicPatientId });
            }
            else
            {
                command.CommandText = SearchByNameSql;
                // Folded words hold letters and digits only: no LIKE wildcard to escape.
                command.Parameters.Add(new NpgsqlParameter { Value = words[0] + "%" });
                command.Parameters.Add(new NpgsqlParameter { Value = words.ToArray() });
            }

            command.Parameters.Add(new NpgsqlParameter { Value = search.PageSize });
            command.Parameters.Add(new NpgsqlParameter { Value = offset });
            var order = new List<string>();
            var found = new Dictionary<string, Patient>(StringComparer.Ordinal);
            long total = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var patient = PatientRowReader.ReadPatient(reader, 0);
                    found[patient.Id] = patient;
                    order.Add(patient.Id);
                    total = reader.GetInt64(PatientRowReader.PatientColumnCount);
                }
            }

            if (order.Count == 0 && search.Page > 1)
            {
                var first = await SearchAsync(search with { Page = 1, PageSize = 1 }, cancellationToken).ConfigureAwait(false);
                total = first.Total;
            }

            var complete = order.Count == 0 ? found : await LoadAsync(connection, null, [.. order], byClinicId: false, cancellationToken).ConfigureAwait(false);
            return new PatientPage([.. order.Select(id => complete[id])], (int)total, search.Page, search.PageSize);
        }
    }

    public async Task<int> RefreshAddressKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<long>();
        var addresses = new List<string>();
        await using (var select = new NpgsqlCommand("SELECT id, address FROM patient_addresses WHERE keys_version <> $1 FOR UPDATE;", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = AddressKeys.AlgorithmVersion });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
                addresses.Add(reader.GetString(1));
            }
        }

        if (ids.Count > 0)
        {
            var keys = addresses.Select(AddressKeys.For).ToList();
            await using var update = new NpgsqlCommand(
                "UPDATE patient_addresses AS a SET skeleton = u.skeleton, domain = u.domain, local_prefix = u.prefix, local_suffix = u.suffix, " +
                "local_length = u.length, local_outer = u.outr, keys_version = $7, keyed_xid = pg_current_xact_id() FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], " +
                "$6::integer[], $8::text[]) AS u(id, skeleton, domain, prefix, suffix, length, outr) WHERE a.id = u.id;", connection, transaction);
            update.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Skeleton).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Domain).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.LocalPrefix).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.LocalSuffix).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.LocalLength).ToArray() });
            update.Parameters.Add(new NpgsqlParameter { Value = AddressKeys.AlgorithmVersion });
            update.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.LocalOuter).ToArray() });
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ids.Count;
    }

    /// <summary>Complete patients by registry id or clinic id, in one round trip (two statements in a batch).</summary>
    private static async Task<Dictionary<string, Patient>> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string[] keys, bool byClinicId, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                PostgresRows.Command(byClinicId ? PatientsByClinicId : PatientsById, (object)keys),
                PostgresRows.Command(byClinicId ? AddressesByClinicId : AddressesById, (object)keys),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresRows.ReadCompleteAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The batch that writes a chunk's diffs (null when nothing changed): at most nine
    /// set-based statements, in the order that keeps every constraint true (patients before their
    /// rows, removed addresses before added ones). Only built here; <see cref="BatchPipeline"/> runs it.</summary>
    private static NpgsqlBatch? Batch(NpgsqlConnection connection, NpgsqlTransaction transaction, List<PatientDiff> diffs, string actorId, DateTimeOffset now)
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
    private sealed class BatchPipeline : IAsyncDisposable
    {
        private NpgsqlBatch? _batch;
        private Task? _running;

        /// <summary>Waits for the running batch, then starts <paramref name="next"/> (if any) without waiting for it.</summary>
        public async Task StartAsync(NpgsqlBatch? next, CancellationToken cancellationToken)
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
        public async ValueTask DisposeAsync()
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
