using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>The SQL and the row mapping shared by the store and the directory, so a patient reads
/// back the same way whichever question fetched it.</summary>
internal static class PatientRows
{
    /// <summary>Patient columns (alias <c>p</c>) and its current consent (alias <c>c</c>), in the order <see cref="ReadPatient"/> expects.</summary>
    public const string PatientColumns =
        "p.id, p.clinic_patient_id, p.family_name, p.given_name, p.language, p.restricted, p.restriction_reason, " +
        "p.restricted_on, p.declared_terms, p.declared_categories, " +
        "c.status, c.method, c.recorded_on, c.recorded_by, c.document_reference, c.email, c.sms, c.uses, c.categories, c.expires_on";

    public const int PatientColumnCount = 20;

    /// <summary>Address columns (alias <c>a</c>), in the order <see cref="ReadAddress"/> expects.</summary>
    public const string AddressColumns =
        "a.patient_id, a.position, a.address, a.kind, a.third_party_consented, a.verified_on, a.verification_method, " +
        "a.skeleton, a.domain, a.local_prefix, a.local_suffix, a.keys_version, a.local_outer";

    public const int AddressColumnCount = 13;

    /// <summary>Every address of the patients whose ids are in the JSON array parameter <c>$ids</c>.</summary>
    public const string AddressesOfPatientsSql =
        "SELECT " + AddressColumns + " FROM json_each($ids) AS wanted " +
        "JOIN patient_addresses AS a ON a.patient_id = wanted.value ORDER BY a.patient_id, a.position;";

    /// <summary>Reads the patient part of a row starting at <paramref name="offset"/>; addresses are added later.</summary>
    public static Patient ReadPatient(SqliteDataReader reader, int offset)
    {
        var restricted = reader.GetInt64(offset + 5) == 1;
        return new Patient
        {
            Id = reader.GetString(offset),
            ClinicPatientId = reader.GetString(offset + 1),
            FamilyName = reader.GetString(offset + 2),
            GivenName = reader.GetString(offset + 3),
            Language = reader.GetString(offset + 4),
            Restriction = restricted
                ? new Restriction(reader.GetString(offset + 6), StorageNames.ParseDate(reader.GetString(offset + 7)))
                : null,
            DeclaredSensitiveTerms = StorageNames.ParseStrings(reader.GetString(offset + 8)),
            DeclaredSensitiveCategories = StorageNames.ParseEnums<TopicCategory>(reader.GetString(offset + 9)),
            Consent = reader.IsDBNull(offset + 10) ? null : ReadConsent(reader, offset + 10),
        };
    }

    private static Consent ReadConsent(SqliteDataReader reader, int offset) => new()
    {
        Status = StorageNames.Parse<ConsentStatus>(reader.GetString(offset)),
        Method = reader.IsDBNull(offset + 1) ? null : StorageNames.Parse<ConsentMethod>(reader.GetString(offset + 1)),
        RecordedOn = reader.IsDBNull(offset + 2) ? null : StorageNames.ParseDate(reader.GetString(offset + 2)),
        RecordedBy = reader.IsDBNull(offset + 3) ? null : reader.GetString(offset + 3),
        DocumentReference = reader.IsDBNull(offset + 4) ? null : reader.GetString(offset + 4),
        Email = reader.GetInt64(offset + 5) == 1,
        Sms = reader.GetInt64(offset + 6) == 1,
        Uses = StorageNames.ParseEnums<ConsentUse>(reader.GetString(offset + 7)),
        Categories = StorageNames.ParseEnums<TopicCategory>(reader.GetString(offset + 8)),
        ExpiresOn = reader.IsDBNull(offset + 9) ? null : StorageNames.ParseDate(reader.GetString(offset + 9)),
    };

    /// <summary>Reads an address row starting at <paramref name="offset"/>: owner id, the address and its stored keys.</summary>
    public static (string PatientId, PatientAddress Address, AddressKeys Keys) ReadAddress(SqliteDataReader reader, int offset)
    {
        var address = new PatientAddress
        {
            Address = reader.GetString(offset + 2),
            Kind = StorageNames.Parse<AddressKind>(reader.GetString(offset + 3)),
            ThirdPartyConsented = reader.GetInt64(offset + 4) == 1,
            VerifiedOn = reader.IsDBNull(offset + 5) ? null : StorageNames.ParseDate(reader.GetString(offset + 5)),
            VerificationMethod = reader.IsDBNull(offset + 6) ? null : reader.GetString(offset + 6),
        };

        // Keys written by an older folding version are recomputed rather than trusted.
        var keys = reader.GetInt32(offset + 11) == AddressKeys.AlgorithmVersion
            ? new AddressKeys(reader.GetString(offset + 7), reader.GetString(offset + 8), reader.GetString(offset + 9), reader.GetString(offset + 10)) { LocalOuter = reader.GetString(offset + 12) }
            : AddressKeys.For(address.Address);
        return (reader.GetString(offset), address, keys);
    }

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

        var addresses = new Dictionary<string, List<PatientAddress>>(StringComparer.Ordinal);
        command.Parameters[0].Value = StorageNames.JsonArray(patients.Keys);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var (patientId, address, _) = ReadAddress(reader, 0);
                if (!addresses.TryGetValue(patientId, out var list))
                {
                    list = [];
                    addresses.Add(patientId, list);
                }

                list.Add(address);
            }
        }

        var complete = new Dictionary<string, Patient>(patients.Count, StringComparer.Ordinal);
        foreach (var (id, patient) in patients)
        {
            complete[id] = addresses.TryGetValue(id, out var list) ? patient with { Addresses = list } : patient;
        }

        return complete;
    }
}
