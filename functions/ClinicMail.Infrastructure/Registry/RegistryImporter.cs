using ClinicMail.Core.Audit;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Registry;

namespace ClinicMail.Infrastructure.Registry;

/// <summary>The outcome of an import: counts, and every error with its line, column and reason.</summary>
public sealed record ImportResult
{
    public required int Rows { get; init; }

    public required int Patients { get; init; }

    public int Inserted { get; init; }

    public int Updated { get; init; }

    public int Unchanged { get; init; }

    public required bool DryRun { get; init; }

    /// <summary>True when the registry was changed (never for a dry run or a file with errors).</summary>
    public bool Written { get; init; }

    public IReadOnlyList<ImportError> Errors { get; init; } = [];
}

/// <summary>Phases reported to a progress bar.</summary>
public enum ImportPhase
{
    Reading,
    Comparing,
    Writing,
}

/// <summary>Imports an EMR export (<see cref="RegistryCsv"/>) into the registry: upsert by clinic
/// patient id, idempotent (the same file twice changes nothing the second time).</summary>
/// <remarks>All or nothing, for the whole file: the file is validated completely first, and a
/// single bad row means nothing is written (every error is reported, so the administrator fixes the
/// export once and imports again). Then every patient is written in ONE store transaction, so no
/// partial row or partial patient can ever be stored, and a failure half-way (a conflict with a
/// patient not in the file) rolls everything back. Fields the export does not carry (address
/// verification, consent document reference, who recorded it, expiry) are kept from the stored
/// patient when the carried ones did not change; a restriction keeps its original date and reason.</remarks>
public sealed class RegistryImporter(IPatientStore store, TimeProvider? time = null)
{
    /// <summary>The reason recorded for a restriction that comes from the EMR export (the file has no reason column).</summary>
    public static readonly string ImportedRestrictionReason = "Restreint dans le DME (import) / Restricted in the EMR (import)";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<ImportResult> ImportAsync(
        Stream csv, string actorId, bool dryRun, IProgress<(ImportPhase Phase, int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        using var reader = RegistryCsv.Reader(csv);
        var (imported, rows, errors) = RegistryCsv.Parse(reader, progress is null ? null : new Progress<int>(n => progress.Report((ImportPhase.Reading, n, 0))));
        if (errors.Count > 0)
        {
            return new ImportResult { Rows = rows, Patients = imported.Count, DryRun = dryRun, Errors = errors };
        }

        progress?.Report((ImportPhase.Comparing, 0, imported.Count));
        var stored = await store.GetManyByClinicIdsAsync([.. imported.Select(p => p.ClinicPatientId)], cancellationToken).ConfigureAwait(false);
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var patients = new List<Patient>(imported.Count);
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in imported)
        {
            var old = stored.GetValueOrDefault(p.ClinicPatientId);
            var patient = Merge(p, old, actorId, today);
            if (old is null)
            {
                // A registry id made just now (NewId): the store need not look it up again.
                fresh.Add(patient.Id);
            }

            patients.Add(patient);
        }

        if (dryRun)
        {
            var diffs = new List<PatientDiff>(patients.Count);
            foreach (var patient in patients)
            {
                diffs.Add(PatientDiff.Compute(stored.GetValueOrDefault(patient.ClinicPatientId), patient));
            }

            var preview = UpsertSummary.Of(diffs);
            return new ImportResult { Rows = rows, Patients = patients.Count, Inserted = preview.Inserted, Updated = preview.Updated, Unchanged = preview.Unchanged, DryRun = true };
        }

        progress?.Report((ImportPhase.Writing, 0, patients.Count));
        IReadOnlyList<PatientDiff> written;
        try
        {
            written = store is IFreshPatientWriter writer
                ? await writer.WriteAsync(patients, actorId, fresh, cancellationToken).ConfigureAwait(false)
                : await store.WriteAsync(patients, actorId, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryConflictException conflict)
        {
            return new ImportResult
            {
                Rows = rows,
                Patients = patients.Count,
                DryRun = false,
                Errors = [conflict.Conflict == RegistryConflict.Address
                    ? new ImportError(0, "email", new(
                        "Une adresse du fichier appartient à un patient du répertoire absent du fichier (permis seulement si les deux sont family_shared). Rien n'a été importé.",
                        "An address in the file belongs to a registry patient who is not in the file (allowed only when both are family_shared). Nothing was imported."))
                    : new ImportError(0, "clinic_patient_id", new(
                        "Un identifiant du fichier est déjà celui d'un autre patient. Rien n'a été importé.",
                        "An id in the file already belongs to another patient. Nothing was imported."))],
            };
        }

        progress?.Report((ImportPhase.Writing, patients.Count, patients.Count));
        var summary = UpsertSummary.Of(written);
        return new ImportResult
        {
            Rows = rows,
            Patients = patients.Count,
            Inserted = summary.Inserted,
            Updated = summary.Updated,
            Unchanged = summary.Unchanged,
            DryRun = false,
            Written = summary.Inserted + summary.Updated > 0,
        };
    }

    /// <summary>The audit entry of a written import: counts only (Rule 10: no names, no addresses).</summary>
    public static AuditEntry AuditEntry(ImportResult result, string? tenantId, string? objectId) => new()
    {
        Event = AuditEventType.RegistryImported,
        ActorTenantId = tenantId,
        ActorObjectId = objectId,
        Data = new Dictionary<string, object?>
        {
            ["rows"] = result.Rows,
            ["patients"] = result.Patients,
            ["inserted"] = result.Inserted,
            ["updated"] = result.Updated,
            ["unchanged"] = result.Unchanged,
        },
    };

    private static Patient Merge(ImportedPatient imported, Patient? stored, string actorId, DateOnly today)
    {
        var addresses = imported.Addresses.Select(a =>
        {
            var old = stored?.Addresses.FirstOrDefault(s => string.Equals(s.Address, a.Address, StringComparison.Ordinal));
            return old is null ? a : a with { VerifiedOn = old.VerifiedOn, VerificationMethod = old.VerificationMethod };
        }).ToList();

        var consent = imported.Consent;
        if (consent is not null)
        {
            var old = stored?.Consent;
            consent = old is not null && old.Status == consent.Status && old.Method == consent.Method && old.RecordedOn == consent.RecordedOn
                && old.Sms == consent.Sms && old.Email && old.Uses.SequenceEqual(consent.Uses) && old.Categories.SequenceEqual(consent.Categories)
                ? old
                : consent with { RecordedBy = actorId };
        }

        return new Patient
        {
            Id = stored?.Id ?? NewId(),
            ClinicPatientId = imported.ClinicPatientId,
            FamilyName = imported.FamilyName,
            GivenName = imported.GivenName,
            Language = imported.Language,
            Restriction = imported.Restricted ? stored?.Restriction ?? new Restriction(ImportedRestrictionReason, today) : null,
            DeclaredSensitiveTerms = imported.DeclaredTerms,
            DeclaredSensitiveCategories = imported.DeclaredCategories,
            Addresses = addresses,
            Consent = consent,
        };
    }

    /// <summary>Opaque, time-ordered registry ids.</summary>
    public static string NewId() => "pat_" + Guid.CreateVersion7().ToString("N");
}

/// <summary>Renders import errors for a terminal or a log-free report.</summary>
public static class ImportErrors
{
    public static string Format(ImportError error, string language) =>
        error.Line > 0
            ? $"{(language == "fr" ? "ligne" : "line")} {error.Line}{(error.Column.Length > 0 ? ", " + error.Column : "")}: {error.Reason.For(language)}"
            : $"{error.Column}: {error.Reason.For(language)}";

    public static LocalizedText Summary(int count) => new($"{count} erreur(s) : rien n'a été importé.", $"{count} error(s): nothing was imported.");
}
