using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>The SQL fragments and row mapping shared by the PostgreSQL store and directory, the
/// counterpart of <see cref="Sqlite.PatientRows"/>.</summary>
internal static class PostgresRows
{
    public const string PatientColumns =
        "p.id, p.clinic_patient_id, p.family_name, p.given_name, p.language, p.restricted, p.restriction_reason, " +
        "p.restricted_on, p.declared_terms::text, p.declared_categories::text, " +
        "c.status, c.method, c.recorded_on, c.recorded_by, c.document_reference, c.email, c.sms, c.uses::text, c.categories::text, c.expires_on";

    public const int PatientColumnCount = 20;

    public const string AddressColumns =
        "a.patient_id, a.position, a.address, a.kind, a.third_party_consented, a.verified_on, a.verification_method, " +
        "a.skeleton, a.domain, a.local_prefix, a.local_suffix, a.keys_version, a.local_outer";

    public const int AddressColumnCount = 13;

    public const string ConsentJoin = " LEFT JOIN consents AS c ON c.id = p.current_consent_id";

    public static Patient ReadPatient(NpgsqlDataReader reader, int offset)
    {
        var restricted = reader.GetBoolean(offset + 5);
        return new Patient
        {
            Id = reader.GetString(offset),
            ClinicPatientId = reader.GetString(offset + 1),
            FamilyName = reader.GetString(offset + 2),
            GivenName = reader.GetString(offset + 3),
            Language = reader.GetString(offset + 4),
            Restriction = restricted ? new Restriction(reader.GetString(offset + 6), reader.GetFieldValue<DateOnly>(offset + 7)) : null,
            DeclaredSensitiveTerms = StorageNames.ParseStrings(reader.GetString(offset + 8)),
            DeclaredSensitiveCategories = StorageNames.ParseEnums<TopicCategory>(reader.GetString(offset + 9)),
            Consent = reader.IsDBNull(offset + 10) ? null : ReadConsent(reader, offset + 10),
        };
    }

    private static Consent ReadConsent(NpgsqlDataReader reader, int offset) => new()
    {
        Status = StorageNames.Parse<ConsentStatus>(reader.GetString(offset)),
        Method = reader.IsDBNull(offset + 1) ? null : StorageNames.Parse<ConsentMethod>(reader.GetString(offset + 1)),
        RecordedOn = reader.IsDBNull(offset + 2) ? null : reader.GetFieldValue<DateOnly>(offset + 2),
        RecordedBy = reader.IsDBNull(offset + 3) ? null : reader.GetString(offset + 3),
        DocumentReference = reader.IsDBNull(offset + 4) ? null : reader.GetString(offset + 4),
        Email = reader.GetBoolean(offset + 5),
        Sms = reader.GetBoolean(offset + 6),
        Uses = StorageNames.ParseEnums<ConsentUse>(reader.GetString(offset + 7)),
        Categories = StorageNames.ParseEnums<TopicCategory>(reader.GetString(offset + 8)),
        ExpiresOn = reader.IsDBNull(offset + 9) ? null : reader.GetFieldValue<DateOnly>(offset + 9),
    };

    public static (string PatientId, PatientAddress Address, AddressKeys Keys) ReadAddress(NpgsqlDataReader reader, int offset)
    {
        var address = new PatientAddress
        {
            Address = reader.GetString(offset + 2),
            Kind = StorageNames.Parse<AddressKind>(reader.GetString(offset + 3)),
            ThirdPartyConsented = reader.GetBoolean(offset + 4),
            VerifiedOn = reader.IsDBNull(offset + 5) ? null : reader.GetFieldValue<DateOnly>(offset + 5),
            VerificationMethod = reader.IsDBNull(offset + 6) ? null : reader.GetString(offset + 6),
        };

        // Keys written by an older folding version are recomputed rather than trusted.
        var keys = reader.GetInt32(offset + 11) == AddressKeys.AlgorithmVersion
            ? new AddressKeys(reader.GetString(offset + 7), reader.GetString(offset + 8), reader.GetString(offset + 9), reader.GetString(offset + 10)) { LocalOuter = reader.GetString(offset + 12) }
            : AddressKeys.For(address.Address);
        return (reader.GetString(offset), address, keys);
    }

    /// <summary>Reads "patients then their addresses" (two result sets of one batch) into complete patients, keyed by id, in the first set's order.</summary>
    public static async Task<Dictionary<string, Patient>> ReadCompleteAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var patient = ReadPatient(reader, 0);
            patients[patient.Id] = patient;
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var addresses = new Dictionary<string, List<PatientAddress>>(StringComparer.Ordinal);
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

        foreach (var (id, list) in addresses)
        {
            if (patients.TryGetValue(id, out var patient))
            {
                patients[id] = patient with { Addresses = list };
            }
        }

        return patients;
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
