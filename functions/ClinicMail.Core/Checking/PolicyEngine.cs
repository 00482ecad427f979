using ClinicMail.Core.Attachments;
using ClinicMail.Core.Content;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Checking;

/// <summary>What the policy reads: the detectors' findings and the resolved recipients.</summary>
public sealed record PolicyInput
{
    public required Draft Draft { get; init; }

    public required TopicAnalysis Topics { get; init; }

    /// <summary>Patient-declared findings (one per patient whose declared terms occur).</summary>
    public IReadOnlyList<TopicFinding> Declared { get; init; } = [];

    public required IReadOnlyList<IdentifierFinding> Identifiers { get; init; }

    public required IReadOnlyList<RecipientReport> Recipients { get; init; }

    /// <summary>The draft's uses, general-advice and urgency signals.</summary>
    public ContentAnalysis Content { get; init; } = ContentAnalysis.Empty;

    /// <summary>Each attachment's text or why it could not be read.</summary>
    public IReadOnlyList<AttachmentText> Attachments { get; init; } = [];

    /// <summary>The folded name tokens of the greeting (« Bonjour Monsieur Gagnon » → gagnon).</summary>
    public IReadOnlyList<string> Greeting { get; init; } = [];

    /// <summary>Family-shared addresses whose concerned patient the draft does not make clear.</summary>
    public IReadOnlyList<string> UnclearSharedAddresses { get; init; } = [];

    public SenderScope Sender { get; init; } = SenderScope.Unknown;
}

/// <summary>What the policy decides.</summary>
public sealed record PolicyOutcome
{
    public required Decision Decision { get; init; }

    public required SecureDelivery SecureDelivery { get; init; }

    public required IReadOnlyList<Reason> Reasons { get; init; }

    public required IReadOnlyList<Fix> Fixes { get; init; }

    /// <summary>The content counted as clinical (after general advice and emergency redirection are set apart).</summary>
    public bool Clinical { get; init; }
}

/// <summary>Combines findings and recipients into the decision (Rules 1–6 of DESIGN.md). Sealed and
/// stateless: one instance serves every check. Precedence is explicit: the decision is the most
/// severe reason (block &gt; warn &gt; info); secure delivery is computed independently from the content
/// and the recipients' scope, and becomes a blocking reason of its own when required, so a mail
/// with clinical content never leaves the tenant unencrypted without the physician seeing why.</summary>
public sealed class PolicyEngine
{
    public static PolicyEngine Default { get; } = new();

    public PolicyOutcome Evaluate(PolicyInput input, PolicyOptions options)
    {
        var reasons = new List<Reason>();
        var fixes = new List<Fix>();
        var nominative = input.Identifiers.Count > 0;
        var sensitive = Sensitive(input, nominative);
        var clinical = IsClinical(input, sensitive, nominative);
        var unreadable = input.Attachments.Where(a => a.Unreadable is not null).ToList();
        var external = input.Recipients.Where(r => r.Scope == RecipientScope.External && r.Status != RecipientStatus.Invalid).ToList();

        foreach (var recipient in input.Recipients)
        {
            EvaluateRecipient(recipient, input, sensitive, clinical || nominative || unreadable.Count > 0, options, reasons, fixes);
        }

        EvaluateBulk(input.Recipients, clinical, options, reasons, fixes);
        EvaluateSharedAddresses(input, options, reasons);
        EvaluateNames(input, options, reasons);
        EvaluateSender(input.Sender, clinical || nominative || sensitive.Count > 0, options, reasons);
        if (input.Content.UrgentWithoutRedirection)
        {
            Add(reasons, options, ReasonCode.UrgentByEmail, ReasonMessages.UrgentByEmail);
        }

        if (nominative && external.Count > 0)
        {
            Add(reasons, options, ReasonCode.IdentifiersExternal, ReasonMessages.Identifiers(input.Identifiers.Select(i => i.Kind).Distinct()),
                recipients: external.Select(r => r.Address));
        }

        if (unreadable.Count > 0 && external.Count > 0)
        {
            Add(reasons, options, ReasonCode.AttachmentUnreadable, ReasonMessages.AttachmentUnreadable(unreadable.Select(a => a.Name)),
                recipients: external.Select(r => r.Address));
        }

        var secure = SecureDeliveryFor(external, sensitive, input.Declared, nominative || unreadable.Count > 0, clinical, options);
        if (secure == SecureDelivery.Required)
        {
            Add(reasons, options, ReasonCode.SecureDeliveryRequired, ReasonMessages.SecureRequired, recipients: external.Select(r => r.Address));
            fixes.Add(new Fix
            {
                Kind = FixKind.SendSecurely,
                Label = ReasonMessages.FixSendSecurely,
                Addresses = [.. external.Select(r => r.Address).Distinct(StringComparer.OrdinalIgnoreCase)],
                Resolves = [ReasonCode.SecureDeliveryRequired, ReasonCode.IdentifiersExternal, ReasonCode.AttachmentUnreadable],
            });
        }
        else if (secure == SecureDelivery.Recommended)
        {
            Add(reasons, options, ReasonCode.SecureDeliveryRecommended, ReasonMessages.SecureRecommended, recipients: external.Select(r => r.Address));
            fixes.Add(new Fix
            {
                Kind = FixKind.SendSecurely,
                Label = ReasonMessages.FixSendSecurely,
                Addresses = [.. external.Select(r => r.Address).Distinct(StringComparer.OrdinalIgnoreCase)],
                Resolves = [ReasonCode.SecureDeliveryRecommended],
            });
        }

        return new PolicyOutcome
        {
            Decision = DecisionOf(reasons),
            SecureDelivery = secure,
            Reasons = reasons,
            Fixes = fixes,
            Clinical = clinical,
        };
    }

