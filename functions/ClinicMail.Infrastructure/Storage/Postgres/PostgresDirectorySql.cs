using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Shared;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>PostgreSQL's side of <see cref="DirectorySql"/>. Exact look-ups are one round trip (the
/// matches and their patients' addresses as two statements of one batch). Near misses by keys are
/// two: the key seeks return only (row id, skeleton, probe) from covering indexes, the candidate test
/// (<see cref="NearMiss.IsCandidate(string, string)"/>, the same as everywhere) runs here, and only
/// the survivors are loaded with their patients. A check's look-up is one batch: the exact look-up
/// and the near-miss part (the key seeks, or the index's freshness test and its rows). pg_trgm or
/// fuzzystrmatch would need an extension the application role may not create on Azure; the
/// exact-key seeks need none.</summary>
internal sealed class PostgresDirectorySql : DirectorySql
{
    public static readonly PostgresDirectorySql Instance = new();

    /// <summary>A key set of addresses (<c>$1</c>, a text array).</summary>
    private static readonly KeySetSql Addresses = new("unnest($1::text[]) AS k(address)", "k.address");

    /// <summary>A key set of address row ids (<c>$1</c>, a bigint array).</summary>
    private static readonly KeySetSql RowIds = new("unnest($1::bigint[]) AS k(id)", "k.id");

    internal static readonly string ByAddressSql = MatchesSql(Addresses, "address");

    private static readonly string AddressesOfMatchesSql = AddressesOfMatches(Addresses, "address");

    internal const string NearMissKeysSql =
        "SELECT a.id, a.skeleton, k.probe FROM unnest($1::text[]) AS k(probe) JOIN patient_addresses AS a ON a.skeleton = k.probe " +
        "UNION ALL SELECT a.id, a.skeleton, k.probe FROM unnest($2::text[], $3::integer[], $4::text[], $5::text[]) AS k(domain, length, affix, probe) " +
        "JOIN patient_addresses AS a ON a.domain = k.domain AND a.local_length = k.length AND a.local_prefix = k.affix " +
        "UNION ALL SELECT a.id, a.skeleton, k.probe FROM unnest($6::text[], $7::integer[], $8::text[], $9::text[]) AS k(domain, length, affix, probe) " +
        "JOIN patient_addresses AS a ON a.domain = k.domain AND a.local_length = k.length AND a.local_suffix = k.affix " +
        "UNION ALL SELECT a.id, a.skeleton, k.probe FROM unnest($10::text[], $11::integer[], $12::text[], $13::text[]) AS k(domain, length, affix, probe) " +
        "JOIN patient_addresses AS a ON a.domain = k.domain AND a.local_length = k.length AND a.local_outer = k.affix;";

    /// <summary>The near-miss part of <see cref="Session.LookUpAsync"/>, in the same batch as the exact
    /// look-up: each key row carries the address it was computed for (<c>source</c>), and rows of an
    /// address that is registered are dropped before any seek (<c>unknown</c>), so a registered
    /// recipient costs one index probe here, not a near-miss search. Returns the owner, the address
    /// and the skeleton of every key hit; the candidate test runs in the client.</summary>
    internal const string LookUpNearMissSql =
        "WITH unknown AS MATERIALIZED (SELECT DISTINCT k.source FROM unnest($1::text[]) AS k(source) " +
        "WHERE NOT EXISTS (SELECT 1 FROM patient_addresses AS r WHERE r.address = k.source)), " +
        "keys AS MATERIALIZED (SELECT k.* FROM unnest($2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::text[]) " +
        "AS k(source, probe, domain, length, prefix, suffix, outr) WHERE k.source IN (SELECT source FROM unknown)) " +
        "SELECT a.patient_id, a.address, a.skeleton, k.probe FROM (SELECT DISTINCT probe FROM keys) AS k JOIN patient_addresses AS a ON a.skeleton = k.probe " +
        "UNION ALL SELECT a.patient_id, a.address, a.skeleton, k.probe FROM keys AS k JOIN patient_addresses AS a " +
        "ON a.domain = k.domain AND a.local_length = k.length AND a.local_prefix = k.prefix " +
        "UNION ALL SELECT a.patient_id, a.address, a.skeleton, k.probe FROM keys AS k JOIN patient_addresses AS a " +
        "ON a.domain = k.domain AND a.local_length = k.length AND a.local_suffix = k.suffix " +
        "UNION ALL SELECT a.patient_id, a.address, a.skeleton, k.probe FROM keys AS k JOIN patient_addresses AS a " +
        "ON a.domain = k.domain AND a.local_length = k.length AND a.local_outer = k.outr;";

