using ClinicMail.Core.Registry;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary><see cref="IPatientDirectory"/> on the SQLite registry. Each question is one
/// statement whatever the batch size: the batch travels as one JSON array parameter expanded by
/// <c>json_each</c>, so the SQL text is constant (fully parameterised, prepared once per pooled
/// connection, no 999-parameter ceiling) and every look-up is an index seek on the keys the store
/// persisted.</summary>
/// <remarks>Stateless apart from the database handle: safe as a singleton.</remarks>
public sealed class SqlitePatientDirectory(SqliteDatabase database, TimeProvider? time = null) : IPatientDirectory
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
        "WHERE clinicmail_near(k.value ->> 3, a.skeleton)) " +
        "SELECT " + MatchColumns + " FROM hits JOIN patient_addresses AS a ON a.id = hits.id" + PatientJoins + ";";

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

        var matches = await QueryMatchesAsync(
            nearMiss: false,
            command => command.Parameters.AddWithValue("$addresses", StorageNames.JsonArray(normalizedAddresses.Distinct(StringComparer.Ordinal))),
            cancellationToken).ConfigureAwait(false);

        var found = new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal);
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

        return await QueryMatchesAsync(
            nearMiss: true,
            command =>
            {
                command.Parameters.AddWithValue("$skeletons", StorageNames.JsonArray(skeletons));
                command.Parameters.AddWithValue("$prefixes", System.Text.Json.JsonSerializer.Serialize(prefixes));
                command.Parameters.AddWithValue("$suffixes", System.Text.Json.JsonSerializer.Serialize(suffixes));
                command.Parameters.AddWithValue("$outers", System.Text.Json.JsonSerializer.Serialize(outers));
            },
            cancellationToken).ConfigureAwait(false);
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

    private async Task<List<DirectoryMatch>> QueryMatchesAsync(
        bool nearMiss, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(string PatientId, PatientAddress Address, AddressKeys Keys)>();
        var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            if (nearMiss)
            {
                command.CommandText = NearMissSql;
            }
            else
            {
                command.CommandText = ByAddressSql;
            }

            bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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

        var complete = await PatientRows.CompleteAsync(connection, null, patients, cancellationToken).ConfigureAwait(false);
        var matches = new List<DirectoryMatch>(rows.Count);
        foreach (var (patientId, address, keys) in rows)
        {
            matches.Add(new DirectoryMatch(complete[patientId], address) { Keys = keys });
        }

        return matches;
    }
}
