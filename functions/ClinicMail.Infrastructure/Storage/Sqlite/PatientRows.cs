using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Shared;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>The SQLite SQL shared by the store and the directory (the row mapping is
/// <see cref="PatientRowReader"/>, shared with PostgreSQL).</summary>
internal static class PatientRows
{
    /// <summary>Patient columns (alias <c>p</c>) and its current consent (alias <c>c</c>), in the order <see cref="PatientRowReader.ReadPatient"/> expects.</summary>
    public const string PatientColumns =
        "p.id, p.clinic_patient_id, p.family_name, p.given_name, p.language, p.restricted, p.restriction_reason, " +
        "p.restricted_on, p.declared_terms, p.declared_categories, " +
        "c.status, c.method, c.recorded_on, c.recorded_by, c.document_reference, c.email, c.sms, c.uses, c.categories, c.expires_on";

    /// <summary>Every address of the patients whose ids are in the JSON array parameter <c>$ids</c>.</summary>
    public const string AddressesOfPatientsSql =
        "SELECT " + PatientRowReader.AddressColumns + " FROM json_each($ids) AS wanted " +
        "JOIN patient_addresses AS a ON a.patient_id = wanted.value ORDER BY a.patient_id, a.position;";

    /// <summary>Loads the addresses of these patients and returns the patients complete.</summary>
    public static async Task<Dictionary<string, Patient>> CompleteAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        Dictionary<string, Patient> patients,
        CancellationToken cancellationToken)
    {
        if (patients.Count == 0)
        {
            return patients;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = AddressesOfPatientsSql;
        command.Parameters.Add("$ids", SqliteType.Text);
        return await CompleteAsync(command, patients, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As above, with a (prepared) <see cref="AddressesOfPatientsSql"/> command whose only parameter is <c>$ids</c>.</summary>
    public static async Task<Dictionary<string, Patient>> CompleteAsync(
        SqliteCommand command, Dictionary<string, Patient> patients, CancellationToken cancellationToken)
    {
        if (patients.Count == 0)
        {
            return patients;
        }

        command.Parameters[0].Value = StorageNames.JsonArray(patients.Keys);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await PatientRowReader.AttachAddressesAsync(reader, patients, cancellationToken).ConfigureAwait(false);
    }
}
