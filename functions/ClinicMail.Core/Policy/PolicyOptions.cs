namespace ClinicMail.Core.Policy;

/// <summary>What one rule does: its severity and whether a physician may override it with a justification.</summary>
public sealed record RuleSetting(Severity Severity, bool Overridable);

/// <summary>The clinic's policy: the severity of each rule. Defaults follow the seeds; every
/// default, and the sentence it comes from, is documented in docs/policy.md. A clinic may make a
/// rule stricter or softer by configuration (<c>Policy:Rules:CONSENT_MISSING:Severity</c>…).</summary>
public sealed record PolicyOptions
{
    /// <summary>The defaults. Each line names the seed sentence it comes from.</summary>
    public static IReadOnlyDictionary<ReasonCode, RuleSetting> Defaults { get; } = new Dictionary<ReasonCode, RuleSetting>
    {
        // « Obtenir un consentement éclairé … est une étape incontournable avant la première communication ».
        [ReasonCode.ConsentMissing] = new(Severity.Block, Overridable: false),
        // « le patient doit avoir la possibilité de refuser spécifiquement, en tout ou en partie ».
        [ReasonCode.ConsentRefused] = new(Severity.Block, Overridable: false),
        [ReasonCode.ConsentRevoked] = new(Severity.Block, Overridable: false),
        [ReasonCode.ConsentExpired] = new(Severity.Block, Overridable: false),
        // « À moins de circonstances exceptionnelles, il n'est pas approprié d'échanger certains contenus
        // sensibles »: exceptional circumstances exist, so a physician may override with a justification.
        [ReasonCode.TopicOutsideConsent] = new(Severity.Block, Overridable: true),
        // « utiliser la fonction copie conforme cachée … afin qu'aucun destinataire ne puisse identifier les autres ».
        [ReasonCode.BulkVisiblePatients] = new(Severity.Block, Overridable: false),
        // « Le médecin ne devrait pas accepter de joindre le patient au moyen d'une adresse … détenu[e] par un
        // tiers … à moins que le patient y ait consenti ».
        [ReasonCode.ThirdPartyAddress] = new(Severity.Block, Overridable: false),
        // « ce qu'on craint le plus, c'est l'erreur humaine »: a near miss is most likely a typo, but it
        // may be a different person with a similar address, so the physician may confirm it.
        [ReasonCode.LookalikeAddress] = new(Severity.Block, Overridable: true),
        // « le médecin pourrait restreindre, en tout ou en partie, les privilèges du patient ».
        [ReasonCode.PatientRestricted] = new(Severity.Block, Overridable: false),
        // « Adresser chaque courriel individuellement à partir du répertoire »: an address outside it is
        // a warning for benign content and escalates to a block when the content is clinical (see
        // BlockUnknownRecipientWithClinicalContent).
        [ReasonCode.UnknownRecipient] = new(Severity.Warn, Overridable: true),
        // MSSS: « Pour envoyer un courriel à l'extérieur de ce réseau … utiliser un niveau de chiffrement
        // supplémentaire »; identifiers make a message nominative. Informational: secure delivery enforces it.
        [ReasonCode.IdentifiersExternal] = new(Severity.Info, Overridable: false),
        // « il faut éviter la fonction Répondre … pour ne pas qu'une réponse soit acheminée à une adresse non autorisée ».
        [ReasonCode.ReplyToUnregistered] = new(Severity.Warn, Overridable: true),
        // MSSS directive (see IdentifiersExternal) and « les comptes de type Gmail, Hotmail … ne sont pas
        // considérés comme sécuritaires pour transmettre des informations cliniques ».
        [ReasonCode.SecureDeliveryRequired] = new(Severity.Block, Overridable: false),
        // « Le Collège considère que la grande majorité des échanges … doit se faire de manière sécurisée ».
        [ReasonCode.SecureDeliveryRecommended] = new(Severity.Warn, Overridable: true),
        // « convenir à l'avance avec son patient du contenu à partager »: allowed, delivered securely.
        [ReasonCode.TopicInsideConsent] = new(Severity.Info, Overridable: false),
        [ReasonCode.InvalidAddress] = new(Severity.Block, Overridable: false),
        [ReasonCode.ThirdPartyConsented] = new(Severity.Info, Overridable: false),
        // Bulk sends are for « des informations générales sur la santé ou un communiqué ».
        [ReasonCode.ClinicalContentBulk] = new(Severity.Warn, Overridable: true),
        // « Informer le patient de ses attentes quant aux types de contenus à échanger » and « le médecin
        // devrait convenir à l'avance avec son patient du contenu à partager »: a use the patient did not
        // agree to is held like a topic, and like a topic a physician may override it with a justification.
        [ReasonCode.UseOutsideConsent] = new(Severity.Block, Overridable: true),
        // Malformed input or a rule that could not run: fail closed.
        [ReasonCode.CheckFailed] = new(Severity.Block, Overridable: false),
        // CMQ « Utiliser une adresse courriel professionnelle dédiée »; a warning for administrative
        // content, escalated to a block for clinical or identifying content by
        // BlockNonProfessionalSenderWithClinicalContent (MSSS: « le médecin doit recourir exclusivement à son
        // compte corporatif MSSS, pour tous ses échanges comprenant des données confidentielles »).
        [ReasonCode.NonProfessionalSender] = new(Severity.Warn, Overridable: true),
        // CMQ: « aviser que le courriel n'est pas le bon moyen de communication pour une situation urgente et
        // orienter vers la salle d'urgence ou la clinique sans rendez-vous ».
        [ReasonCode.UrgentByEmail] = new(Severity.Warn, Overridable: true),
        // CMQ: « ce qu'on craint le plus, c'est l'erreur humaine ».
        [ReasonCode.RecipientNameMismatch] = new(Severity.Warn, Overridable: true),
        // MSSS: données confidentielles = « toutes les informations qui permettent d'identifier une patiente ou un
        // patient »; what cannot be read may be exactly that. Informational: secure delivery enforces it.
        [ReasonCode.AttachmentUnreadable] = new(Severity.Info, Overridable: false),
        // CMQ: « à moins que le patient y ait consenti » is decided per patient: the physician names the patient.
        [ReasonCode.SharedAddressPatientUnclear] = new(Severity.Warn, Overridable: true),
    };

