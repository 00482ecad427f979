using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;
using ClinicMail.Infrastructure.Storage.Shared;
using CsvHelper;
using CsvHelper.Configuration;

namespace ClinicMail.Infrastructure.Registry;

/// <summary>One problem in an import file: where (1-based physical line, column) and why, in French and English.</summary>
public sealed record ImportError(int Line, string Column, LocalizedText Reason);

/// <summary>One patient assembled from its rows (a patient with several addresses has one row per address).</summary>
public sealed record ImportedPatient
{
    public required string ClinicPatientId { get; init; }

    public required int FirstLine { get; init; }

    public required string FamilyName { get; init; }

    public required string GivenName { get; init; }

    public required string Language { get; init; }

    public required List<PatientAddress> Addresses { get; init; }

    /// <summary>Null for <c>consent_status = none</c>.</summary>
    public Consent? Consent { get; init; }

    public required bool Restricted { get; init; }

    public required IReadOnlyList<string> DeclaredTerms { get; init; }

    public required IReadOnlyList<TopicCategory> DeclaredCategories { get; init; }
}

/// <summary>The EMR export format (docs/registry-import.md): a header row with exactly
/// <see cref="Columns"/> (any order), UTF-8 (a BOM is fine), <c>,</c> or <c>;</c> separators
/// (sniffed from the header), lists separated by <c>|</c>, booleans yes|no, dates ISO 8601.
/// Vocabulary values accept case variations and surrounding spaces; clinic patient ids are taken
/// exactly (printable ASCII, no space). Every bad value is reported, the parse never stops at the first.</summary>
public static class RegistryCsv
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "clinic_patient_id", "family_name", "given_name", "language", "email", "address_kind", "third_party_consented",
        "consent_status", "consent_method", "consent_date", "consent_uses", "consent_categories", "sms_consent", "restricted",
        "declared_sensitive",
    ];

    private const int MaxIdLength = 64;

    private static readonly string AllCategories = string.Join('|', Enum.GetValues<TopicCategory>().Select(StorageNames.Of));
    private const int MaxNameLength = 200;

    /// <summary>Parses and validates the whole file. Patients come back in first-appearance order.</summary>
    /// <param name="input">The file's text (see <see cref="Reader"/>).</param>
    /// <param name="progress">Reports the number of data rows read so far (every 1,000 rows).</param>
    /// <remarks>The per-row methods are compiled optimized from their first call
    /// (<see cref="MethodImplOptions.AggressiveOptimization"/>): an import is a one-off in its
    /// process, and tiered compilation (instrumented tier-0 first, for PGO) made a cold parse of
    /// 100,000 rows take 1.5 s instead of 0.9 s.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (IReadOnlyList<ImportedPatient> Patients, int Rows, IReadOnlyList<ImportError> Errors) Parse(TextReader input, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<ImportError>();
        var headerLine = input.ReadLine();
        if (string.IsNullOrWhiteSpace(headerLine))
        {
            errors.Add(new ImportError(1, "", new("Le fichier est vide : la première ligne doit être l'en-tête.", "The file is empty: the first line must be the header.")));
            return ([], 0, errors);
        }

        headerLine = headerLine.TrimStart('\uFEFF');
        // The separator is whichever of the two the header uses more (column names contain neither).
        var delimiter = headerLine.Count(c => c == ';') > headerLine.Count(c => c == ',') ? ";" : ",";
        var header = headerLine.Split(delimiter[0]).Select(h => h.Trim().Trim('"').ToLowerInvariant()).ToList();
        foreach (var missing in Columns.Where(c => !header.Contains(c)))
        {
            errors.Add(new ImportError(1, missing, new($"Colonne manquante dans l'en-tête : {missing}.", $"Column missing from the header: {missing}.")));
        }

        foreach (var unknown in header.Where(h => !Columns.Contains(h)).Distinct())
        {
            errors.Add(new ImportError(1, unknown, new($"Colonne inconnue : « {Safe(unknown)} » (colonnes permises : docs/registry-import.md).", $"Unknown column: \"{Safe(unknown)}\" (allowed columns: docs/registry-import.md).")));
        }

        if (header.Count != header.Distinct().Count())
        {
            errors.Add(new ImportError(1, "", new("Une colonne est répétée dans l'en-tête.", "A column is repeated in the header.")));
        }

        if (errors.Count > 0)
        {
            return ([], 0, errors);
        }

        var index = Columns.ToDictionary(c => c, c => header.IndexOf(c), StringComparer.Ordinal);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter,
            HasHeaderRecord = false,
            TrimOptions = TrimOptions.None,
            BadDataFound = null,
            MissingFieldFound = null,
            IgnoreBlankLines = true,
        };
        var patients = new Dictionary<string, Builder>(StringComparer.Ordinal);
        var order = new List<Builder>();
        var addressOwners = new Dictionary<string, (string ClinicId, AddressKind Kind, int Line)>(StringComparer.Ordinal);
        var rows = 0;
        using var csv = new CsvReader(input, configuration, leaveOpen: true);
        while (csv.Read())
        {
            rows++;
            // +1: the header line was read before CsvHelper started counting.
            var line = csv.Parser.RawRow + 1;
            if (rows % 1000 == 0)
            {
                progress?.Report(rows);
            }

            if (csv.Parser.Count != header.Count)
            {
                errors.Add(new ImportError(line, "", new(
                    $"La ligne a {csv.Parser.Count} champs au lieu de {header.Count}.",
                    $"The row has {csv.Parser.Count} fields instead of {header.Count}.")));
                continue;
            }

            string Field(string column) => (csv.Parser[index[column]] ?? "").Trim();
            var row = ParseRow(line, Field, errors);
            if (row is null)
            {
                continue;
            }

            if (addressOwners.TryGetValue(row.Address.Address, out var owner)
                && (!string.Equals(owner.ClinicId, row.ClinicPatientId, StringComparison.Ordinal) ? owner.Kind != AddressKind.FamilyShared || row.Address.Kind != AddressKind.FamilyShared : true))
            {
                errors.Add(new ImportError(line, "email", string.Equals(owner.ClinicId, row.ClinicPatientId, StringComparison.Ordinal)
                    ? new($"Cette adresse figure déjà pour ce patient à la ligne {owner.Line}.", $"This address is already listed for this patient on line {owner.Line}.")
                    : new($"Cette adresse est aussi celle d'un autre patient (ligne {owner.Line}); permis seulement si les deux lignes sont family_shared.",
                        $"This address also belongs to another patient (line {owner.Line}); allowed only when both rows are family_shared.")));
                continue;
            }

            addressOwners[row.Address.Address] = (row.ClinicPatientId, row.Address.Kind, line);
            if (patients.TryGetValue(row.ClinicPatientId, out var existing))
            {
                if (existing.Conflicts(row) is { } column)
                {
                    errors.Add(new ImportError(line, column, new(
                        $"La valeur diffère de la ligne {existing.FirstLine} du même patient : les colonnes du patient doivent être identiques sur chacune de ses lignes.",
                        $"The value differs from line {existing.FirstLine} of the same patient: patient columns must be the same on each of its rows.")));
                    continue;
                }

                existing.Addresses.Add(row.Address);
            }
            else
            {
                var builder = new Builder(row);
                patients.Add(row.ClinicPatientId, builder);
                order.Add(builder);
            }
        }

        progress?.Report(rows);
        if (rows == 0)
        {
            errors.Add(new ImportError(2, "", new("Le fichier ne contient aucune ligne de données après l'en-tête.", "The file has no data row after the header.")));
        }

        return ([.. order.Select(b => b.Build())], rows, errors);
    }

    /// <summary>Quotes an unknown column name for a message: bounded, printable only (it came from the file).</summary>
    private static string Safe(string text) => new([.. text.Take(40).Where(c => !char.IsControl(c))]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Row? ParseRow(int line, Func<string, string> field, List<ImportError> errors)
    {
        var before = errors.Count;
        void Error(string column, string fr, string en) => errors.Add(new ImportError(line, column, new(fr, en)));

        var clinicId = field("clinic_patient_id");
        if (clinicId.Length == 0 || clinicId.Length > MaxIdLength || clinicId.Any(c => c is < '!' or > '~'))
        {
            Error("clinic_patient_id",
                $"Identifiant requis : 1 à {MaxIdLength} caractères ASCII imprimables, sans espace ni accent (il est comparé exactement).",
                $"Id required: 1 to {MaxIdLength} printable ASCII characters, no space or accent (it is compared exactly).");
        }

        var family = field("family_name");
        var given = field("given_name");
        foreach (var (column, value) in new[] { ("family_name", family), ("given_name", given) })
        {
            if (value.Length == 0 || value.Length > MaxNameLength || value.Any(char.IsControl))
            {
                Error(column, $"Nom requis, au plus {MaxNameLength} caractères.", $"Name required, at most {MaxNameLength} characters.");
            }
        }

        var language = field("language").ToLowerInvariant();
        if (language is not ("fr" or "en"))
        {
            Error("language", "Valeurs permises : fr, en.", "Allowed values: fr, en.");
        }

        var email = AddressNormalizer.Normalize(field("email"));
        if (email is null)
        {
            Error("email", "Adresse de courriel invalide.", "Invalid e-mail address.");
        }

        var kind = Vocabulary<AddressKind>(field("address_kind"), "address_kind", "personal|employer|school|family_shared|other_third_party", errors, line) ?? AddressKind.Personal;
        var thirdParty = YesNo(field("third_party_consented"), "third_party_consented", errors, line, emptyIs: false);
        var statusText = field("consent_status").ToLowerInvariant();
        ConsentStatus? status = statusText switch
        {
            "granted" => ConsentStatus.Granted,
            "refused" => ConsentStatus.Refused,
            "revoked" => ConsentStatus.Revoked,
            "none" => null,
            _ => null,
        };
        if (statusText is not ("granted" or "refused" or "revoked" or "none"))
        {
            Error("consent_status", "Valeurs permises : granted, refused, revoked, none.", "Allowed values: granted, refused, revoked, none.");
        }

        var methodText = field("consent_method");
        ConsentMethod? method = methodText.Length == 0 ? null : Vocabulary<ConsentMethod>(methodText, "consent_method", "signed_form|verbal_noted", errors, line);
        if (status == ConsentStatus.Granted && methodText.Length == 0)
        {
            // « la signature par le patient d'un formulaire de consentement » or « une note au dossier »: the method is part of the consent.
            Error("consent_method", "Requis pour un consentement accordé : signed_form ou verbal_noted.", "Required for a granted consent: signed_form or verbal_noted.");
        }

        DateOnly? date = null;
        var dateText = field("consent_date");
        if (dateText.Length > 0)
        {
            if (DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                date = parsed;
            }
            else
            {
                Error("consent_date", "Date ISO 8601 attendue (AAAA-MM-JJ).", "ISO 8601 date expected (YYYY-MM-DD).");
            }
        }
        else if (status is not null)
        {
            Error("consent_date", "Requise quand consent_status n'est pas none.", "Required when consent_status is not none.");
        }

        var uses = List<ConsentUse>(field("consent_uses"), "consent_uses", "appointments|general_advice|normal_results|results_follow_up|patient_health_data|treatment_adjustment", errors, line);
        var categories = List<TopicCategory>(field("consent_categories"), "consent_categories", AllCategories, errors, line);
        var sms = YesNo(field("sms_consent"), "sms_consent", errors, line, emptyIs: false);
        var restricted = YesNo(field("restricted"), "restricted", errors, line, emptyIs: false);
        var terms = new List<string>();
        var declaredCategories = new List<TopicCategory>();
        foreach (var item in field("declared_sensitive").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TryVocabulary<TopicCategory>(item, out var category))
            {
                declaredCategories.Add(category);
            }
            else if (item.Length > 100)
            {
                Error("declared_sensitive", "Chaque terme compte au plus 100 caractères.", "Each term has at most 100 characters.");
            }
            else
            {
                terms.Add(item);
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new Row(
            line,
            clinicId,
            family,
            given,
            language,
            new PatientAddress { Address = email!, Kind = kind, ThirdPartyConsented = thirdParty },
            status is null ? null : new Consent
            {
                Status = status.Value,
                Method = method,
                RecordedOn = date,
                Email = true,
                Sms = sms,
                Uses = uses,
                Categories = categories,
            },
            restricted,
            terms,
            declaredCategories);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool YesNo(string text, string column, List<ImportError> errors, int line, bool emptyIs)
    {
        switch (text.ToLowerInvariant())
        {
            case "yes":
                return true;
            case "no":
                return false;
            case "":
                return emptyIs;
            default:
                errors.Add(new ImportError(line, column, new("Valeurs permises : yes, no.", "Allowed values: yes, no.")));
                return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryVocabulary<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum => VocabularyOf<TEnum>.Values.TryGetValue(text.Trim(), out value);

    private static class VocabularyOf<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly Dictionary<string, TEnum> Values =
            Enum.GetValues<TEnum>().ToDictionary(v => StorageNames.Of(v), v => v, StringComparer.OrdinalIgnoreCase);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TEnum? Vocabulary<TEnum>(string text, string column, string allowed, List<ImportError> errors, int line)
        where TEnum : struct, Enum
    {
        if (TryVocabulary<TEnum>(text, out var value))
        {
            return value;
        }

        errors.Add(new ImportError(line, column, new($"Valeurs permises : {allowed.Replace("|", ", ", StringComparison.Ordinal)}.", $"Allowed values: {allowed.Replace("|", ", ", StringComparison.Ordinal)}.")));
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<TEnum> List<TEnum>(string text, string column, string allowed, List<ImportError> errors, int line)
        where TEnum : struct, Enum
    {
        var values = new List<TEnum>();
        foreach (var item in text.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Vocabulary<TEnum>(item, column, allowed, errors, line) is { } value && !values.Contains(value))
            {
                values.Add(value);
            }
        }

        return values;
    }

    private sealed record Row(
        int Line,
        string ClinicPatientId,
        string FamilyName,
        string GivenName,
        string Language,
        PatientAddress Address,
        Consent? Consent,
        bool Restricted,
        List<string> Terms,
        List<TopicCategory> Categories);

    private sealed class Builder(Row first)
    {
        public int FirstLine => first.Line;

        public List<PatientAddress> Addresses { get; } = [first.Address];

        /// <summary>The first patient-level column where <paramref name="row"/> disagrees with the first row, or null.</summary>
        public string? Conflicts(Row row)
        {
            if (!string.Equals(row.FamilyName, first.FamilyName, StringComparison.Ordinal))
            {
                return "family_name";
            }

            if (!string.Equals(row.GivenName, first.GivenName, StringComparison.Ordinal))
            {
                return "given_name";
            }

            if (!string.Equals(row.Language, first.Language, StringComparison.Ordinal))
            {
                return "language";
            }

            if (row.Consent?.Status != first.Consent?.Status || row.Consent?.Method != first.Consent?.Method || row.Consent?.RecordedOn != first.Consent?.RecordedOn)
            {
                return "consent_status";
            }

            if (!(row.Consent?.Uses ?? []).SequenceEqual(first.Consent?.Uses ?? []))
            {
                return "consent_uses";
            }

            if (!(row.Consent?.Categories ?? []).SequenceEqual(first.Consent?.Categories ?? []))
            {
                return "consent_categories";
            }

            if (row.Consent?.Sms != first.Consent?.Sms)
            {
                return "sms_consent";
            }

            if (row.Restricted != first.Restricted)
            {
                return "restricted";
            }

            return row.Terms.SequenceEqual(first.Terms, StringComparer.Ordinal) && row.Categories.SequenceEqual(first.Categories) ? null : "declared_sensitive";
        }

        public ImportedPatient Build() => new()
        {
            ClinicPatientId = first.ClinicPatientId,
            FirstLine = first.Line,
            FamilyName = first.FamilyName,
            GivenName = first.GivenName,
            Language = first.Language,
            Addresses = Addresses,
            Consent = first.Consent,
            Restricted = first.Restricted,
            DeclaredTerms = first.Terms,
            DeclaredCategories = first.Categories,
        };
    }

    /// <summary>Writes patients in this format, one row per address, <c>,</c>-separated, a field quoted
    /// only when it holds a separator, a quote or a line break: the inverse of <see cref="Parse"/> for
    /// the fields the export carries (example files, the import benchmark and tests). A patient
    /// without an address has no row.</summary>
    public static string Format(IEnumerable<Patient> patients)
    {
        ArgumentNullException.ThrowIfNull(patients);
        var builder = new StringBuilder();
        builder.Append(string.Join(',', Columns)).Append('\n');
        foreach (var p in patients)
        {
            var c = p.Consent;
            foreach (var a in p.Addresses)
            {
                string[] fields =
                [
                    p.ClinicPatientId, p.FamilyName, p.GivenName, p.Language, a.Address, StorageNames.Of(a.Kind), YesNo(a.ThirdPartyConsented),
                    c is null ? "none" : StorageNames.Of(c.Status),
                    c is null ? "" : c.Method is { } method ? StorageNames.Of(method) : "signed_form",
                    c?.RecordedOn is { } recorded ? recorded.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "",
                    string.Join('|', (c?.Uses ?? []).Select(StorageNames.Of)),
                    string.Join('|', (c?.Categories ?? []).Select(StorageNames.Of)),
                    YesNo(c?.Sms == true), YesNo(p.Restriction is not null),
                    string.Join('|', p.DeclaredSensitiveTerms.Concat(p.DeclaredSensitiveCategories.Select(StorageNames.Of))),
                ];
                builder.AppendJoin(',', fields.Select(Quote)).Append('\n');
            }
        }

        return builder.ToString();

        static string YesNo(bool value) => value ? "yes" : "no";

        static string Quote(string field) => field.AsSpan().IndexOfAny(",;\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>UTF-8 reader for an import stream (a BOM is accepted and skipped; invalid bytes are replaced and then fail validation).</summary>
    public static StreamReader Reader(Stream stream) => new(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
}
