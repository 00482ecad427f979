using System.Data.Common;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>The row mapping of patients and addresses, shared by both providers' patient stores and
/// directories, so a patient reads back the same way whichever database and question fetched it.
/// The patient columns are <see cref="RegistrySql.PatientColumns"/> on both (JSON read with
/// <c>CAST(… AS TEXT)</c>). Booleans, dates and JSON text read alike:
/// SQLite's 0/1 integers through <see cref="DbDataReader.GetBoolean"/>, its <c>yyyy-MM-dd</c> text
/// and PostgreSQL's <c>date</c> through <c>GetFieldValue&lt;DateOnly&gt;</c>.</summary>
internal static class PatientRowReader
{
    /// <summary>Columns of <see cref="ReadPatient"/>: the patient (alias <c>p</c>) and its current consent (alias <c>c</c>).</summary>
    public const int PatientColumnCount = 20;

    /// <summary>Address columns (alias <c>a</c>), in the order <see cref="ReadAddress"/> expects (no JSON: the same text on both).</summary>
    public const string AddressColumns =
        "a.patient_id, a.position, a.address, a.kind, a.third_party_consented, a.verified_on, a.verification_method, " +
        "a.skeleton, a.domain, a.local_prefix, a.local_suffix, a.keys_version, a.local_outer";

    public const int AddressColumnCount = 13;

    /// <summary>Reads the patient part of a row starting at <paramref name="offset"/>; addresses are added later.</summary>
    public static Patient ReadPatient(DbDataReader reader, int offset) => new()
    {
        Id = reader.GetString(offset),
        ClinicPatientId = reader.GetString(offset + 1),
        FamilyName = reader.GetString(offset + 2),
        GivenName = reader.GetString(offset + 3),
        Language = reader.GetString(offset + 4),
        Restriction = reader.GetBoolean(offset + 5) ? new Restriction(reader.GetString(offset + 6), reader.GetFieldValue<DateOnly>(offset + 7)) : null,
        DeclaredSensitiveTerms = StorageNames.ParseStrings(reader.GetString(offset + 8)),
        DeclaredSensitiveCategories = StorageNames.ParseEnums<TopicCategory>(reader.GetString(offset + 9)),
        Consent = reader.IsDBNull(offset + 10) ? null : ReadConsent(reader, offset + 10),
    };

    /// <summary>Reads an address row starting at <paramref name="offset"/>: owner id, the address and its stored keys.</summary>
    public static (string PatientId, PatientAddress Address, AddressKeys Keys) ReadAddress(DbDataReader reader, int offset)
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

    /// <summary>Reads address rows (<see cref="AddressColumns"/> at 0, ordered by patient then position)
    /// until the result set ends, and returns the patients complete, keyed by id, in their order.</summary>
    public static async Task<Dictionary<string, Patient>> AttachAddressesAsync(DbDataReader reader, Dictionary<string, Patient> patients, CancellationToken cancellationToken)
    {
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

        var complete = new Dictionary<string, Patient>(patients.Count, StringComparer.Ordinal);
        foreach (var (id, patient) in patients)
        {
            complete[id] = addresses.TryGetValue(id, out var list) ? patient with { Addresses = list } : patient;
        }

        return complete;
    }

    private static Consent ReadConsent(DbDataReader reader, int offset) => new()
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
}
