using System.Collections.Concurrent;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary><see cref="IPatientDirectory"/> on the SQLite registry. Each question is one
/// statement whatever the batch size: the batch travels as one JSON array parameter expanded by
/// <c>json_each</c>, so the SQL text is constant (fully parameterised, prepared once per pooled
/// connection, no 999-parameter ceiling) and every look-up is an index seek on the keys the store
/// persisted.</summary>
/// <remarks>Safe as a singleton: apart from the database handle it keeps a few idle look-up
/// sessions (an open connection with its statements prepared), each used by one call at a time.
/// Every statement runs in its own autocommit read transaction, so a kept connection sees every
/// committed change; SQLite re-prepares a statement by itself after a schema change. With
/// <c>inProcessNearMiss</c>, near misses are searched in a <see cref="NearMissIndex"/> kept by a
/// <see cref="NearMissReplica{TToken}"/>, and only the surviving rows are read back (docs/registry.md).</remarks>
public sealed class SqlitePatientDirectory(SqliteDatabase database, TimeProvider? time = null, bool inProcessNearMiss = false, ILogger? logger = null)
    : IPatientDirectory, INearMissIndexed, IDisposable
{
    private const string MatchColumns = PatientRowReader.AddressColumns + ", " + PatientRows.PatientColumns;

    private const string PatientJoins =
        " JOIN patients AS p ON p.id = a.patient_id LEFT JOIN consents AS c ON c.id = p.current_consent_id";

    internal const string ByAddressSql =
        "SELECT " + MatchColumns + " FROM json_each($addresses) AS wanted " +
        "JOIN patient_addresses AS a ON a.address = wanted.value" + PatientJoins + ";";

    /// <summary>Near-miss candidates in one statement: skeleton seeks, then (domain, length, key)
    /// seeks on covering indexes where <c>clinicmail_near</c> (<see cref="NearMiss.IsCandidate(string, string)"/>)
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

        var state = _replica?.Current;
        var plan = state is null ? null : NearMissPlan.Make(state.Index, lookups);
        return await WithSessionAsync(async session =>
        {
            var registered = await session.FindByAddressesAsync([.. lookups.Select(l => l.Address)], cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                var keys = AddressLookup.KeysOfUnregistered(lookups, registered);
                return new DirectoryLookup(registered, keys.Count == 0 ? [] : await session.NearMissesAsync(keys, cancellationToken).ConfigureAwait(false));
            }

            List<NearMissCandidate> candidates;
            List<AddressLookup> unsearched;
            if (plan!.SearchedNothing)
            {
                // The index took every recipient for registered: the database's answer alone decides.
                candidates = [];
                unsearched = [.. lookups.Where(l => !registered.ContainsKey(l.Address) && l.NearMissKeys.Count > 0)];
            }
            else if (await session.NearMissTokenAsync(cancellationToken).ConfigureAwait(false) != state.Token)
            {
                // Rows were written since the index read them: search the database this once.
                _replica!.CatchUp(state);
                candidates = [];
                unsearched = [.. lookups.Where(l => !registered.ContainsKey(l.Address) && l.NearMissKeys.Count > 0)];
            }
            else
            {
                var rows = await session.RowsByIdAsync(plan.RowIds, cancellationToken).ConfigureAwait(false);
                (candidates, unsearched) = plan.Finish(registered, rows);
            }

            if (unsearched.Count > 0)
            {
                candidates.AddRange(await session.NearMissesAsync([.. unsearched.SelectMany(l => l.NearMissKeys).Distinct()], cancellationToken).ConfigureAwait(false));
            }

            return new DirectoryLookup(registered, candidates);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the in-process index now instead of at the first look-up (warm-up, tests,
    /// benchmarks). Does nothing when the directory searches near misses in the database.</summary>
    public Task WarmUpNearMissIndexAsync(CancellationToken cancellationToken = default) =>
        _replica?.WaitUntilReadyAsync(cancellationToken) ?? Task.CompletedTask;

    NearMissIndex? INearMissIndexed.NearMissIndex => _replica?.Peek?.Index;

    Task INearMissIndexed.NearMissIdleAsync() => _replica?.IdleAsync() ?? Task.CompletedTask;

    private readonly NearMissReplica<NearMissToken>? _replica = inProcessNearMiss ? new NearMissReplica<NearMissToken>(new RowIdFeed(database), logger, time) : null;

    /// <summary>What a SQLite index has seen: the highest address row id, and the counter of
    /// deletions and re-keys (migration 0006) at that moment.</summary>
    private sealed record NearMissToken(long MaxId, long Changes);

    private const string NearMissTokenSql =
        "SELECT coalesce((SELECT max(id) FROM patient_addresses), 0), (SELECT value FROM near_miss_changes WHERE id = 1);";

    private const string RowsByIdSql =
        "SELECT a.id, a.patient_id, a.address, a.skeleton FROM json_each($ids) AS k JOIN patient_addresses AS a ON a.id = k.value;";

    /// <summary>Reads address rows for the index inside one read transaction (one WAL snapshot for the
    /// token and the rows). New rows are those above the highest id seen, unless a row was deleted or
    /// re-keyed since (the counter moved): then the index is rebuilt.</summary>
    private sealed class RowIdFeed(SqliteDatabase database) : INearMissFeed<NearMissToken>
    {
        public async Task<NearMissToken> LoadAllAsync(NearMissIndex index, CancellationToken cancellationToken) =>
            (await LoadAsync(index, null, cancellationToken).ConfigureAwait(false))!;

        public Task<NearMissToken?> LoadChangesAsync(NearMissIndex index, NearMissToken since, CancellationToken cancellationToken) =>
            LoadAsync(index, since, cancellationToken);

        private async Task<NearMissToken?> LoadAsync(NearMissIndex index, NearMissToken? since, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            // Deferred: a read transaction (one WAL snapshot) that never takes the write lock, so
            // audit appends and registry writes go on while a million rows are read.
#pragma warning disable CA1849 // BEGIN DEFERRED does no I/O, and the async overload has no deferred option.
            await using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: true);
#pragma warning restore CA1849
            NearMissToken token;
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = NearMissTokenSql;
                await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                token = new NearMissToken(reader.GetInt64(0), reader.GetInt64(1));
            }

            if (since is not null && since.Changes != token.Changes)
            {
                return null;
            }

            await using (var rows = connection.CreateCommand())
            {
                rows.Transaction = transaction;
                rows.CommandText = "SELECT id, address, skeleton FROM patient_addresses WHERE id > $after;";
                rows.Parameters.AddWithValue("$after", since?.MaxId ?? 0);
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

    /// <summary>Closes the idle look-up connections (and stops the index's background work).</summary>
    public void Dispose()
    {
        _replica?.Dispose();
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
        private SqliteCommand? _token;
        private SqliteCommand? _rowsById;

        public async Task<NearMissToken> NearMissTokenAsync(CancellationToken cancellationToken)
        {
            _token ??= Prepare(connection, NearMissTokenSql);
            await using var reader = await _token.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new NearMissToken(reader.GetInt64(0), reader.GetInt64(1));
        }

        public async Task<Dictionary<long, NearMissCandidate>> RowsByIdAsync(long[] ids, CancellationToken cancellationToken)
        {
            var rows = new Dictionary<long, NearMissCandidate>();
            if (ids.Length == 0)
            {
                return rows;
            }

            _rowsById ??= Prepare(connection, RowsByIdSql, "$ids");
            _rowsById.Parameters[0].Value = "[" + string.Join(',', ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
            await using var reader = await _rowsById.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows[reader.GetInt64(0)] = new NearMissCandidate(reader.GetString(1), reader.GetString(2), reader.GetString(3));
            }

            return rows;
        }

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

        public async Task<List<NearMissCandidate>> NearMissesAsync(IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken)
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
            _token?.Dispose();
            _rowsById?.Dispose();
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
                    var row = PatientRowReader.ReadAddress(reader, 0);
                    rows.Add(row);
                    if (!patients.ContainsKey(row.PatientId))
                    {
                        patients.Add(row.PatientId, PatientRowReader.ReadPatient(reader, PatientRowReader.AddressColumnCount));
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