    /// <summary>Clinical content: a sensitive or declared topic, a use that carries the patient's own data, or
    /// the detector's clinical evidence outside the guide's emergency redirection. General health advice with
    /// none of these (« Donner des conseils généraux sur la santé ») is not clinical.</summary>
    private static bool IsClinical(PolicyInput input, IReadOnlyList<TopicFinding> sensitive, bool nominative)
    {
        if (sensitive.Count > 0 || input.Declared.Count > 0 || input.Content.PatientSpecific || input.Content.UrgentSymptom)
        {
            return true;
        }

        if (input.Content.GeneralOnly && !nominative)
        {
            return false;
        }

        foreach (var evidence in input.Topics.ClinicalEvidence)
        {
            if (!input.Content.InRedirection(evidence.Part, evidence.Offset))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The sensitive topics that apply. « Communication d'un nouveau diagnostic / d'un nouveau
    /// traitement » is news given to one patient: general health advice with no patient data (a vaccination
    /// campaign recommending a vaccine) communicates neither.</summary>
    private static List<TopicFinding> Sensitive(PolicyInput input, bool nominative)
    {
        var general = input.Content.GeneralOnly && !nominative && input.Declared.Count == 0;
        return [.. input.Topics.Topics.Where(t => t.Category != TopicCategory.PatientDeclared
            && !(general && t.Category is TopicCategory.NewDiagnosis or TopicCategory.NewTreatment))];
    }

    private static void EvaluateSharedAddresses(PolicyInput input, PolicyOptions options, List<Reason> reasons)
    {
        foreach (var address in input.UnclearSharedAddresses)
        {
            var report = input.Recipients.FirstOrDefault(r => string.Equals(r.Address, address, StringComparison.Ordinal));
            Add(reasons, options, ReasonCode.SharedAddressPatientUnclear, ReasonMessages.SharedAddressUnclear(address),
                recipients: [address], patients: report?.PatientIds);
        }
    }

    /// <summary>« ce qu'on craint le plus, c'est l'erreur humaine »: the greeting names someone who is not the
    /// patient (or any of the patients) the draft is addressed to in To.</summary>
    private static void EvaluateNames(PolicyInput input, PolicyOptions options, List<Reason> reasons)
    {
        if (input.Greeting.Count == 0)
        {
            return;
        }

        var addressed = input.Recipients.Where(r => r.Field == RecipientField.To && r.IsPatient).ToList();
        if (addressed.Count == 0 || addressed.Exists(r => r.Patients.Any(p => GreetingNames.Match(input.Greeting, p) > 0)))
        {
            return;
        }

        foreach (var recipient in addressed)
        {
            Add(reasons, options, ReasonCode.RecipientNameMismatch, ReasonMessages.NameMismatch(recipient.Address),
                recipients: [recipient.Address], patients: recipient.PatientIds);
        }
    }

    /// <summary>CMQ « Utiliser une adresse courriel professionnelle dédiée »; MSSS: confidential data only from
    /// the corporate account. A warning, a block for clinical or identifying content.</summary>
    private static void EvaluateSender(SenderScope sender, bool clinical, PolicyOptions options, List<Reason> reasons)
    {
        if (sender is SenderScope.Unknown or SenderScope.Network)
        {
            return;
        }

        var setting = options.For(ReasonCode.NonProfessionalSender);
        if (clinical && options.BlockNonProfessionalSenderWithClinicalContent)
        {
            setting = setting with { Severity = Severity.Block, Overridable = false };
        }

        reasons.Add(new Reason
        {
            Code = ReasonCode.NonProfessionalSender,
            Severity = setting.Severity,
            Overridable = setting.Overridable,
            Message = clinical ? ReasonMessages.NonProfessionalSenderClinical : ReasonMessages.NonProfessionalSender,
        });
    }

    /// <summary>The outcome for a draft that could not be checked: fail closed with a reason.</summary>
    public static PolicyOutcome Failed() => new()
    {
        Decision = Decision.Block,
        SecureDelivery = SecureDelivery.Required,
        Reasons =
        [
            new Reason
            {
                Code = ReasonCode.CheckFailed,
                Severity = Severity.Block,
                Overridable = false,
                Message = ReasonMessages.CheckFailed,
            },
        ],
        Fixes = [],
    };

    private static void EvaluateRecipient(
        RecipientReport recipient,
        PolicyInput input,
        IReadOnlyList<TopicFinding> sensitive,
        bool clinicalOrNominative,
        PolicyOptions options,
        List<Reason> reasons,
        List<Fix> fixes)
    {
        var address = recipient.Address;
        switch (recipient.Status)
        {
            case RecipientStatus.Internal:
                // Internal recipients stay inside the secure tenant: clinical content is allowed.
                return;
            case RecipientStatus.Invalid:
                Add(reasons, options, ReasonCode.InvalidAddress, ReasonMessages.Invalid(address), recipients: [address]);
                fixes.Add(RemoveFix(address, ReasonCode.InvalidAddress));
                return;
            case RecipientStatus.Lookalike when recipient.Lookalike is { } look:
                Add(reasons, options, ReasonCode.LookalikeAddress, ReasonMessages.Lookalike(address, look.Resembles),
                    recipients: [address], patients: [look.PatientId]);
                fixes.Add(new Fix
                {
                    Kind = FixKind.ReplaceAddress,
                    Label = ReasonMessages.FixReplace(look.Resembles),
                    Addresses = [address],
                    Replacement = look.Resembles,
                    Resolves = [ReasonCode.LookalikeAddress],
                });
                return;
            case RecipientStatus.Lookalike:
            case RecipientStatus.Unknown:
                EvaluateUnknown(recipient, input.Draft.IsReply, clinicalOrNominative || sensitive.Count > 0, options, reasons);
                return;
            case RecipientStatus.ConsentedPatient:
            case RecipientStatus.PatientWithoutConsent:
            case RecipientStatus.RestrictedPatient:
            case RecipientStatus.ThirdParty:
                EvaluatePatient(recipient, input, sensitive, options, reasons);
                return;
        }
    }

    private static void EvaluateUnknown(RecipientReport recipient, bool isReply, bool clinical, PolicyOptions options, List<Reason> reasons)
    {
        var address = recipient.Address;
        var code = isReply ? ReasonCode.ReplyToUnregistered : ReasonCode.UnknownRecipient;
        var message = isReply ? ReasonMessages.ReplyUnregistered(address)
            : clinical ? ReasonMessages.UnknownClinical(address) : ReasonMessages.Unknown(address);
        var setting = options.For(code);
        if (clinical && options.BlockUnknownRecipientWithClinicalContent)
        {
            // Patient data never goes to an address outside the directory, whatever the rule's base severity.
            setting = setting with { Severity = Severity.Block, Overridable = false };
        }

        reasons.Add(new Reason
        {
            Code = code,
            Severity = setting.Severity,
            Overridable = setting.Overridable,
            Message = message,
            Recipients = [address],
        });
    }

    private static void EvaluatePatient(
        RecipientReport recipient, PolicyInput input, IReadOnlyList<TopicFinding> sensitive, PolicyOptions options, List<Reason> reasons)
    {
        var address = recipient.Address;
        var ids = recipient.PatientIds;

        if (recipient.Restricted)
        {
            Add(reasons, options, ReasonCode.PatientRestricted, ReasonMessages.Restricted(address), recipients: [address], patients: ids);
        }

        var consentState = recipient.Consent?.State ?? "none";
        var consentBlocked = true;
        switch (consentState)
        {
            case "granted":
                consentBlocked = false;
                break;
            case "refused":
                Add(reasons, options, ReasonCode.ConsentRefused, ReasonMessages.ConsentRefused(address), recipients: [address], patients: ids);
                break;
            case "revoked":
                Add(reasons, options, ReasonCode.ConsentRevoked, ReasonMessages.ConsentRevoked(address), recipients: [address], patients: ids);
                break;
            case "expired":
                Add(reasons, options, ReasonCode.ConsentExpired, ReasonMessages.ConsentExpired(address), recipients: [address], patients: ids);
                break;
            case "no_email":
                Add(reasons, options, ReasonCode.ConsentMissing, ReasonMessages.ConsentNoEmail(address), recipients: [address], patients: ids);
                break;
            default:
                Add(reasons, options, ReasonCode.ConsentMissing, ReasonMessages.ConsentMissing(address), recipients: [address], patients: ids);
                break;
        }

        if (recipient.AddressKind is { } kind && kind != AddressKind.Personal)
        {
            if (recipient.ThirdPartyConsented == true)
            {
                Add(reasons, options, ReasonCode.ThirdPartyConsented, ReasonMessages.ThirdPartyConsented(address, ReasonMessages.AddressKind(kind)),
                    recipients: [address], patients: ids);
            }
            else
            {
                Add(reasons, options, ReasonCode.ThirdPartyAddress, ReasonMessages.ThirdParty(address, ReasonMessages.AddressKind(kind)),
                    recipients: [address], patients: ids);
            }
        }

        if (consentBlocked)
        {
            // Without consent nothing may be sent; topic reasons would only add noise.
            return;
        }

        EvaluateTopicsForPatient(recipient, input, sensitive, options, reasons);
    }

    private static void EvaluateTopicsForPatient(
        RecipientReport recipient, PolicyInput input, IReadOnlyList<TopicFinding> sensitive, PolicyOptions options, List<Reason> reasons)
    {
        var address = recipient.Address;
        var agreed = recipient.Consent?.Categories ?? [];
        var declaredCategories = recipient.Patients.SelectMany(p => p.DeclaredSensitiveCategories).ToHashSet();
        var outside = new List<TopicCategory>();
        var inside = new List<TopicCategory>();

        foreach (var topic in sensitive)
        {
            // A category the patient declared sensitive for them is treated like a declared term: it needs
            // the patient's agreement to "patient_declared" content, whatever else was agreed.
            var isAgreed = declaredCategories.Contains(topic.Category)
                ? agreed.Contains(TopicCategory.PatientDeclared)
                : agreed.Contains(topic.Category);
            (isAgreed ? inside : outside).Add(topic.Category);
        }

        if (input.Declared.Any(d => d.PatientIds.Any(id => recipient.PatientIds.Contains(id, StringComparer.Ordinal))))
        {
            (agreed.Contains(TopicCategory.PatientDeclared) ? inside : outside).Add(TopicCategory.PatientDeclared);
        }

        if (outside.Count > 0)
        {
            Add(reasons, options, ReasonCode.TopicOutsideConsent, ReasonMessages.TopicOutside(address, ReasonMessages.Categories(outside)),
                recipients: [address], patients: recipient.PatientIds, categories: outside);
        }

        if (inside.Count > 0)
        {
            Add(reasons, options, ReasonCode.TopicInsideConsent, ReasonMessages.TopicInside(address, ReasonMessages.Categories(inside)),
                recipients: [address], patients: recipient.PatientIds, categories: inside);
        }

        // « convenir à l'avance avec son patient du contenu à partager »: each use of the draft must be one the
        // patient agreed to. A consent recorded without uses is not enforced (older imports).
        var uses = recipient.Consent?.Uses ?? [];
        if (uses.Count == 0)
        {
            return;
        }

        var outsideUses = input.Content.Uses.Where(u => !uses.Contains(u)).ToList();
        var clinical = IsClinical(input, sensitive, input.Identifiers.Count > 0);
        if (outsideUses.Count == 0 && clinical && input.Content.Uses.All(u => u == ConsentUse.Appointments) && uses.All(u => u == ConsentUse.Appointments))
        {
            // Clinical content the classifier could not name, to a patient who agreed to appointments only.
            Add(reasons, options, ReasonCode.UseOutsideConsent, ReasonMessages.UseOutside(address), recipients: [address], patients: recipient.PatientIds);
        }
        else if (outsideUses.Count > 0)
        {
            Add(reasons, options, ReasonCode.UseOutsideConsent, ReasonMessages.UsesOutside(address, outsideUses), recipients: [address], patients: recipient.PatientIds);
        }
    }

    private static void EvaluateBulk(IReadOnlyList<RecipientReport> recipients, bool clinical, PolicyOptions options, List<Reason> reasons, List<Fix> fixes)
    {
        // « utiliser la fonction copie conforme cachée … afin qu'aucun destinataire ne puisse identifier
        // les autres »: a patient visible in To/Cc next to any other external recipient is exposed.
        var visibleExternal = recipients
            .Where(r => r.Field != RecipientField.Bcc && r.Scope == RecipientScope.External && r.Status != RecipientStatus.Invalid)
            .ToList();
        var distinctVisible = visibleExternal.Select(r => r.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var visiblePatients = visibleExternal.Count(r => r.IsPatient || r.Status == RecipientStatus.Lookalike);
        if (visiblePatients >= 1 && distinctVisible.Count >= 2)
        {
            Add(reasons, options, ReasonCode.BulkVisiblePatients, ReasonMessages.Bulk(distinctVisible.Count), recipients: distinctVisible,
                patients: visibleExternal.SelectMany(r => r.PatientIds).Distinct(StringComparer.Ordinal));
            fixes.Add(new Fix
            {
                Kind = FixKind.MoveToBcc,
                Label = ReasonMessages.FixMoveToBcc,
                Addresses = distinctVisible,
                Resolves = [ReasonCode.BulkVisiblePatients],
            });
        }

        var patients = recipients.Where(r => r.IsPatient).SelectMany(r => r.PatientIds).Distinct(StringComparer.Ordinal).Count();
        if (clinical && patients >= 2)
        {
            Add(reasons, options, ReasonCode.ClinicalContentBulk, ReasonMessages.ClinicalBulk(patients));
        }
    }

    /// <summary>Rule 6. Required: sensitive content, identifiers, an unreadable attachment, or clinical content,
    /// going to any external recipient (with <see cref="PolicyOptions.RequireSecureDeliveryForClinicalContent"/>
    /// off: clinical content to a non-consumer mailbox is only recommended). Not needed: internal-only
    /// recipients, or nothing clinical.</summary>
    private static SecureDelivery SecureDeliveryFor(
        IReadOnlyList<RecipientReport> external, IReadOnlyList<TopicFinding> sensitive, IReadOnlyList<TopicFinding> declared, bool nominative, bool clinical,
        PolicyOptions options)
    {
        if (external.Count == 0)
        {
            return SecureDelivery.NotNeeded;
        }

        if (sensitive.Count > 0 || declared.Count > 0 || nominative)
        {
            return SecureDelivery.Required;
        }

        if (clinical)
        {
            // MSSS: any message with confidential data leaving the network needs extra encryption; consumer
            // mailboxes are an example, not the limit.
            return options.RequireSecureDeliveryForClinicalContent || external.Any(r => r.ConsumerMailbox)
                ? SecureDelivery.Required
                : SecureDelivery.Recommended;
        }

        return SecureDelivery.NotNeeded;
    }

    private static Decision DecisionOf(IReadOnlyList<Reason> reasons)
    {
        var worst = reasons.Count == 0 ? Severity.Info : reasons.Max(r => r.Severity);
        return worst switch
        {
            Severity.Block => Decision.Block,
            Severity.Warn => Decision.Warn,
            Severity.Info => Decision.Allow,
        };
    }

    private static Fix RemoveFix(string address, ReasonCode code) => new()
    {
        Kind = FixKind.RemoveRecipient,
        Label = ReasonMessages.FixRemove,
        Addresses = [address],
        Resolves = [code],
    };

    private static void Add(
        List<Reason> reasons,
        PolicyOptions options,
        ReasonCode code,
        Localization.LocalizedText message,
        IEnumerable<string>? recipients = null,
        IEnumerable<string>? patients = null,
        IEnumerable<TopicCategory>? categories = null)
    {
        var setting = options.For(code);
        reasons.Add(new Reason
        {
            Code = code,
            Severity = setting.Severity,
            Overridable = setting.Overridable,
            Message = message,
            Recipients = recipients?.ToList() ?? [],
            PatientIds = patients?.ToList() ?? [],
            Categories = categories?.ToList() ?? [],
        });
    }
}
