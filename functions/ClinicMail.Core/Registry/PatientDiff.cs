using System.Globalization;

namespace ClinicMail.Core.Registry;

/// <summary>What writing a patient changes compared with the stored one: field NAMES per entity,
/// never values. Computed once by <see cref="PatientDiff.Compute"/> and applied by every store the
/// same way; the registry API turns it into audit events and the import into counts.</summary>
public sealed record PatientDiff
{
    public static readonly IReadOnlyList<string> PatientFields =
        ["clinic_patient_id", "family_name", "given_name", "language", "restriction", "declared_terms", "declared_categories"];

    public static readonly IReadOnlyList<string> AddressFields =
        ["address", "kind", "third_party_consented", "verified_on", "verification_method", "position"];

    public static readonly IReadOnlyList<string> ConsentFields =
        ["status", "method", "recorded_on", "recorded_by", "document_reference", "email", "sms", "uses", "categories", "expires_on"];

    /// <summary>The patient as it will be stored (addresses normalized).</summary>
    public required Patient Patient { get; init; }

    public required bool IsInsert { get; init; }

    /// <summary>Changed patient fields (all of them on insert).</summary>
    public IReadOnlyList<string> PatientFieldsChanged { get; init; } = [];

    public IReadOnlyList<PatientAddress> AddressesRemoved { get; init; } = [];

    public IReadOnlyList<(int Position, PatientAddress Address)> AddressesAdded { get; init; } = [];

    public IReadOnlyList<(int Position, PatientAddress Address, IReadOnlyList<string> Fields)> AddressesUpdated { get; init; } = [];

    /// <summary>insert | update | delete (the current consent cleared), or null when unchanged.</summary>
    public string? ConsentOperation { get; init; }

    public IReadOnlyList<string> ConsentFieldsChanged { get; init; } = [];

    public bool IsEmpty => !IsInsert && PatientFieldsChanged.Count == 0 && AddressesRemoved.Count == 0
        && AddressesAdded.Count == 0 && AddressesUpdated.Count == 0 && ConsentOperation is null;

    public UpsertOutcome Outcome => IsInsert ? UpsertOutcome.Inserted : IsEmpty ? UpsertOutcome.Unchanged : UpsertOutcome.Updated;

    /// <summary>Addresses this write adds or re-kinds: the ones the address-ownership rule must re-check.</summary>
    public IEnumerable<string> TouchedAddresses() =>
        AddressesAdded.Select(a => a.Address.Address).Concat(AddressesUpdated.Where(u => u.Fields.Contains("kind")).Select(u => u.Address.Address));

    /// <summary>The history rows this diff records: (entity, operation, fields).</summary>
    public IEnumerable<(string Entity, string Operation, IReadOnlyList<string> Fields)> HistoryRows()
    {
        if (IsInsert)
        {
            yield return ("patient", "insert", PatientFields);
        }
        else if (PatientFieldsChanged.Count > 0)
        {
            yield return ("patient", "update", PatientFieldsChanged);
        }

        foreach (var _ in AddressesRemoved)
        {
            yield return ("address", "delete", ["address"]);
        }

        foreach (var _ in AddressesAdded)
        {
            yield return ("address", "insert", AddressFields);
        }

        foreach (var (_, _, fields) in AddressesUpdated)
        {
            yield return ("address", "update", fields);
        }

        if (ConsentOperation is not null)
        {
            yield return ("consent", ConsentOperation, ConsentFieldsChanged);
        }
    }

