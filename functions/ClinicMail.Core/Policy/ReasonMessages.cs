using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Policy;

/// <summary>The physician-facing text of every reason and fix, in French and English. Messages may
/// name the draft's own recipients (the physician is reading their own draft); they are never
/// logged or audited — only the codes are.</summary>
internal static class ReasonMessages
{
    public static LocalizedText ConsentMissing(string address) => new(
        $"Aucun consentement au courriel n'est inscrit pour {address}. Obtenez et consignez le consentement éclairé du patient avant le premier échange.",
        $"No e-mail consent is recorded for {address}. Obtain and record the patient's informed consent before the first exchange.");

    public static LocalizedText ConsentNoEmail(string address) => new(
        $"Le consentement inscrit pour {address} ne couvre pas le courriel.",
        $"The consent recorded for {address} does not cover e-mail.");

    public static LocalizedText ConsentRefused(string address) => new(
        $"Le patient ({address}) a refusé les communications par courriel.",
        $"The patient ({address}) refused e-mail communication.");

    public static LocalizedText ConsentRevoked(string address) => new(
        $"Le patient ({address}) a révoqué son consentement au courriel.",
        $"The patient ({address}) revoked their e-mail consent.");

    public static LocalizedText ConsentExpired(string address) => new(
        $"Le consentement au courriel de {address} est expiré. Renouvelez-le avant d'écrire.",
        $"The e-mail consent for {address} has expired. Renew it before writing.");

    public static LocalizedText Restricted(string address) => new(
        $"Les privilèges de courriel de ce patient ({address}) ont été restreints.",
        $"This patient's e-mail privileges ({address}) have been restricted.");

    public static LocalizedText ThirdParty(string address, LocalizedText kind) => new(
        $"{address} est une adresse {kind.Fr}, pas l'adresse personnelle du patient, et le patient n'y a pas consenti.",
        $"{address} is {kind.En}, not the patient's personal address, and the patient has not consented to it.");

    public static LocalizedText ThirdPartyConsented(string address, LocalizedText kind) => new(
        $"{address} est une adresse {kind.Fr}; le patient y a consenti.",
        $"{address} is {kind.En}; the patient consented to it.");

    public static LocalizedText Lookalike(string address, string resembles) => new(
        $"{address} ressemble à l'adresse inscrite {resembles} sans lui être identique. Vérifiez qu'il ne s'agit pas d'une erreur de frappe.",
        $"{address} looks like the registered address {resembles} but is not the same. Check that it is not a typo.");

    public static LocalizedText Unknown(string address) => new(
        $"{address} n'est pas dans le répertoire des patients.",
        $"{address} is not in the patient directory.");

    public static LocalizedText UnknownClinical(string address) => new(
        $"{address} n'est pas dans le répertoire des patients : un contenu clinique ou nominatif ne peut pas lui être envoyé.",
        $"{address} is not in the patient directory: clinical or identifying content cannot be sent to it.");

    public static LocalizedText ReplyUnregistered(string address) => new(
        $"Vous répondez à {address}, une adresse absente du répertoire. Écrivez plutôt à l'adresse inscrite du patient.",
        $"You are replying to {address}, an address that is not in the directory. Write to the patient's registered address instead.");

    public static LocalizedText Invalid(string address) => new(
        $"« {address} » n'est pas une adresse courriel valide.",
        $"\"{address}\" is not a valid e-mail address.");

    public static LocalizedText TopicOutside(string address, LocalizedText categories) => new(
        $"Sujet sensible ({categories.Fr}) non convenu à l'avance avec le patient ({address}). À moins de circonstances exceptionnelles, traitez-le en personne ou par téléphone.",
        $"Sensitive topic ({categories.En}) not agreed in advance with the patient ({address}). Unless circumstances are exceptional, discuss it in person or by phone.");

    public static LocalizedText TopicInside(string address, LocalizedText categories) => new(
        $"Sujet sensible ({categories.Fr}) convenu à l'avance avec le patient ({address}) : envoi sécurisé.",
        $"Sensitive topic ({categories.En}) agreed in advance with the patient ({address}): secure delivery.");

    public static LocalizedText UseOutside(string address) => new(
        $"Le consentement de {address} couvre seulement les rendez-vous; ce message contient de l'information clinique.",
        $"The consent for {address} covers appointments only; this message contains clinical information.");

    public static LocalizedText UsesOutside(string address, IReadOnlyList<Registry.ConsentUse> uses)
    {
        var fr = string.Join(", ", uses.Select(u => UseName(u).Fr));
        var en = string.Join(", ", uses.Select(u => UseName(u).En));
        return new(
            $"Le consentement de {address} ne couvre pas cet usage du courriel ({fr}). Convenez-en d'abord avec le patient, ou justifiez l'exception.",
            $"The consent for {address} does not cover this use of e-mail ({en}). Agree on it with the patient first, or justify the exception.");
    }

    public static LocalizedText UseName(Registry.ConsentUse use) => use switch
    {
        Registry.ConsentUse.Appointments => new("rendez-vous", "appointments"),
        Registry.ConsentUse.GeneralAdvice => new("conseils généraux sur la santé", "general health advice"),
        Registry.ConsentUse.NormalResults => new("résultat normal", "normal results"),
        Registry.ConsentUse.ResultsFollowUp => new("résultat qui mérite un suivi", "results needing follow-up"),
        Registry.ConsentUse.PatientHealthData => new("données de santé du patient", "health data from the patient"),
        Registry.ConsentUse.TreatmentAdjustment => new("ajustement thérapeutique", "treatment adjustment"),
    };

