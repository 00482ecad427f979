using System.Collections.Concurrent;
using System.Globalization;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Shared;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>SQLite's side of <see cref="DirectorySql"/>. Each question is one statement whatever the
/// batch size: the batch travels as one JSON array parameter expanded by <c>json_each</c>, so the SQL
/// text is constant (fully parameterised, prepared once per kept connection, no 999-parameter
/// ceiling). A few idle look-up sessions (an open connection with its statements prepared) are kept,
/// each used by one call at a time; every statement runs in its own autocommit read transaction, so a
/// kept connection sees every committed change, and SQLite re-prepares a statement by itself after a
/// schema change.</summary>
internal sealed class SqliteDirectorySql : DirectorySql
{
    public static readonly SqliteDirectorySql Instance = new();

    internal static readonly string ByAddressSql = MatchesSql(new("json_each($addresses) AS wanted", "wanted.value"), "address");

    /// <summary>Every address of the patients whose ids are in the JSON array <c>$ids</c>.</summary>
    private const string AddressesOfPatientsSql =
        "SELECT " + PatientRowReader.AddressColumns + " FROM json_each($ids) AS wanted " +
        "JOIN patient_addresses AS a ON a.patient_id = wanted.value ORDER BY a.patient_id, a.position;";

    /// <summary>Near-miss candidates in one statement: skeleton seeks, then (domain, length, key)
    /// seeks on covering indexes where <c>clinicmail_near</c> (<see cref="NearMiss.IsCandidate(string, string)"/>)
    /// drops the non-candidates on the index entries themselves; only the survivors (a handful) are
    /// joined to their rows and patients. Each key is <c>[domain, length, key, probe skeleton]</c> for the prefix, suffix and outer keys.</summary>
    internal const string NearMissSql =
        NearMissHitsSql + "SELECT " + MatchColumns + " FROM hits JOIN patient_addresses AS a ON a.id = hits.id" + PatientJoins + ";";

    /// <summary>The near-miss statement of a check's look-up: the same seeks and filter, but only the
    /// owner's id, the address and its skeleton (no patient rows).</summary>
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

    /// <summary>What a SQLite index has seen: the highest address row id, and the counter of
    /// deletions and re-keys (migration 0006) at that moment.</summary>
    private sealed record NearMissToken(long MaxId, long Changes);

    private const string NearMissTokenSql =
        "SELECT coalesce((SELECT max(id) FROM patient_addresses), 0), (SELECT value FROM near_miss_changes WHERE id = 1);";

    private static readonly string RowsByIdSql = RowsSql(new("json_each($ids) AS k", "k.value"));

    private SqliteDirectorySql()
    {
    }

    public override DirectoryEngine Create(IStorageDatabase database) => new Engine((SqliteDatabase)database);

    private sealed class Engine(SqliteDatabase database) : DirectoryEngine
    {
        /// <summary>Idle sessions kept: enough for the concurrent checks of one instance (each takes a
        /// session for a few hundred microseconds).</summary>
        private const int MaxIdleSessions = 8;

        private readonly ConcurrentBag<Session> _sessions = [];

        public override INearMissFeed<object> Feed { get; } = new RowIdFeed(database);

        /// <summary>Runs <paramref name="work"/> on an idle session (or a new one) and keeps the session
        /// for the next call; a session whose call failed is closed, never reused: its connection may be
        /// in an unknown state (cancelled mid-read, I/O error).</summary>
        public override async Task<T> WithSessionAsync<T>(Func<DirectorySession, Task<T>> work, CancellationToken cancellationToken)
        {
            var session = _sessions.TryTake(out var idle)
                ? idle
                : new Session(await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false));
            try
            {
                var result = await work(session).ConfigureAwait(false);
                if (_sessions.Count < MaxIdleSessions)
                {
                    _sessions.Add(session);
                }
                else
                {
                    session.Dispose();
                }

                return result;
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }

        /// <summary>Closes the idle look-up connections.</summary>
        public override void Dispose()
        {
            while (_sessions.TryTake(out var session))
            {
                session.Dispose();
            }
        }
    }

    /// <summary>Reads address rows for the index inside one read transaction (one WAL snapshot for the
    /// token and the rows). New rows are those above the highest id seen, unless a row was deleted or
    /// re-keyed since (the counter moved): then the index is rebuilt.</summary>
    private sealed class RowIdFeed(SqliteDatabase database) : INearMissFeed<object>
    {
        public async Task<object> LoadAllAsync(NearMissIndex index, CancellationToken cancellationToken) =>
            (await LoadAsync(index, null, cancellationToken).ConfigureAwait(false))!;

        public async Task<object?> LoadChangesAsync(NearMissIndex index, object since, CancellationToken cancellationToken) =>
            await LoadAsync(index, (NearMissToken)since, cancellationToken).ConfigureAwait(false);

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

