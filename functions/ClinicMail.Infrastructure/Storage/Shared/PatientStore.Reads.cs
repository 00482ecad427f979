using System.Data.Common;
using System.Globalization;
using ClinicMail.Core.Registry;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>The reads of <see cref="PatientStore"/>: complete patients by id or clinic id, the
/// history, the paged search, and the re-keying of addresses after a key algorithm change.</summary>
public sealed partial class PatientStore
{
    private const string HistorySql =
        "SELECT at, actor_id, entity, entity_id, operation, CAST(fields AS TEXT) FROM registry_changes WHERE entity_id = $1 ORDER BY id;";

    private const string SearchByClinicIdSql =
        "SELECT " + RegistrySql.PatientColumns + ", COUNT(*) OVER () FROM patients AS p" + RegistrySql.ConsentJoin +
        " WHERE p.clinic_patient_id = $1 LIMIT $2 OFFSET $3;";

    /// <summary>The patient with this registry id, complete, or null.</summary>
    public async Task<Patient?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await LoadAsync(connection, null, [id], byClinicId: false, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(id);
    }

    /// <summary>The patient with this clinic (EMR) patient id, complete, or null.</summary>
    public async Task<Patient?> GetByClinicIdAsync(string clinicPatientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clinicPatientId);
        return (await GetManyByClinicIdsAsync([clinicPatientId], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(clinicPatientId);
    }

    public async Task<IReadOnlyDictionary<string, Patient>> GetManyByClinicIdsAsync(IReadOnlyCollection<string> clinicPatientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clinicPatientIds);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>The history rows of a patient, oldest first.</summary>
    public async Task<IReadOnlyList<RegistryChange>> HistoryAsync(string patientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        var dialect = database.Dialect;
        return await database.QueryAsync(HistorySql, reader => new RegistryChange(
            dialect.ReadInstant(reader, 0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            StorageNames.ParseStrings(reader.GetString(5))), cancellationToken, patientId).ConfigureAwait(false);
    }

    /// <summary>A page of patients by clinic id, or by name words (each must start a word of the folded
    /// name), ordered by family name, given name and id; the total counts every match.</summary>
    public async Task<PatientPage> SearchAsync(PatientSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var words = search.NameWords();
        if (string.IsNullOrEmpty(search.ClinicPatientId) && words.Count == 0)
        {
            return new PatientPage([], 0, search.Page, search.PageSize);
        }

        var offset = (long)(search.Page - 1) * search.PageSize;
        object?[] values = string.IsNullOrEmpty(search.ClinicPatientId)
            ? [.. _sql.NameSearchValues(words), search.PageSize, offset]
            : [search.ClinicPatientId, search.PageSize, offset];
        var sql = string.IsNullOrEmpty(search.ClinicPatientId) ? _sql.SearchByNameSql : SearchByClinicIdSql;

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        long total = 0;
        var order = await connection.QueryAsync(null, database.Dialect, sql, reader =>
        {
            total = Convert.ToInt64(reader.GetValue(PatientRowReader.PatientColumnCount), CultureInfo.InvariantCulture);
            return reader.GetString(0);
        }, cancellationToken, values).ConfigureAwait(false);

        if (order.Count == 0)
        {
            // Past the last page: the total still tells the caller how many there are.
            total = search.Page > 1 ? (await SearchAsync(search with { Page = 1, PageSize = 1 }, cancellationToken).ConfigureAwait(false)).Total : 0;
            return new PatientPage([], (int)total, search.Page, search.PageSize);
        }

        var complete = await LoadAsync(connection, null, [.. order], byClinicId: false, cancellationToken).ConfigureAwait(false);
        return new PatientPage([.. order.Select(id => complete[id])], (int)total, search.Page, search.PageSize);
    }

    /// <summary>Recomputes the near-miss keys of addresses written under an older
    /// <see cref="AddressKeys.AlgorithmVersion"/>. Run at start-up and by <c>clinicmail db migrate</c>
    /// after an upgrade; cheap when there is nothing to do (an index on the version).</summary>
    /// <returns>The number of addresses re-keyed.</returns>
    public async Task<int> RefreshAddressKeysAsync(CancellationToken cancellationToken = default) =>
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            var stale = await connection.QueryAsync(transaction, database.Dialect,
                "SELECT id, address FROM patient_addresses WHERE keys_version <> $1" + _sql.LockForUpdate + ";",
                reader => (Id: reader.GetInt64(0), Keys: AddressKeys.For(reader.GetString(1))), cancellationToken, AddressKeys.AlgorithmVersion).ConfigureAwait(false);
            if (stale.Count > 0)
            {
                await _sql.RekeyAsync(connection, transaction, stale, cancellationToken).ConfigureAwait(false);
            }

            return stale.Count;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Complete patients (addresses included) whose registry id (or clinic id) is one of
    /// <paramref name="keys"/>, keyed by registry id, in one round trip where the engine allows.</summary>
    private async Task<Dictionary<string, Patient>> LoadAsync(DbConnection connection, DbTransaction? transaction, IEnumerable<string> keys, bool byClinicId, CancellationToken cancellationToken)
    {
        string[] statements = byClinicId ? [_sql.PatientsByClinicIdSql, _sql.AddressesByClinicIdSql] : [_sql.PatientsByIdSql, _sql.AddressesByIdSql];
        return await _sql.ReadStatementsAsync(connection, transaction, statements, [_sql.KeySet(keys)], async reader =>
        {
            var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var patient = PatientRowReader.ReadPatient(reader, 0);
                patients[patient.Id] = patient;
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            return await PatientRowReader.AttachAddressesAsync(reader, patients, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }
}