    /// <summary>The exact look-up of <see cref="Session.LookUpAsync"/> in one statement: for each address
    /// found, every address row of its patient (a) with the patient's columns, and the looked-up
    /// address first, so the reader knows which row matched (a.address = it). One statement instead
    /// of two saves a statement's round of protocol messages and executor start-up per check.</summary>
    internal const string ByAddressWithAddressesSql =
        "SELECT k.address, " + MatchColumns + " FROM unnest($1::text[]) AS k(address) JOIN patient_addresses AS m ON m.address = k.address " +
        "JOIN patients AS p ON p.id = m.patient_id" + RegistrySql.ConsentJoin + " JOIN patient_addresses AS a ON a.patient_id = p.id ORDER BY p.id, a.position;";

    private static readonly string MatchesByRowIdSql = MatchesSql(RowIds, "id");

    private static readonly string AddressesOfRowsSql = AddressesOfMatches(RowIds, "id");

    /// <summary>True when an address row was written (inserted or re-keyed) by a transaction the
    /// snapshot <c>$1</c> did not see: one that started after it (id at or above its xmax) or was in
    /// progress (in its xip list, usually empty). Both tests are max() over the keyed_xid index, which
    /// PostgreSQL always answers by reading one end of the index: a range or "= ANY" predicate was
    /// planned as a sequential scan when the statistics say every row has the same keyed_xid (200 ms
    /// per check at 1,000,000 rows, measured).</summary>
    internal const string WrittenSinceSql =
        "SELECT coalesce((SELECT max(keyed_xid) FROM patient_addresses) >= pg_snapshot_xmax($1::pg_snapshot), false) " +
        "OR EXISTS (SELECT 1 FROM pg_snapshot_xip($1::pg_snapshot) AS x(xid) WHERE (SELECT max(keyed_xid) FROM patient_addresses WHERE keyed_xid <= x.xid) = x.xid);";

    private static readonly string RowsByIdSql = RowsSql(RowIds);

    private PostgresDirectorySql()
    {
    }

    /// <summary>Every address of the patients that own an address row matched by <paramref name="keys"/> on
    /// <paramref name="column"/>, ordered by patient and position: the second statement of a look-up's batch.</summary>
    private static string AddressesOfMatches(KeySetSql keys, string column) =>
        "SELECT " + PatientRowReader.AddressColumns + " FROM patient_addresses AS a WHERE a.patient_id IN " +
        "(SELECT m.patient_id FROM " + keys.From + " JOIN patient_addresses AS m ON m." + column + " = " + keys.Key + ") ORDER BY a.patient_id, a.position;";

    public override DirectoryEngine Create(IStorageDatabase database) => new Engine((PostgresDatabase)database);

    /// <summary>A session is a pooled connection (Npgsql keeps the prepared statements per physical connection).</summary>
    private sealed class Engine(PostgresDatabase database) : DirectoryEngine
    {
        public override INearMissFeed<object> Feed { get; } = new SnapshotFeed(database);

        public override async Task<T> WithSessionAsync<T>(Func<DirectorySession, Task<T>> work, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(new Session(connection)).ConfigureAwait(false);
        }
    }

    private sealed class Session(NpgsqlConnection connection) : DirectorySession
    {
        public override Task<List<DirectoryMatch>> FindByAddressesAsync(string[] addresses, CancellationToken cancellationToken) =>
            QueryMatchesAsync(ByAddressSql, AddressesOfMatchesSql, addresses, cancellationToken);

