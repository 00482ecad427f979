using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Shared;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>The PostgreSQL SQL fragments shared by the store and directory, and the batch command
/// helper (the row mapping is <see cref="PatientRowReader"/>, shared with SQLite).</summary>
internal static class PostgresRows
{
    /// <summary>As SQLite's, with the jsonb columns read as text, in the order <see cref="PatientRowReader.ReadPatient"/> expects.</summary>
    public const string PatientColumns =
        "p.id, p.clinic_patient_id, p.family_name, p.given_name, p.language, p.restricted, p.restriction_reason, " +
        "p.restricted_on, p.declared_terms::text, p.declared_categories::text, " +
        "c.status, c.method, c.recorded_on, c.recorded_by, c.document_reference, c.email, c.sms, c.uses::text, c.categories::text, c.expires_on";

    public const string ConsentJoin = " LEFT JOIN consents AS c ON c.id = p.current_consent_id";

    /// <summary>Reads "patients then their addresses" (two result sets of one batch) into complete patients, keyed by id, in the first set's order.</summary>
    public static async Task<Dictionary<string, Patient>> ReadCompleteAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var patient = PatientRowReader.ReadPatient(reader, 0);
            patients[patient.Id] = patient;
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return await PatientRowReader.AttachAddressesAsync(reader, patients, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A batch statement with positional parameters. An array argument meant as ONE
    /// parameter must be passed cast to object, or C# spreads it over the params array.</summary>
    public static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
#pragma warning disable CA2100 // Callers pass this assembly's literal statements; values are bound as parameters.
        var command = new NpgsqlBatchCommand(sql);
#pragma warning restore CA2100
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }
}
