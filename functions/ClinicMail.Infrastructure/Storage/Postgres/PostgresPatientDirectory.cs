using ClinicMail.Core.Registry;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary><see cref="IPatientDirectory"/> on PostgreSQL. Exact look-ups are one round trip (the
/// matches and their patients' addresses as two statements of one batch). Near misses are two:
/// the key seeks return only (row id, patient id, skeleton, probe) from covering indexes, the
/// candidate test (<see cref="NearMiss.IsCandidate"/>, the same as everywhere) runs here, and only
/// the survivors are loaded with their patients. pg_trgm/fuzzystrmatch would need an extension
/// the application role may not create on Azure; the exact-key seeks need none.</summary>
/// <remarks>Stateless apart from the data source: safe as a singleton.</remarks>
public sealed class PostgresPatientDirectory(PostgresDatabase database, TimeProvider? time = null) : IPatientDirectory
{
    private const string MatchColumns = PostgresRows.AddressColumns + ", " + PostgresRows.PatientColumns;

    private const string PatientJoins = " JOIN patients AS p ON p.id = a.patient_id" + PostgresRows.ConsentJoin;

    internal const string ByAddressSql =
        "SELECT " + MatchColumns + " FROM unnest($1::text[]) AS k(address) JOIN patient_addresses AS a ON a.address = k.address" + PatientJoins + ";";

    private const string AddressesOfMatchesSql =
        "SELECT " + PostgresRows.AddressColumns + " FROM patient_addresses AS a WHERE a.patient_id IN " +
        "(SELECT m.patient_id FROM unnest($1::text[]) AS k(address) JOIN patient_addresses AS m ON m.address = k.address) ORDER BY a.patient_id, a.position;";

    internal const string NearMissKeysSql =
        "SELECT a.id, a.skeleton, k.probe FROM unnest($1::text[]) AS k(probe) JOIN patient_addresses AS a ON a.skeleton = k.probe " +
        "UNION ALL SELECT a.id, a.skeleton, k.probe FROM unnest($2::text[], $3::integer[], $4::text[], $5::text[]) AS k(domain, length, affix, probe) " +
        "JOIN patient_addresses AS a ON a.domain = k.domain AND a.local_length = k.length AND a.local_prefix = k.affix " +
        "UNION ALL SELECT a.id, a.skeleton, k.probe FROM unnest($6::text[], $7::integer[], $8::text[], $9::text[]) AS k(domain, length, affix, probe) " +
        "JOIN patient_addresses AS a ON a.domain = k.domain AND a.local_length = k.length AND a.local_suffix = k.affix " +
        "UNION ALL SELECT a.id, a.skeleton, k.probe FROM unnest($10::text[], $11::integer[], $12::text[], $13::text[]) AS k(domain, length, affix, probe) " +
        "JOIN patient_addresses AS a ON a.domain = k.domain AND a.local_length = k.length AND a.local_outer = k.affix;";

    /// <summary>The near-miss part of <see cref="LookUpAsync"/>, in the same batch as the exact
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

    private const string MatchesByRowIdSql =
        "SELECT " + MatchColumns + " FROM unnest($1::bigint[]) AS k(id) JOIN patient_addresses AS a ON a.id = k.id" + PatientJoins + ";";

    private const string AddressesOfRowsSql =
        "SELECT " + PostgresRows.AddressColumns + " FROM patient_addresses AS a WHERE a.patient_id IN " +
        "(SELECT m.patient_id FROM unnest($1::bigint[]) AS k(id) JOIN patient_addresses AS m ON m.id = k.id) ORDER BY a.patient_id, a.position;";

    // A loose index scan: jumps from one distinct domain to the next through the index.
    private const string DomainsSql =
        "WITH RECURSIVE d(domain) AS (" +
        "SELECT MIN(address_domain) FROM patient_addresses " +
        "UNION ALL SELECT (SELECT MIN(address_domain) FROM patient_addresses WHERE address_domain > d.domain) " +
        "FROM d WHERE d.domain IS NOT NULL) " +
        "SELECT domain FROM d WHERE domain IS NOT NULL;";

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>>> FindByAddressesAsync(
        IReadOnlyCollection<string> normalizedAddresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(normalizedAddresses);
        var found = new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal);
        if (normalizedAddresses.Count == 0)
        {
            return found;
        }

        var addresses = normalizedAddresses.Distinct(StringComparer.Ordinal).ToArray();
        var matches = await QueryMatchesAsync(ByAddressSql, AddressesOfMatchesSql, addresses, cancellationToken).ConfigureAwait(false);
        foreach (var group in matches.GroupBy(m => m.Address.Address, StringComparer.Ordinal))
        {
            found[group.Key] = [.. group];
        }

        return found;
    }

    public async Task<IReadOnlyList<DirectoryMatch>> FindNearMissCandidatesAsync(
        IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        var distinct = keys.Distinct().ToList();
        var prefixes = new List<(string Domain, int Length, string Affix, string Probe)>();
        var suffixes = new List<(string Domain, int Length, string Affix, string Probe)>();
        var outers = new List<(string Domain, int Length, string Affix, string Probe)>();
        foreach (var key in distinct)
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
        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var command = new NpgsqlCommand(NearMissKeysSql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = distinct.Select(k => k.Skeleton).Distinct(StringComparer.Ordinal).ToArray() });
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

        return survivors.Count == 0
            ? []
            : await QueryMatchesAsync(MatchesByRowIdSql, AddressesOfRowsSql, survivors.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One round trip: a batch of the exact look-up (matches, then every address of their
    /// patients) and the near-miss key seeks of the unregistered addresses (<see cref="LookUpNearMissSql"/>).</summary>
    public async Task<DirectoryLookup> LookUpAsync(IReadOnlyList<AddressLookup> lookups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lookups);
        if (lookups.Count == 0)
        {
            return new DirectoryLookup(new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal), []);
        }

        var addresses = lookups.Select(l => l.Address).Distinct(StringComparer.Ordinal).ToArray();
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

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                PostgresRows.Command(ByAddressSql, (object)addresses),
                PostgresRows.Command(AddressesOfMatchesSql, (object)addresses),
                PostgresRows.Command(LookUpNearMissSql, addresses, sources.ToArray(), skeletons.ToArray(), domains.ToArray(), lengths.ToArray(), prefixes.ToArray(), suffixes.ToArray(), outers.ToArray()),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var matches = await ReadMatchesAsync(reader, cancellationToken).ConfigureAwait(false);
        var registered = new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal);
        foreach (var group in matches.GroupBy(m => m.Address.Address, StringComparer.Ordinal))
        {
            registered[group.Key] = [.. group];
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var candidates = new List<NearMissCandidate>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var skeleton = reader.GetString(2);
            if (NearMiss.IsCandidate(reader.GetString(3), skeleton))
            {
                candidates.Add(new NearMissCandidate(reader.GetString(0), reader.GetString(1), skeleton));
            }
        }

        return new DirectoryLookup(registered, candidates);
    }

    public Task<IReadOnlySet<string>> RegisteredDomainsAsync(CancellationToken cancellationToken = default) =>
        _domains.GetAsync(LoadDomainsAsync, cancellationToken);

    private readonly RegisteredDomainsCache _domains = new(time);

    private async Task<IReadOnlySet<string>> LoadDomainsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(DomainsSql, connection);
        var domains = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            domains.Add(reader.GetString(0));
        }

        return domains;
    }

    private static void AddKeys(NpgsqlCommand command, List<(string Domain, int Length, string Affix, string Probe)> keys)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Domain).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Length).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Affix).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Probe).ToArray() });
    }

    /// <summary>The matching address rows with their patients complete, in one round trip.</summary>
    private async Task<List<DirectoryMatch>> QueryMatchesAsync(string matchesSql, string addressesSql, Array keys, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { PostgresRows.Command(matchesSql, keys), PostgresRows.Command(addressesSql, keys) },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadMatchesAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the two result sets of an exact or by-row-id look-up (matches with their
    /// patient, then every address of those patients) and leaves the reader on the second.</summary>
    private static async Task<List<DirectoryMatch>> ReadMatchesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<(string PatientId, PatientAddress Address, AddressKeys Keys)>();
        var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = PostgresRows.ReadAddress(reader, 0);
            rows.Add(row);
            if (!patients.ContainsKey(row.PatientId))
            {
                patients.Add(row.PatientId, PostgresRows.ReadPatient(reader, PostgresRows.AddressColumnCount));
            }
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var addresses = new Dictionary<string, List<PatientAddress>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var (patientId, address, _) = PostgresRows.ReadAddress(reader, 0);
            if (!addresses.TryGetValue(patientId, out var list))
            {
                list = [];
                addresses.Add(patientId, list);
            }

            list.Add(address);
        }

        var matches = new List<DirectoryMatch>(rows.Count);
        foreach (var (patientId, address, keys2) in rows)
        {
            var patient = patients[patientId];
            matches.Add(new DirectoryMatch(addresses.TryGetValue(patientId, out var list) ? patient with { Addresses = list } : patient, address) { Keys = keys2 });
        }

        return matches;
    }
}