        public override async Task<List<DirectoryMatch>> NearMissMatchesAsync(IReadOnlyList<AddressKeys> keys, CancellationToken cancellationToken)
        {
            var prefixes = new List<(string Domain, int Length, string Affix, string Probe)>();
            var suffixes = new List<(string Domain, int Length, string Affix, string Probe)>();
            var outers = new List<(string Domain, int Length, string Affix, string Probe)>();
            foreach (var key in keys)
            {
                foreach (var probe in key.Probes())
                {
                    if (probe.Prefix is not null)
                    {
                        prefixes.Add((key.Domain, probe.Length, probe.Prefix, key.Skeleton));
                    }

                    if (probe.Suffix is not null)
                    {
                        suffixes.Add((key.Domain, probe.Length, probe.Suffix, key.Skeleton));
                    }

                    if (probe.Outer is not null)
                    {
                        outers.Add((key.Domain, probe.Length, probe.Outer, key.Skeleton));
                    }
                }
            }

            var survivors = new HashSet<long>();
            await using (var command = new NpgsqlCommand(NearMissKeysSql, connection))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Skeleton).Distinct(StringComparer.Ordinal).ToArray() });
                AddKeys(command, prefixes);
                AddKeys(command, suffixes);
                AddKeys(command, outers);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (NearMiss.IsCandidate(reader.GetString(2), reader.GetString(1)))
                    {
                        survivors.Add(reader.GetInt64(0));
                    }
                }
            }

            return survivors.Count == 0 ? [] : await QueryMatchesAsync(MatchesByRowIdSql, AddressesOfRowsSql, survivors.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>One round trip: a batch of the exact look-up (<see cref="ByAddressWithAddressesSql"/>: the
        /// found patients with all their addresses) and the near-miss part: without an index, the key
        /// seeks of <see cref="LookUpNearMissSql"/>; with one, the test that no address row was written
        /// since the index's snapshot and the planned rows read back by id.</summary>
        public override async Task<LookUpRound> LookUpAsync(IReadOnlyList<AddressLookup> lookups, object? token, NearMissPlan? plan, CancellationToken cancellationToken)
        {
            string[] addresses = [.. lookups.Select(l => l.Address).Distinct(StringComparer.Ordinal)];
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { PostgresRows.Command(ByAddressWithAddressesSql, (object)addresses) } };
            if (plan is null)
            {
                batch.BatchCommands.Add(NearMissCommand(lookups, addresses));
            }
            else if (!plan.SearchedNothing)
            {
                // Whether the index is current, and the rows its search kept (none to read: no statement).
                batch.BatchCommands.Add(PostgresRows.Command(WrittenSinceSql, token));
                if (plan.RowIds.Length > 0)
                {
                    batch.BatchCommands.Add(PostgresRows.Command(RowsByIdSql, (object)plan.RowIds));
                }
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var registered = GroupByAddress(await ReadMatchesWithAddressesAsync(reader, cancellationToken).ConfigureAwait(false));
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var candidates = new List<NearMissCandidate>();
            IReadOnlyDictionary<long, NearMissCandidate> rows = NoRows;
            var behind = false;
            if (plan is null)
            {
                await ReadNearMissesAsync(reader, candidates, cancellationToken).ConfigureAwait(false);
            }
            else if (!plan.SearchedNothing)
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                behind = reader.GetBoolean(0);
                if (plan.RowIds.Length > 0)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    rows = await ReadRowsAsync(reader, cancellationToken).ConfigureAwait(false);
                }
            }

            return new LookUpRound(registered, candidates, behind, rows);
        }

        public override async Task<List<NearMissCandidate>> NearMissesAsync(IReadOnlyList<AddressLookup> lookups, CancellationToken cancellationToken)
        {
            var candidates = new List<NearMissCandidate>();
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { NearMissCommand(lookups, [.. lookups.Select(l => l.Address).Distinct(StringComparer.Ordinal)]) } };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await ReadNearMissesAsync(reader, candidates, cancellationToken).ConfigureAwait(false);
            return candidates;
        }

        /// <summary>The matching address rows with their patients complete, in one round trip.</summary>
        private async Task<List<DirectoryMatch>> QueryMatchesAsync(string matchesSql, string addressesSql, Array keys, CancellationToken cancellationToken)
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands = { PostgresRows.Command(matchesSql, keys), PostgresRows.Command(addressesSql, keys) },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await ReadMatchesAsync(reader, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The near-miss seeks of <see cref="LookUpNearMissSql"/> for these lookups' keys. Each key
    /// row carries its address, and only the keys of <paramref name="addresses"/> found unregistered are sought.</summary>
    private static NpgsqlBatchCommand NearMissCommand(IReadOnlyList<AddressLookup> lookups, string[] addresses)
    {
        // One row per (key, candidate length) with its three affixes (null: that key cannot match
        // at this length, and a null never equals): the skeleton seek uses each key's probe once.
        var sources = new List<string>();
        var skeletons = new List<string>();
        var domains = new List<string>();
        var lengths = new List<int>();
        var prefixes = new List<string?>();
        var suffixes = new List<string?>();
        var outers = new List<string?>();
        foreach (var lookup in lookups)
        {
            foreach (var key in lookup.NearMissKeys.Distinct())
            {
                foreach (var probe in key.Probes())
                {
                    sources.Add(lookup.Address);
                    skeletons.Add(key.Skeleton);
                    domains.Add(key.Domain);
                    lengths.Add(probe.Length);
                    prefixes.Add(probe.Prefix);
                    suffixes.Add(probe.Suffix);
                    outers.Add(probe.Outer);
                }
            }
        }

        return PostgresRows.Command(LookUpNearMissSql, addresses, sources.ToArray(), skeletons.ToArray(), domains.ToArray(), lengths.ToArray(), prefixes.ToArray(), suffixes.ToArray(), outers.ToArray());
    }

    private static async Task ReadNearMissesAsync(NpgsqlDataReader reader, List<NearMissCandidate> candidates, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var skeleton = reader.GetString(2);
            if (NearMiss.IsCandidate(reader.GetString(3), skeleton))
            {
                candidates.Add(new NearMissCandidate(reader.GetString(0), reader.GetString(1), skeleton));
            }
        }
    }

    /// <summary>Reads the address rows for the index in REPEATABLE READ: the snapshot taken by the
    /// first statement is the one every later statement of the transaction reads, and its text is the
    /// token (what the index has seen).</summary>
    private sealed class SnapshotFeed(PostgresDatabase database) : INearMissFeed<object>
    {
        public async Task<object> LoadAllAsync(NearMissIndex index, CancellationToken cancellationToken) =>
            await LoadAsync(index, "SELECT id, address, skeleton FROM patient_addresses;", null, cancellationToken).ConfigureAwait(false);

        public async Task<object?> LoadChangesAsync(NearMissIndex index, object since, CancellationToken cancellationToken) =>
            await LoadAsync(index, "SELECT id, address, skeleton FROM patient_addresses WHERE keyed_xid >= pg_snapshot_xmax($1::pg_snapshot) " +
                "UNION ALL SELECT a.id, a.address, a.skeleton FROM pg_snapshot_xip($1::pg_snapshot) AS x(xid) JOIN patient_addresses AS a ON a.keyed_xid = x.xid;", (string)since, cancellationToken).ConfigureAwait(false);

        private async Task<string> LoadAsync(NearMissIndex index, string sql, string? since, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            string token;
            await using (var snapshot = new NpgsqlCommand("SELECT pg_current_snapshot()::text;", connection, transaction))
            {
                token = (string)(await snapshot.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

#pragma warning disable CA2100 // One of this class's two constant statements.
            await using (var rows = new NpgsqlCommand(sql, connection, transaction))
#pragma warning restore CA2100
            {
                if (since is not null)
                {
                    rows.Parameters.Add(new NpgsqlParameter { Value = since });
                }

                await using var reader = await rows.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    index.Add(reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return token;
        }
    }

    private static void AddKeys(NpgsqlCommand command, List<(string Domain, int Length, string Affix, string Probe)> keys)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Domain).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Length).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Affix).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Probe).ToArray() });
    }

    /// <summary>Reads <see cref="ByAddressWithAddressesSql"/>: rows grouped by patient, one per address of
    /// the patient, each with the looked-up address it was reached from.</summary>
    private static async Task<List<DirectoryMatch>> ReadMatchesWithAddressesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var matched = new List<(string PatientId, PatientAddress Address, AddressKeys Keys)>();
        var patients = new Dictionary<string, (Patient Patient, List<PatientAddress> Addresses, HashSet<int> Positions)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = PatientRowReader.ReadAddress(reader, 1);
            if (!patients.TryGetValue(row.PatientId, out var entry))
            {
                entry = (PatientRowReader.ReadPatient(reader, 1 + PatientRowReader.AddressColumnCount), [], []);
                patients.Add(row.PatientId, entry);
            }

            // A patient reached from two looked-up addresses comes twice: keep each address once.
            if (entry.Positions.Add(reader.GetInt32(2)))
            {
                entry.Addresses.Add(row.Address);
            }

            if (string.Equals(row.Address.Address, reader.GetString(0), StringComparison.Ordinal))
            {
                matched.Add(row);
            }
        }

        return matched.ConvertAll(r =>
        {
            var (patient, addresses, _) = patients[r.PatientId];
            return new DirectoryMatch(patient with { Addresses = addresses }, r.Address) { Keys = r.Keys };
        });
    }

    /// <summary>Reads the two result sets of an exact or by-row-id look-up (matches with their
    /// patient, then every address of those patients) and leaves the reader on the second.</summary>
    private static async Task<List<DirectoryMatch>> ReadMatchesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var (rows, patients) = await ReadMatchRowsAsync(reader, cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return Matches(rows, await PatientRowReader.AttachAddressesAsync(reader, patients, cancellationToken).ConfigureAwait(false));
    }
}
