using ClinicMail.Application.Configuration;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Handlers;

/// <summary>The registry management API (docs/registry.md): « un répertoire unique des courriels
/// de ses patients » kept by the clinic administrator, with the consents it records. Every change
/// is written by the store (one transaction, with its registry_changes history) and then appended
/// to the audit chain with the actor and the names of the fields changed, never their values.</summary>
/// <remarks>Updates are read-modify-write on one patient: two administrators editing the same
/// patient at the same moment both succeed, the last one wins, and both changes are in the history.</remarks>
public sealed class RegistryHandler(
    IPatientStore store,
    IPatientDirectory directory,
    IAuditWriter audit,
    IOptions<ClinicMailOptions> options,
    TimeProvider time,
    ILogger<RegistryHandler> logger)
{
    public async Task<Created<Patient>> CreateAsync(PatientRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var patient = new Patient
        {
            Id = RegistryImporter.NewId(),
            ClinicPatientId = request.ClinicPatientId!,
            FamilyName = request.FamilyName!.Trim(),
            GivenName = request.GivenName!.Trim(),
            Language = request.Language!,
            Addresses = [.. (request.Addresses ?? []).Select(a => a.ToAddress())],
            Consent = request.Consent?.ToConsent(ActorId(actor)),
            DeclaredSensitiveTerms = [.. (request.DeclaredSensitiveTerms ?? []).Select(t => t.Trim())],
            DeclaredSensitiveCategories = [.. (request.DeclaredSensitiveCategories ?? []).Distinct()],
        };
        var stored = await WriteAsync(null, patient, actor, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/registry/patients/{stored.Id}", stored);
    }

    public async Task<Ok<Patient>> GetAsync(string id, CancellationToken cancellationToken) =>
        TypedResults.Ok(await LoadAsync(id, cancellationToken).ConfigureAwait(false));

    public Task<Ok<Patient>> UpdateAsync(string id, PatientRequest request, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, p => p with
        {
            ClinicPatientId = request.ClinicPatientId!,
            FamilyName = request.FamilyName!.Trim(),
            GivenName = request.GivenName!.Trim(),
            Language = request.Language!,
            Addresses = request.Addresses is null ? p.Addresses : [.. request.Addresses.Select(a => a.ToAddress())],
            Consent = request.Consent is null ? p.Consent : request.Consent.ToConsent(ActorId(actor)),
            DeclaredSensitiveTerms = request.DeclaredSensitiveTerms is null ? p.DeclaredSensitiveTerms : [.. request.DeclaredSensitiveTerms.Select(t => t.Trim())],
            DeclaredSensitiveCategories = request.DeclaredSensitiveCategories is null ? p.DeclaredSensitiveCategories : [.. request.DeclaredSensitiveCategories.Distinct()],
        }, cancellationToken);

    /// <summary>Adds the address, or updates it when the patient already has it.</summary>
    public Task<Ok<Patient>> PutAddressAsync(string id, AddressRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var address = request.ToAddress();
        var normalized = AddressNormalizer.Normalize(address.Address)!;
        return ChangeAsync(id, actor, p =>
        {
            var index = p.Addresses.ToList().FindIndex(a => string.Equals(a.Address, normalized, StringComparison.Ordinal));
            var list = p.Addresses.ToList();
            if (index < 0)
            {
                list.Add(address with { Address = normalized });
            }
            else
            {
                list[index] = address with { Address = normalized };
            }

            return p with { Addresses = list };
        }, cancellationToken);
    }

    public Task<Ok<Patient>> RemoveAddressAsync(string id, RemoveAddressRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var normalized = AddressNormalizer.Normalize(request.Address)!;
        return ChangeAsync(id, actor, p =>
        {
            if (!p.Addresses.Any(a => string.Equals(a.Address, normalized, StringComparison.Ordinal)))
            {
                throw new ApiProblemException(404, "address_not_found", RegistryTexts.NotFoundTitle,
                    new("Ce patient n'a pas cette adresse.", "This patient does not have this address."));
            }

            return p with { Addresses = [.. p.Addresses.Where(a => !string.Equals(a.Address, normalized, StringComparison.Ordinal))] };
        }, cancellationToken);
    }

    public Task<Ok<Patient>> RecordConsentAsync(string id, ConsentRequest request, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, p => p with { Consent = request.ToConsent(ActorId(actor)) }, cancellationToken);

    /// <summary>« le patient peut retirer son consentement en tout temps »: the consent in force
    /// becomes revoked as of today; the previous record stays in the consent history.</summary>
    public Task<Ok<Patient>> RevokeConsentAsync(string id, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, p => p.Consent is null || p.Consent.Status == ConsentStatus.Revoked
            ? throw new ApiProblemException(409, "no_consent_to_revoke", RegistryTexts.ConflictTitle,
                new("Ce patient n'a pas de consentement en vigueur à révoquer.", "This patient has no consent in force to revoke."))
            : p with { Consent = p.Consent with { Status = ConsentStatus.Revoked, RecordedOn = Today(), RecordedBy = ActorId(actor) } }, cancellationToken);

    public Task<Ok<Patient>> RestrictAsync(string id, RestrictRequest request, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, p => p with { Restriction = new Restriction(request.Reason!.Trim(), request.Since ?? Today()) }, cancellationToken);

    public Task<Ok<Patient>> UnrestrictAsync(string id, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(id, actor, p => p with { Restriction = null }, cancellationToken);

    public async Task<Ok<HistoryResponse>> HistoryAsync(string id, CancellationToken cancellationToken)
    {
        var patient = await LoadAsync(id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new HistoryResponse(patient.Id, await store.HistoryAsync(patient.Id, cancellationToken).ConfigureAwait(false)));
    }

    public async Task<Ok<PatientPageResponse>> SearchAsync(SearchRequest request, CancellationToken cancellationToken)
    {
        var page = await store.SearchAsync(new PatientSearch
        {
            Name = request.Name,
            ClinicPatientId = string.IsNullOrWhiteSpace(request.ClinicPatientId) ? null : request.ClinicPatientId,
            Page = request.Page,
            PageSize = request.PageSize,
        }, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new PatientPageResponse(page.Patients, page.Total, page.Page, page.PageSize));
    }

    public async Task<Ok<LookupResponse>> LookupAsync(LookupRequest request, CancellationToken cancellationToken)
    {
        var normalized = request.Addresses!.Select(a => AddressNormalizer.Normalize(a)!).Distinct(StringComparer.Ordinal).ToList();
        var found = await directory.FindByAddressesAsync(normalized, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new LookupResponse([.. normalized.Where(found.ContainsKey)
            .Select(a => new LookupMatch(a, [.. found[a].Select(m => m.Patient).DistinctBy(p => p.Id)]))]));
    }

    /// <summary>The actor as the registry history records it: tenant and object id, never a name.</summary>
    public static string ActorId(Actor actor) => $"{actor.TenantId}/{actor.ObjectId}";

    private DateOnly Today() => ClinicClock.Today(time, options.Value);

    private async Task<Patient> LoadAsync(string id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken).ConfigureAwait(false)
        ?? throw new ApiProblemException(404, "patient_not_found", RegistryTexts.NotFoundTitle, RegistryTexts.NotFound);

    private async Task<Ok<Patient>> ChangeAsync(string id, Actor actor, Func<Patient, Patient> change, CancellationToken cancellationToken)
    {
        var stored = await LoadAsync(id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(await WriteAsync(stored, change(stored), actor, cancellationToken).ConfigureAwait(false));
    }

    private async Task<Patient> WriteAsync(Patient? stored, Patient wanted, Actor actor, CancellationToken cancellationToken)
    {
        PatientDiff diff;
        try
        {
            diff = (await store.WriteAsync([wanted], ActorId(actor), cancellationToken).ConfigureAwait(false))[0];
        }
        catch (RegistryConflictException conflict)
        {
            throw conflict.Conflict == RegistryConflict.Address
                ? new ApiProblemException(409, "address_conflict", RegistryTexts.ConflictTitle, new(
                    "Cette adresse est déjà celle d'un autre patient. Deux patients ne partagent une adresse que si elle est déclarée family_shared pour chacun.",
                    "This address already belongs to another patient. Two patients share an address only when it is declared family_shared for each of them."))
                : new ApiProblemException(409, "clinic_patient_id_conflict", RegistryTexts.ConflictTitle, new(
                    "Un autre patient a déjà cet identifiant de la clinique.", "Another patient already has this clinic patient id."));
        }
        catch (ArgumentException)
        {
            // The validators check shape; what remains (an address listed twice) is the caller's too.
            throw new ApiProblemException(400, "invalid_patient", ProblemTexts.ValidationTitle, new(
                "Le patient est invalide : une adresse est invalide ou répétée.", "The patient is invalid: an address is invalid or repeated."));
        }

        foreach (var entry in AuditEntries(diff, stored, actor))
        {
            // A registry change that cannot be audited is reported as such (503), though the store committed it.
            await audit.AppendAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        logger.LogInformation("Registry patient {PatientId}: {Outcome}", diff.Patient.Id, diff.Outcome);
        return await store.GetAsync(diff.Patient.Id, cancellationToken).ConfigureAwait(false) ?? diff.Patient;
    }

    /// <summary>One audit record per kind of change, with ids, field names and counts only (Rule 10).</summary>
    internal static IEnumerable<AuditEntry> AuditEntries(PatientDiff diff, Patient? stored, Actor actor)
    {
        AuditEntry Entry(AuditEventType type, Dictionary<string, object?> data) => new()
        {
            Event = type,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            SubjectId = diff.Patient.Id,
            Data = data,
        };

        if (diff.IsInsert)
        {
            yield return Entry(AuditEventType.PatientCreated, new() { ["fields"] = PatientDiff.PatientFields.ToList(), ["addressCount"] = diff.AddressesAdded.Count });
        }
        else
        {
            var fields = diff.PatientFieldsChanged.Where(f => f != "restriction").ToList();
            if (fields.Count > 0)
            {
                yield return Entry(AuditEventType.PatientUpdated, new() { ["fields"] = fields });
            }
        }

        if (diff.IsInsert ? diff.Patient.Restriction is not null : diff.PatientFieldsChanged.Contains("restriction"))
        {
            yield return diff.Patient.Restriction is null
                ? Entry(AuditEventType.PatientUnrestricted, new() { ["fields"] = new List<string> { "restriction" } })
                : Entry(AuditEventType.PatientRestricted, new() { ["fields"] = new List<string> { "restriction" }, ["wasRestricted"] = stored?.Restriction is not null });
        }

        if (diff.AddressesAdded.Count > 0)
        {
            yield return Entry(AuditEventType.AddressAdded, new()
            {
                ["count"] = diff.AddressesAdded.Count,
                ["kinds"] = diff.AddressesAdded.Select(a => StorageKind(a.Address.Kind)).ToList(),
                ["fields"] = PatientDiff.AddressFields.ToList(),
            });
        }

        if (diff.AddressesUpdated.Count > 0)
        {
            yield return Entry(AuditEventType.AddressUpdated, new()
            {
                ["count"] = diff.AddressesUpdated.Count,
                ["fields"] = diff.AddressesUpdated.SelectMany(u => u.Fields).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            });
        }

        if (diff.AddressesRemoved.Count > 0)
        {
            yield return Entry(AuditEventType.AddressRemoved, new() { ["count"] = diff.AddressesRemoved.Count });
        }

        if (diff.ConsentOperation is not null)
        {
            var revoked = diff.Patient.Consent?.Status == ConsentStatus.Revoked;
            yield return Entry(revoked ? AuditEventType.ConsentRevoked : AuditEventType.ConsentRecorded, new()
            {
                ["operation"] = diff.ConsentOperation,
                ["fields"] = diff.ConsentFieldsChanged.ToList(),
                ["status"] = diff.Patient.Consent is { } c ? StorageKind(c.Status) : "none",
            });
        }
    }

    private static string StorageKind<TEnum>(TEnum value)
        where TEnum : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}

/// <summary>Texts of the registry API's problems.</summary>
public static class RegistryTexts
{
    public static LocalizedText NotFoundTitle { get; } = new("Introuvable.", "Not found.");

    public static LocalizedText NotFound { get; } = new("Aucun patient n'a cet identifiant dans le répertoire.", "No patient has this id in the registry.");

    public static LocalizedText ConflictTitle { get; } = new("Le répertoire refuse ce changement.", "The registry refuses this change.");
}