    public static LocalizedText UrgentByEmail { get; } = new(
        "Ce message traite par courriel un symptôme qui peut être urgent. Le courriel n'est pas le bon moyen pour une situation urgente : appelez le patient, ou dites-lui de composer le 911 ou d'aller à la salle d'urgence.",
        "This message handles a possibly urgent symptom by e-mail. E-mail is not the right channel for an urgent situation: call the patient, or tell them to call 911 or go to the emergency room.");

    public static LocalizedText NameMismatch(string address) => new(
        $"La salutation nomme une autre personne que le patient inscrit à {address}. Vérifiez le destinataire.",
        $"The greeting names someone other than the patient registered at {address}. Check the recipient.");

    public static LocalizedText SharedAddressUnclear(string address) => new(
        $"{address} est une adresse familiale partagée par plusieurs patients : nommez dans la salutation le patient que le message concerne.",
        $"{address} is a family address shared by several patients: name the patient the message concerns in the greeting.");

    public static LocalizedText NonProfessionalSender { get; } = new(
        "Vous écrivez depuis une adresse qui n'est pas votre adresse professionnelle du réseau. Utilisez une adresse courriel professionnelle dédiée.",
        "You are writing from an address that is not your professional network address. Use a dedicated professional e-mail address.");

    public static LocalizedText NonProfessionalSenderClinical { get; } = new(
        "Des données cliniques ou nominatives ne peuvent être envoyées que depuis votre compte professionnel du réseau (compte corporatif MSSS), pas depuis cette adresse.",
        "Clinical or identifying data may only be sent from your professional network account (MSSS corporate account), not from this address.");

    public static LocalizedText AttachmentUnreadable(IEnumerable<string> names)
    {
        var list = string.Join(", ", names.Select(n => $"« {n} »"));
        var listEn = string.Join(", ", names.Select(n => $"\"{n}\""));
        return new(
            $"Pièce jointe illisible pour la vérification ({list}) : elle peut contenir des données cliniques et sort du réseau; envoi sécurisé exigé.",
            $"Attachment that could not be read for the check ({listEn}): it may hold clinical data and leaves the network; secure delivery required.");
    }

    public static LocalizedText Bulk(int patients) => new(
        $"{patients} destinataires externes, dont au moins un patient, se voient mutuellement dans À/Cc. Placez-les en Cci.",
        $"{patients} external recipients, at least one of them a patient, can see each other in To/Cc. Move them to Bcc.");

    public static LocalizedText ClinicalBulk(int patients) => new(
        $"Contenu clinique envoyé à {patients} patients à la fois : un envoi groupé est réservé à l'information générale.",
        $"Clinical content sent to {patients} patients at once: bulk sends are for general information.");

    public static LocalizedText Identifiers(IEnumerable<IdentifierKind> kinds)
    {
        var names = TopicNames.Join(kinds);
        return new(
            $"Le message contient des renseignements nominatifs ({names.Fr}) et sort du réseau sécurisé.",
            $"The message contains identifying information ({names.En}) and leaves the secure network.");
    }

    public static LocalizedText SecureRequired { get; } = new(
        "Ce contenu clinique ou nominatif sort du réseau sécurisé : envoyez-le comme message sécurisé ClinicMail (chiffrement supplémentaire exigé par le MSSS).",
        "This clinical or identifying content leaves the secure network: send it as a ClinicMail secure message (extra encryption required by the MSSS).");

    public static LocalizedText SecureRecommended { get; } = new(
        "Ce message clinique sort du réseau sécurisé : l'envoi sécurisé est recommandé.",
        "This clinical message leaves the secure network: secure delivery is recommended.");

    public static LocalizedText CheckFailed { get; } = new(
        "La vérification n'a pas pu être effectuée; le message est retenu par prudence.",
        "The check could not be completed; the message is held as a precaution.");

    public static LocalizedText AddressKind(Registry.AddressKind kind) => kind switch
    {
        Registry.AddressKind.Personal => new("personnelle", "a personal address"),
        Registry.AddressKind.Employer => new("d'employeur", "an employer's address"),
        Registry.AddressKind.School => new("d'établissement d'enseignement", "a school's address"),
        Registry.AddressKind.FamilyShared => new("familiale partagée", "a shared family address"),
        Registry.AddressKind.OtherThirdParty => new("appartenant à un tiers", "a third party's address"),
    };

    public static LocalizedText FixMoveToBcc { get; } = new("Placer les patients en Cci", "Move patients to Bcc");

    public static LocalizedText FixReplace(string replacement) => new($"Remplacer par {replacement}", $"Replace with {replacement}");

    public static LocalizedText FixSendSecurely { get; } = new("Envoyer de façon sécurisée", "Send securely");

    public static LocalizedText FixRemove { get; } = new("Retirer ce destinataire", "Remove this recipient");

    internal static LocalizedText Categories(IEnumerable<TopicCategory> categories) => TopicNames.Join(categories);
}
