using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Audit;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Registry;

namespace ClinicMail.Application.Handlers;

/// <summary>Writes a consent documented by evidence into the registry (the store's one transaction
/// and history), then audits it: the registry's usual records (field names) and one consent record
/// with the evidence id, the policy version and hash. No cache stands between this write and the
/// check: the directory reads the registry, so the next check sees the new consent.</summary>
internal static class ConsentWriter
{
    public static async Task<Patient> WriteAsync(
        IPatientStore patients, IAuditWriter audit, Patient stored, Patient wanted, Actor actor, ConsentEvidence evidence, AuditEventType consentEvent, CancellationToken ct)
    {
        PatientDiff diff;
        try
        {
            diff = (await patients.WriteAsync([wanted], RegistryHandler.ActorId(actor), ct).ConfigureAwait(false))[0];
        }
        catch (RegistryConflictException)
        {
            throw new ApiProblemException(409, "address_conflict", RegistryTexts.ConflictTitle, new(
                "Cette adresse est déjà celle d'un autre patient : le consentement n'est pas enregistré.",
                "This address already belongs to another patient: the consent is not recorded."));
        }

        foreach (var entry in RegistryHandler.AuditEntries(diff, stored, actor))
        {
            await audit.AppendAsync(entry, ct).ConfigureAwait(false);
        }

        await audit.AppendAsync(new AuditEntry
        {
            Event = consentEvent,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            SubjectId = stored.Id,
            Data = new Dictionary<string, object?>
            {
                ["evidenceId"] = evidence.Id,
                ["invitationId"] = evidence.InvitationId,
                ["method"] = ConsentVocabulary.Code(evidence.Method),
                ["status"] = ConsentVocabulary.Code(evidence.Status),
                ["policyVersion"] = evidence.PolicyVersion,
                ["policyHash"] = evidence.PolicyHash,
                ["uses"] = evidence.Uses.Select(ConsentVocabulary.Code).ToList(),
                ["categories"] = evidence.Categories.Select(ConsentVocabulary.Code).ToList(),
                ["fields"] = diff.ConsentFieldsChanged.ToList(),
                ["addressVerified"] = evidence.AddressConfirmed,
            },
        }, ct).ConfigureAwait(false);
        return await patients.GetAsync(stored.Id, ct).ConfigureAwait(false) ?? diff.Patient;
    }
}
