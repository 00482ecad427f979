using System.Collections.Concurrent;
using ClinicMail.Core.Registry;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary><see cref="IPatientDirectory"/> on the SQLite registry. Each question is one
/// statement whatever the batch size: the batch travels as one JSON array parameter expanded by
/// <c>json_each</c>, so the SQL text is constant (fully parameterised, prepared once per pooled
/// connection, no 999-parameter ceiling) and every look-up is an index seek on the keys the store
/// persisted.</summary>
/// <remarks>Safe as a singleton: apart from the database handle it keeps a few idle look-up
/// sessions (an open connection with its statements prepared), each used by one call at a time.
/// Every statement runs in its own autocommit read transaction, so a kept connection sees every
/// committed change; SQLite re-prepares a statement by itself after a schema change.</remarks>
public sealed class SqlitePatientDirectory(SqliteDatabase database, TimeProvider? time = null) : IPatientDirectory, IDisposable
{
    private const string MatchColumns = PatientRows.AddressColumns + ", " + PatientRows.PatientColumns;

    private const string PatientJoins =
        " JOIN patients AS p ON p.id = a.patient_id LEFT JOIN consents AS c ON c.id = p.current_consent_id";

    internal const string ByAddressSql =
        "SELECT " + MatchColumns + " FROM json_each($addresses) AS wanted " +
        "JOIN patient_addresses AS a ON a.address = wanted.value" + PatientJoins + ";";

    /// <summary>Near-miss candidates in one statement: skeleton seeks, then (domain, length, key)
    /// seeks on covering indexes where <c>clinicmail_near</c> (<see cref="NearMiss.IsCandidate"/>)
    /// drops the non-candidates on the index entries themselves; only the survivors (a handful) are
    /// joined to their rows and patients. Each key is <c>[domain, length, key, probe skeleton]</c> for the prefix, suffix and outer keys.</summary>
    internal const string NearMissSql =
        NearMissHitsSql + "SELECT " + MatchColumns + " FROM hits JOIN patient_addresses AS a ON a.id = hits.id" + PatientJoins + ";";

    /// <summary>The near-miss statement of <see cref="LookUpAsync"/>: the same seeks and filter, but
    /// only the owner's id, the address and its skeleton (no patient rows).</summary>
    internal const string NearMissLightSql =
        NearMissHitsSql + "SELECT a.patient_id, a.address, a.skeleton FROM hits JOIN patient_addresses AS a ON a.id = hits.id;";

    private const string NearMissHitsSql =
        "WITH hits(id) AS (" +
        "SELECT a.id FROM json_each($skeletons) AS k JOIN patient_addresses AS a ON a.skeleton = k.value " +
        "UNION SELECT a.id FROM json_each($prefixes) AS k JOIN patient_addresses AS a INDEXED BY ix_patient_addresses_near_prefix " +
        "ON a.domain = k.value ->> 0 AND a.local_length = k.value ->> 1 AND a.local_prefix = k.value ->> 2 " +
        "WHERE clinicmail_near(k.value ->> 3, a.skeleton) " +
        "UNION SELECT a.id FROM json_each($suffixes) AS k JOIN patient_addresses AS a INDEXED BY ix_patient_addresses_near_suffix " +
        "ON a.domain = k.value ->> 0 AND a.local_length = k.value ->> 1 AND a.local_suffix = k.value ->> 2 " +
        "WHERE clinicmail_near(k.value ->> 3, a.skeleton) " +
        "UNION SELECT a.id FROM json_each($outers) AS k JOIN patient_addresses AS a INDEXED BY ix_patient_addresses_near_outer " +
        "ON a.domain = k.value ->> 0 AND a.local_length = k.value ->> 1 AND a.local_outer = k.value ->> 2 " +
        "WHERE clinicmail_near(k.value ->> 3, a.skeleton)) ";