    /// <summary>Validates <paramref name="wanted"/> and compares it with <paramref name="stored"/> (null: a new patient).</summary>
    /// <exception cref="ArgumentException">Invalid id, language or address, or an address listed twice.</exception>
    public static PatientDiff Compute(Patient? stored, Patient wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentException.ThrowIfNullOrWhiteSpace(wanted.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(wanted.ClinicPatientId);
        if (wanted.Language is not ("fr" or "en"))
        {
            throw new ArgumentException("The patient language must be \"fr\" or \"en\".", nameof(wanted));
        }

        var addresses = Normalize(wanted.Addresses);
        var patient = wanted with { Addresses = addresses };
        if (stored is null)
        {
            return new PatientDiff
            {
                Patient = patient,
                IsInsert = true,
                PatientFieldsChanged = PatientFields,
                AddressesAdded = [.. addresses.Select((a, i) => (i, a))],
                ConsentOperation = patient.Consent is null ? null : "insert",
                ConsentFieldsChanged = patient.Consent is null ? [] : ConsentFields,
            };
        }

        var removed = stored.Addresses.Where(old => !addresses.Exists(a => string.Equals(a.Address, old.Address, StringComparison.Ordinal))).ToList();
        var added = new List<(int, PatientAddress)>();
        var updated = new List<(int, PatientAddress, IReadOnlyList<string>)>();
        for (var position = 0; position < addresses.Count; position++)
        {
            var address = addresses[position];
            var oldPosition = IndexOf(stored.Addresses, address.Address);
            if (oldPosition < 0)
            {
                added.Add((position, address));
                continue;
            }

            var fields = AddressChanges(stored.Addresses[oldPosition], address);
            // Stored positions are dense (0..n-1, the list order), so the old list index is the old position.
            if (oldPosition != position)
            {
                fields.Add("position");
            }

            if (fields.Count > 0)
            {
                updated.Add((position, address, fields));
            }
        }

        var consentFields = ConsentChanges(stored.Consent, patient.Consent);
        return new PatientDiff
        {
            Patient = patient,
            IsInsert = false,
            PatientFieldsChanged = PatientChanges(stored, patient),
            AddressesRemoved = removed,
            AddressesAdded = added,
            AddressesUpdated = updated,
            ConsentOperation = consentFields.Count == 0 ? null : patient.Consent is null ? "delete" : stored.Consent is null ? "insert" : "update",
            ConsentFieldsChanged = consentFields,
        };
    }

    private static List<PatientAddress> Normalize(IReadOnlyList<PatientAddress> addresses)
    {
        var result = new List<PatientAddress>(addresses.Count);
        for (var i = 0; i < addresses.Count; i++)
        {
            var normalized = AddressNormalizer.Normalize(addresses[i].Address)
                ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Address {i} of the patient is not a valid e-mail address."), nameof(addresses));
            if (result.Exists(a => string.Equals(a.Address, normalized, StringComparison.Ordinal)))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Address {i} of the patient repeats an earlier one."), nameof(addresses));
            }

            result.Add(addresses[i] with { Address = normalized });
        }

        return result;
    }

    private static int IndexOf(IReadOnlyList<PatientAddress> addresses, string address)
    {
        for (var i = 0; i < addresses.Count; i++)
        {
            if (string.Equals(addresses[i].Address, address, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static List<string> AddressChanges(PatientAddress old, PatientAddress address)
    {
        var fields = new List<string>();
        Check(fields, old.Kind == address.Kind, "kind");
        Check(fields, old.ThirdPartyConsented == address.ThirdPartyConsented, "third_party_consented");
        Check(fields, old.VerifiedOn == address.VerifiedOn, "verified_on");
        Check(fields, string.Equals(old.VerificationMethod, address.VerificationMethod, StringComparison.Ordinal), "verification_method");
        return fields;
    }

    private static List<string> PatientChanges(Patient stored, Patient wanted)
    {
        var fields = new List<string>();
        Check(fields, string.Equals(stored.ClinicPatientId, wanted.ClinicPatientId, StringComparison.Ordinal), "clinic_patient_id");
        Check(fields, string.Equals(stored.FamilyName, wanted.FamilyName, StringComparison.Ordinal), "family_name");
        Check(fields, string.Equals(stored.GivenName, wanted.GivenName, StringComparison.Ordinal), "given_name");
        Check(fields, string.Equals(stored.Language, wanted.Language, StringComparison.Ordinal), "language");
        Check(fields, stored.Restriction == wanted.Restriction, "restriction");
        Check(fields, stored.DeclaredSensitiveTerms.SequenceEqual(wanted.DeclaredSensitiveTerms, StringComparer.Ordinal), "declared_terms");
        Check(fields, stored.DeclaredSensitiveCategories.SequenceEqual(wanted.DeclaredSensitiveCategories), "declared_categories");
        return fields;
    }

    private static List<string> ConsentChanges(Consent? stored, Consent? wanted)
    {
        if (stored is null && wanted is null)
        {
            return [];
        }

        if (stored is null || wanted is null)
        {
            return [.. ConsentFields];
        }

        var fields = new List<string>();
        Check(fields, stored.Status == wanted.Status, "status");
        Check(fields, stored.Method == wanted.Method, "method");
        Check(fields, stored.RecordedOn == wanted.RecordedOn, "recorded_on");
        Check(fields, string.Equals(stored.RecordedBy, wanted.RecordedBy, StringComparison.Ordinal), "recorded_by");
        Check(fields, string.Equals(stored.DocumentReference, wanted.DocumentReference, StringComparison.Ordinal), "document_reference");
        Check(fields, stored.Email == wanted.Email, "email");
        Check(fields, stored.Sms == wanted.Sms, "sms");
        Check(fields, stored.Uses.SequenceEqual(wanted.Uses), "uses");
        Check(fields, stored.Categories.SequenceEqual(wanted.Categories), "categories");
        Check(fields, stored.ExpiresOn == wanted.ExpiresOn, "expires_on");
        return fields;
    }

    private static void Check(List<string> fields, bool same, string field)
    {
        if (!same)
        {
            fields.Add(field);
        }
    }
}