    public static PolicyOptions Default { get; } = new();

    /// <summary>Per-code overrides of <see cref="Defaults"/>.</summary>
    public IReadOnlyDictionary<ReasonCode, RuleSetting> Rules { get; init; } = new Dictionary<ReasonCode, RuleSetting>();

    /// <summary>An unknown external recipient blocks (instead of warning) when the content is clinical,
    /// sensitive or nominative: patient data never goes to an address outside the directory.</summary>
    public bool BlockUnknownRecipientWithClinicalContent { get; init; } = true;

    /// <summary>A sender outside the professional network blocks (instead of warning) when the content is
    /// clinical, sensitive or identifying.</summary>
    public bool BlockNonProfessionalSenderWithClinicalContent { get; init; } = true;

    /// <summary>The MSSS corporate domain, where the physicians' ".med" addresses live: « Ce compte est
    /// sécuritaire pour les échanges entre les membres du réseau public de santé québécois ».</summary>
    public static IReadOnlyList<string> DefaultNetworkDomains => ["ssss.gouv.qc.ca"];

    /// <summary>The public health network's domains (and their subdomains): recipients and senders there are
    /// inside the network, like the organisation's own domains. Configuration: <c>Policy:NetworkDomains:0</c>…;
    /// default <see cref="DefaultNetworkDomains"/>.</summary>
    public IReadOnlyList<string> NetworkDomains { get; init; } = DefaultNetworkDomains;

    /// <summary>Clinical content to any external address requires secure delivery (MSSS: « Pour envoyer un
    /// courriel à l'extérieur de ce réseau … le médecin doit utiliser un niveau de chiffrement supplémentaire »).
    /// False restores the older rule: required for consumer mailboxes, recommended for the others.</summary>
    public bool RequireSecureDeliveryForClinicalContent { get; init; } = true;

    public RuleSetting For(ReasonCode code) =>
        Rules.TryGetValue(code, out var setting) ? setting : Defaults[code];
}