    /// <summary>One open connection with the look-up statements prepared on it, used by one call at
    /// a time. Preparing the near-miss statement (four seeks over json_each) costs more than running
    /// it against a warm cache, and Microsoft.Data.Sqlite prepares a new command every time.</summary>
    private sealed class Session(SqliteConnection connection) : DirectorySession, IDisposable
    {
        private SqliteCommand? _byAddress;
        private SqliteCommand? _addressesOfPatients;
        private SqliteCommand? _nearMissMatches;
        private SqliteCommand? _nearMisses;
        private SqliteCommand? _token;
        private SqliteCommand? _rowsById;

        /// <summary>The exact look-up, then (no index) the near-miss statement for the keys of the
        /// addresses it did not find, or (index) the freshness token and the planned rows, in turn.</summary>
        public override async Task<LookUpRound> LookUpAsync(IReadOnlyList<AddressLookup> lookups, object? token, NearMissPlan? plan, CancellationToken cancellationToken)
        {
            var registered = GroupByAddress(await FindByAddressesAsync([.. lookups.Select(l => l.Address).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false));
            if (plan is null)
            {
                var keys = AddressLookup.KeysOfUnregistered(lookups, registered);
                return new LookUpRound(registered, keys.Count == 0 ? [] : await NearMissesAsync(keys, cancellationToken).ConfigureAwait(false), false, NoRows);
            }

            if (plan.SearchedNothing)
            {
                return new LookUpRound(registered, [], false, NoRows);
            }

            if (!Equals(await NearMissTokenAsync(cancellationToken).ConfigureAwait(false), token))
            {
                return new LookUpRound(registered, [], true, NoRows);
            }

            return new LookUpRound(registered, [], false, await RowsByIdAsync(plan.RowIds, cancellationToken).ConfigureAwait(false));
        }

        public override Task<List<NearMissCandidate>> NearMissesAsync(IReadOnlyList<AddressLookup> lookups, CancellationToken cancellationToken) =>
            NearMissesAsync([.. lookups.SelectMany(l => l.NearMissKeys).Distinct()], cancellationToken);

        public override async Task<List<DirectoryMatch>> FindByAddressesAsync(string[] addresses, CancellationToken cancellationToken)
        {
            _byAddress ??= Prepare(connection, ByAddressSql, "$addresses");
            _byAddress.Parameters[0].Value = StorageNames.JsonArray(addresses);
            return await ReadMatchesAsync(_byAddress, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Near-miss candidates with their whole patients (<see cref="NearMissSql"/>).</summary>
        public override Task<List<DirectoryMatch>> NearMissMatchesAsync(IReadOnlyList<AddressKeys> keys, CancellationToken cancellationToken)
        {
            _nearMissMatches ??= Prepare(connection, NearMissSql, "$skeletons", "$prefixes", "$suffixes", "$outers");
            BindNearMissKeys(_nearMissMatches, keys);
            return ReadMatchesAsync(_nearMissMatches, cancellationToken);
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

        private async Task<NearMissToken> NearMissTokenAsync(CancellationToken cancellationToken)
        {
            _token ??= Prepare(connection, NearMissTokenSql);
            await using var reader = await _token.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new NearMissToken(reader.GetInt64(0), reader.GetInt64(1));
        }

        private async Task<IReadOnlyDictionary<long, NearMissCandidate>> RowsByIdAsync(long[] ids, CancellationToken cancellationToken)
        {
            if (ids.Length == 0)
            {
                return NoRows;
            }

            _rowsById ??= Prepare(connection, RowsByIdSql, "$ids");
            _rowsById.Parameters[0].Value = "[" + string.Join(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture))) + "]";
            await using var reader = await _rowsById.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await ReadRowsAsync(reader, cancellationToken).ConfigureAwait(false);
        }

        private async Task<List<NearMissCandidate>> NearMissesAsync(IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken)
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

        /// <summary>Reads address-and-patient rows (<see cref="DirectorySql.MatchColumns"/>), then completes each
        /// patient with all its addresses in one more statement.</summary>
        private async Task<List<DirectoryMatch>> ReadMatchesAsync(SqliteCommand command, CancellationToken cancellationToken)
        {
            List<(string PatientId, PatientAddress Address, AddressKeys Keys)> rows;
            Dictionary<string, Patient> patients;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                (rows, patients) = await ReadMatchRowsAsync(reader, cancellationToken).ConfigureAwait(false);
            }

            if (rows.Count == 0)
            {
                return [];
            }

            _addressesOfPatients ??= Prepare(connection, AddressesOfPatientsSql, "$ids");
            _addressesOfPatients.Parameters[0].Value = StorageNames.JsonArray(patients.Keys);
            Dictionary<string, Patient> complete;
            await using (var reader = await _addressesOfPatients.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                complete = await PatientRowReader.AttachAddressesAsync(reader, patients, cancellationToken).ConfigureAwait(false);
            }

            return Matches(rows, complete);
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

        command.Parameters["$skeletons"].Value = StorageNames.JsonArray(skeletons);
        command.Parameters["$prefixes"].Value = System.Text.Json.JsonSerializer.Serialize(prefixes);
        command.Parameters["$suffixes"].Value = System.Text.Json.JsonSerializer.Serialize(suffixes);
        command.Parameters["$outers"].Value = System.Text.Json.JsonSerializer.Serialize(outers);
    }
}