    // A loose index scan: jumps from one distinct domain to the next through the index instead of
    // reading every address, so the cost follows the number of domains, not of patients.
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
        if (normalizedAddresses.Count == 0)
        {
            return new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal);
        }

        return await WithSessionAsync(session => session.FindByAddressesAsync(normalizedAddresses, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DirectoryMatch>> FindNearMissCandidatesAsync(
        IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        return await WithSessionAsync(session => session.NearMissMatchesAsync(keys, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Both questions on one connection: the exact look-up, then the near-miss statement
    /// for the keys of the addresses it did not find, which reads index entries and address rows
    /// only (no patient is loaded for a candidate).</summary>
    public async Task<DirectoryLookup> LookUpAsync(IReadOnlyList<AddressLookup> lookups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lookups);
        if (lookups.Count == 0)
        {
            return new DirectoryLookup(new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal), []);
        }

        return await WithSessionAsync(async session =>
        {
            var registered = await session.FindByAddressesAsync([.. lookups.Select(l => l.Address)], cancellationToken).ConfigureAwait(false);
            var keys = AddressLookup.KeysOfUnregistered(lookups, registered);
            var candidates = keys.Count == 0 ? [] : await session.NearMissesAsync(keys, cancellationToken).ConfigureAwait(false);
            return new DirectoryLookup(registered, candidates);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the idle look-up connections.</summary>
    public void Dispose()
    {
        while (_sessions.TryTake(out var session))
        {
            session.Dispose();
        }
    }

    /// <summary>Runs <paramref name="work"/> on an idle session (or a new one) and keeps the session
    /// for the next call; a session whose call failed is closed, never reused: its connection may be
    /// in an unknown state (cancelled mid-read, I/O error).</summary>
    private async Task<T> WithSessionAsync<T>(Func<Session, Task<T>> work, CancellationToken cancellationToken)
    {
        var session = _sessions.TryTake(out var idle)
            ? idle
            : new Session(await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false));
        try
        {
            var result = await work(session).ConfigureAwait(false);
            Return(session);
            return result;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Keeps a session for the next call, unless enough are idle already.</summary>
    private void Return(Session session)
    {
        if (_sessions.Count < MaxIdleSessions)
        {
            _sessions.Add(session);
        }
        else
        {
            session.Dispose();
        }
    }

    /// <summary>Idle sessions kept: enough for the concurrent checks of one instance (each takes a
    /// session for a few hundred microseconds).</summary>
    private const int MaxIdleSessions = 8;

    private readonly ConcurrentBag<Session> _sessions = [];

    /// <summary>One open connection with the look-up statements prepared on it, used by one call at
    /// a time. Preparing the near-miss statement (four seeks over json_each) costs more than running
    /// it against a warm cache, and Microsoft.Data.Sqlite prepares a new command every time.</summary>
    private sealed class Session(SqliteConnection connection) : IDisposable
    {
        private SqliteCommand? _byAddress;
        private SqliteCommand? _addressesOfPatients;
        private SqliteCommand? _nearMissMatches;
        private SqliteCommand? _nearMisses;

        public async Task<IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>>> FindByAddressesAsync(
            IReadOnlyCollection<string> normalizedAddresses, CancellationToken cancellationToken)
        {
            _byAddress ??= Prepare(connection, ByAddressSql, "$addresses");
            _byAddress.Parameters[0].Value = StorageNames.JsonArray(normalizedAddresses.Distinct(StringComparer.Ordinal));
            var found = new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal);
            foreach (var group in (await ReadMatchesAsync(_byAddress, cancellationToken).ConfigureAwait(false)).GroupBy(m => m.Address.Address, StringComparer.Ordinal))
            {
                found[group.Key] = [.. group];
            }

            return found;
        }

        /// <summary>Near-miss candidates with their whole patients (<see cref="NearMissSql"/>).</summary>
        public Task<List<DirectoryMatch>> NearMissMatchesAsync(IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken)
        {
            _nearMissMatches ??= Prepare(connection, NearMissSql, "$skeletons", "$prefixes", "$suffixes", "$outers");
            BindNearMissKeys(_nearMissMatches, keys);
            return ReadMatchesAsync(_nearMissMatches, cancellationToken);
        }

        public async Task<IReadOnlyList<NearMissCandidate>> NearMissesAsync(IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken)
        {
            _nearMisses ??= Prepare(connection, NearMissLightSql, "$skeletons", "$prefixes", "$suffixes", "$outers");
            BindNearMissKeys(_nearMisses, keys);
            var candidates = new List<NearMissCandidate>();
            await using var reader = await _nearMisses.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add(new NearMissCandidate(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }

            return candidates;
        }

        public void Dispose()
        {
            _byAddress?.Dispose();
            _addressesOfPatients?.Dispose();
            _nearMissMatches?.Dispose();
            _nearMisses?.Dispose();
            connection.Dispose();
        }

        /// <summary>Reads address-and-patient rows (<see cref="MatchColumns"/>), then completes each
        /// patient with all its addresses in one more statement.</summary>
        private async Task<List<DirectoryMatch>> ReadMatchesAsync(SqliteCommand command, CancellationToken cancellationToken)
        {
            var rows = new List<(string PatientId, PatientAddress Address, AddressKeys Keys)>();
            var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = PatientRows.ReadAddress(reader, 0);
                    rows.Add(row);
                    if (!patients.ContainsKey(row.PatientId))
                    {
                        patients.Add(row.PatientId, PatientRows.ReadPatient(reader, PatientRows.AddressColumnCount));
                    }
                }
            }

            if (rows.Count == 0)
            {
                return [];
            }

            _addressesOfPatients ??= Prepare(connection, PatientRows.AddressesOfPatientsSql, "$ids");
            var complete = await PatientRows.CompleteAsync(_addressesOfPatients, patients, cancellationToken).ConfigureAwait(false);
            return rows.ConvertAll(r => new DirectoryMatch(complete[r.PatientId], r.Address) { Keys = r.Keys });
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
#pragma warning disable CA2100 // Only this class's constant statements.
            command.CommandText = sql;
#pragma warning restore CA2100
            foreach (var name in parameters)
            {
                command.Parameters.Add(name, SqliteType.Text);
            }

            return command;
        }
    }

    /// <summary>Binds the four JSON arrays of the near-miss statements: skeletons, and
    /// <c>[domain, length, key, probe skeleton]</c> rows for the prefix, suffix and outer keys.</summary>
    private static void BindNearMissKeys(SqliteCommand command, IReadOnlyCollection<AddressKeys> keys)
    {
        var (skeletons, prefixes, suffixes, outers) = NearMissKeyArrays(keys);
        command.Parameters["$skeletons"].Value = skeletons;
        command.Parameters["$prefixes"].Value = prefixes;
        command.Parameters["$suffixes"].Value = suffixes;
        command.Parameters["$outers"].Value = outers;
    }

    private static (string Skeletons, string Prefixes, string Suffixes, string Outers) NearMissKeyArrays(IReadOnlyCollection<AddressKeys> keys)
    {
        var skeletons = keys.Select(k => k.Skeleton).Distinct(StringComparer.Ordinal);
        var prefixes = new List<object[]>();
        var suffixes = new List<object[]>();
        var outers = new List<object[]>();
        foreach (var key in keys.Distinct())
        {
            foreach (var probe in key.Probes())
            {
                if (probe.Prefix is not null)
                {
                    prefixes.Add([key.Domain, probe.Length, probe.Prefix, key.Skeleton]);
                }

                if (probe.Suffix is not null)
                {
                    suffixes.Add([key.Domain, probe.Length, probe.Suffix, key.Skeleton]);
                }

                if (probe.Outer is not null)
                {
                    outers.Add([key.Domain, probe.Length, probe.Outer, key.Skeleton]);
                }
            }
        }

        return (StorageNames.JsonArray(skeletons), System.Text.Json.JsonSerializer.Serialize(prefixes),
            System.Text.Json.JsonSerializer.Serialize(suffixes), System.Text.Json.JsonSerializer.Serialize(outers));
    }

    public Task<IReadOnlySet<string>> RegisteredDomainsAsync(CancellationToken cancellationToken = default) =>
        _domains.GetAsync(LoadDomainsAsync, cancellationToken);

    private readonly RegisteredDomainsCache _domains = new(time);

    private async Task<IReadOnlySet<string>> LoadDomainsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = DomainsSql;
        var domains = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            domains.Add(reader.GetString(0));
        }

        return domains;
    }
}
