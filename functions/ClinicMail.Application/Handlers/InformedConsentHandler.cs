using ClinicMail.Application.Configuration;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Audit;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Mail;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Secure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Handlers;

/// <summary>The clinic's side of informed consent (issue 20, docs/consent.md): the e-mail policy
/// versions, consent invitations, verbal consents with the guide's checklist, and the clinic
/// page's lists. Audit records carry ids, field names and the policy version and hash, never names
/// or addresses.</summary>
public sealed class InformedConsentHandler(
    IInformedConsentStore consents,
    IPatientStore patients,
    IPatientDirectory directory,
    IMailSender mail,
    IAuditWriter audit,
    ConsentNoteFiler notes,
    IOptions<ClinicMailOptions> options,
    TimeProvider time,
    ILogger<InformedConsentHandler> logger)
{
    /// <summary>How long an invitation link stays usable (to sign, then to withdraw).</summary>
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(14);

    /// <summary>Most rows a clinic-page list returns.</summary>
    public const int MaxListRows = 500;

    public async Task<Ok<PolicyResponse>> CurrentPolicyAsync(CancellationToken ct) =>
        TypedResults.Ok(PolicyResponse.Of(await consents.CurrentPolicyAsync(ct).ConfigureAwait(false) ?? throw NoPolicy()));

    public async Task<Ok<PolicyResponse>> PolicyVersionAsync(int version, CancellationToken ct) =>
        TypedResults.Ok(PolicyResponse.Of(await consents.PolicyAsync(version, ct).ConfigureAwait(false)
            ?? throw new ApiProblemException(404, "policy_version_not_found", RegistryTexts.NotFoundTitle,
                new("Cette version de la politique n'existe pas.", "This policy version does not exist."))));

    /// <summary>Publishes the settings as the next version (the same text as the current one is not a new version).</summary>
    public async Task<Ok<PolicyResponse>> PublishPolicyAsync(ClinicEmailPolicy policy, Actor actor, CancellationToken ct)
    {
        var hash = ConsentPolicyText.Hash(policy);
        var version = await consents.PublishPolicyAsync(policy, hash, RegistryHandler.ActorId(actor), time.GetUtcNow(), ct).ConfigureAwait(false);
        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.ConsentPolicyPublished,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            SubjectId = "policy:" + version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Data = new Dictionary<string, object?> { ["policyVersion"] = version.Version, ["policyHash"] = version.Hash },
        }, ct).ConfigureAwait(false);
        return TypedResults.Ok(PolicyResponse.Of(version));
    }

    /// <summary>Mails the patient a link to the consent page, at the address to be registered.</summary>
    public async Task<Created<InvitationResponse>> InviteAsync(string patientId, ConsentInvitationRequest request, Actor actor, CancellationToken ct)
    {
        var patient = await patients.GetAsync(patientId, ct).ConfigureAwait(false)
            ?? throw new ApiProblemException(404, "patient_not_found", RegistryTexts.NotFoundTitle, RegistryTexts.NotFound);
        var policy = await consents.CurrentPolicyAsync(ct).ConfigureAwait(false) ?? throw NoPolicy();
        var address = AddressNormalizer.Normalize(request.Address)!;
        var found = await directory.FindByAddressesAsync([address], ct).ConfigureAwait(false);
        if (found.TryGetValue(address, out var holders) && holders.Any(h => h.Patient.Id != patient.Id && h.Address.Kind != AddressKind.FamilyShared))
        {
            throw new ApiProblemException(409, "address_conflict", RegistryTexts.ConflictTitle, new(
                "Cette adresse est déjà celle d'un autre patient : l'invitation n'est pas envoyée.",
                "This address already belongs to another patient: the invitation is not sent."));
        }

        if (request.BirthDate is { } birthDate)
        {
            await consents.SetBirthDateAsync(patient.Id, birthDate, ct).ConfigureAwait(false);
        }
        else if (await consents.BirthDateAsync(patient.Id, ct).ConfigureAwait(false) is null)
        {
            throw new ApiProblemException(409, "birth_date_required", RegistryTexts.ConflictTitle, new(
                "Le répertoire n'a pas la date de naissance de ce patient : indiquez-la (le patient la confirme en signant).",
                "The registry has no date of birth for this patient: give it (the patient confirms it when signing)."));
        }

        var now = time.GetUtcNow();
        var token = SecretTokens.NewLinkToken();
        var invitation = new ConsentInvitation
        {
            Id = ConsentInvitation.NewId(),
            PatientId = patient.Id,
            Address = address,
            Language = request.Language ?? patient.Language,
            CreatedAt = now,
            CreatedBy = RegistryHandler.ActorId(actor),
            ExpiresAt = now.Add(InvitationLifetime),
        };
        await consents.CreateInvitationAsync(invitation, SecretTokens.Hash(token), ct).ConfigureAwait(false);
        var link = options.Value.PublicBaseUrl.TrimEnd('/') + ConsentPage.PathPrefix + token;
        var days = (int)InvitationLifetime.TotalDays;
        var text = new LocalizedText(
            $"Bonjour,\n\nVotre clinique vous invite à lire sa politique sur l'utilisation du courriel et à indiquer ce que vous acceptez (tout, une partie ou rien) :\n{link}\n\nUn code à usage unique vous sera envoyé à cette adresse pour ouvrir la page. Le lien expire dans {days} jours.\nSi vous n'attendiez pas ce courriel, ignorez-le.",
            $"Hello,\n\nYour clinic invites you to read its policy on the use of e-mail and to say what you accept (all, some or none):\n{link}\n\nA one-time code will be sent to this address to open the page. The link expires in {days} days.\nIf you did not expect this e-mail, ignore it.");
        await mail.SendAsync(new OutgoingMail
        {
            To = address,
            Subject = invitation.Language == "en" ? "Your consent to e-mail with your clinic" : "Votre consentement au courriel avec votre clinique",
            TextBody = text.For(invitation.Language) + "\n\n----\n\n" + text.For(invitation.Language == "en" ? "fr" : "en"),
            Kind = "consent-invitation",
            Language = invitation.Language,
        }, ct).ConfigureAwait(false);
        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.ConsentInvitationSent,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            SubjectId = patient.Id,
            Data = new Dictionary<string, object?>
            {
                ["invitationId"] = invitation.Id,
                ["policyVersion"] = policy.Version,
                ["policyHash"] = policy.Hash,
                ["addressRegistered"] = patient.Addresses.Any(a => a.Address == address),
                ["birthDateGiven"] = request.BirthDate is not null,
            },
        }, ct).ConfigureAwait(false);
        logger.LogInformation("Consent invitation {InvitationId} sent for patient {PatientId}", invitation.Id, patient.Id);
        return TypedResults.Created($"/api/v1/registry/patients/{patient.Id}", new InvitationResponse(invitation.Id, patient.Id, invitation.ExpiresAt, policy.Version));
    }

    /// <summary>Records a verbal consent (or refusal) with its checklist: the guide's « note au dossier ».</summary>
    public async Task<Ok<VerbalConsentResponse>> RecordVerbalAsync(string patientId, VerbalConsentRequest request, Actor actor, CancellationToken ct)
    {
        var stored = await patients.GetAsync(patientId, ct).ConfigureAwait(false)
            ?? throw new ApiProblemException(404, "patient_not_found", RegistryTexts.NotFoundTitle, RegistryTexts.NotFound);
        var policy = await consents.PolicyAsync(request.PolicyVersion!.Value, ct).ConfigureAwait(false)
            ?? throw new ApiProblemException(409, "policy_version_not_found", RegistryTexts.ConflictTitle,
                new("Cette version de la politique n'existe pas : lisez au patient une version publiée.", "This policy version does not exist: read a published version to the patient."));
        var refused = request.Status == ConsentStatus.Refused;
        var uses = refused ? [] : (request.Uses ?? []).Distinct().ToList();
        var categories = refused ? [] : (request.Categories ?? []).Distinct().ToList();
        if (uses.Any(u => !policy.Policy.UsesOffered.Contains(u)) || categories.Any(c => !policy.Policy.CategoriesOffered.Contains(c)))
        {
            throw new ApiProblemException(400, "scope_not_offered", ProblemTexts.ValidationTitle, new(
                "Le consentement ne peut couvrir que les utilisations et catégories offertes par cette version de la politique.",
                "The consent can cover only the uses and categories this policy version offers."));
        }

        var evidence = new ConsentEvidence
        {
            Id = ConsentEvidence.NewId(),
            PatientId = stored.Id,
            Method = ConsentMethod.VerbalNoted,
            Status = request.Status,
            PolicyVersion = policy.Version,
            PolicyHash = policy.Hash,
            Checklist = InformedConsentItems.All,
            Uses = uses,
            Categories = categories,
            RecordedAt = time.GetUtcNow(),
            RecordedBy = RegistryHandler.ActorId(actor),
        };
        await consents.SaveEvidenceAsync(evidence, ct).ConfigureAwait(false);
        var consent = new Consent
        {
            Status = request.Status,
            Method = ConsentMethod.VerbalNoted,
            RecordedOn = ClinicClock.Today(time, options.Value),
            RecordedBy = evidence.RecordedBy,
            DocumentReference = evidence.Id,
            Email = !refused,
            Uses = uses,
            Categories = categories,
            ExpiresOn = refused ? null : request.ExpiresOn,
        };
        var patient = await ConsentWriter.WriteAsync(patients, audit, stored, stored with { Consent = consent }, actor, evidence, AuditEventType.ConsentVerbalRecorded, ct).ConfigureAwait(false);
        await notes.FileAsync(patient, evidence, policy, ct).ConfigureAwait(false);
        return TypedResults.Ok(new VerbalConsentResponse(patient, evidence.Id, policy.Version, policy.Hash));
    }

    public async Task<Ok<ConsentAttentionResponse>> AttentionAsync(int? limit, CancellationToken ct)
    {
        var rows = Math.Clamp(limit ?? 100, 1, MaxListRows);
        return TypedResults.Ok(new ConsentAttentionResponse(await consents.AttentionAsync(ClinicClock.Today(time, options.Value), rows, ct).ConfigureAwait(false), rows));
    }

    public async Task<Ok<LookAlikeResponse>> LookAlikesAsync(int? limit, CancellationToken ct)
    {
        var rows = Math.Clamp(limit ?? 100, 1, MaxListRows);
        return TypedResults.Ok(new LookAlikeResponse(await consents.LookAlikePairsAsync(rows, ct).ConfigureAwait(false), rows));
    }

    private static ApiProblemException NoPolicy() => new(409, "no_policy", RegistryTexts.ConflictTitle, new(
        "La clinique n'a pas encore publié sa politique sur le courriel : publiez-la d'abord (PUT /api/v1/consent/policy).",
        "The clinic has not published its e-mail policy yet: publish it first (PUT /api/v1/consent/policy)."));
}
