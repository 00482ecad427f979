using ClinicMail.Core.Localization;

namespace ClinicMail.Application.Secure;

/// <summary>The patient's consent page, in French and English. The code steps reuse <see cref="ReaderTexts"/>.</summary>
internal static class ConsentPageTexts
{
    public static readonly LocalizedText AppName = new("ClinicMail — consentement au courriel", "ClinicMail — consent to e-mail");
    public static readonly LocalizedText LandingTitle = new("Votre consentement au courriel", "Your consent to e-mail");
    public static readonly LocalizedText LandingBody = new(
        "Votre clinique vous invite à lire sa politique sur le courriel. Vous direz ensuite ce que vous acceptez. Pour protéger vos renseignements, nous envoyons d'abord un code à votre adresse de courriel.",
        "Your clinic invites you to read its e-mail policy. You will then say what you accept. To protect your information, we first send a code to your e-mail address.");
    public static readonly LocalizedText Verify = new("Ouvrir la page", "Open the page");
    public static readonly LocalizedText PolicyTitle = new("La politique de la clinique", "The clinic's policy");
    public static LocalizedText PolicyVersion(int version, string hash) => new($"Version {version} — empreinte {hash[..16]}…", $"Version {version} — fingerprint {hash[..16]}…");
    public static readonly LocalizedText ChoiceTitle = new("Votre choix", "Your choice");
    public static readonly LocalizedText ChoiceLegend = new("Acceptez-vous d'échanger des courriels avec la clinique ?", "Do you accept to exchange e-mails with the clinic?");
    public static readonly LocalizedText ChoiceAll = new("Oui, pour toutes les utilisations offertes", "Yes, for every use offered");
    public static readonly LocalizedText ChoiceSome = new("Oui, seulement pour les utilisations cochées ci-dessous", "Yes, only for the uses ticked below");
    public static readonly LocalizedText ChoiceNone = new("Non, je refuse le courriel", "No, I refuse e-mail");
    public static readonly LocalizedText UsesLegend = new("Utilisations acceptées (si vous avez choisi « seulement »)", "Uses accepted (if you chose \"only\")");
    public static readonly LocalizedText CategoriesLegend = new("Sujets sensibles que vous acceptez à l'avance (toujours par messagerie sécurisée)", "Sensitive topics you accept in advance (always through secure messaging)");
    public static readonly LocalizedText SignTitle = new("Signature", "Signature");
    public static readonly LocalizedText SignHint = new(
        "Tapez votre nom complet et votre date de naissance, comme à votre dossier. Ils servent de signature.",
        "Type your full name and date of birth, as in your file. They serve as your signature.");
    public static readonly LocalizedText FullName = new("Nom complet", "Full name");
    public static readonly LocalizedText BirthDate = new("Date de naissance (AAAA-MM-JJ)", "Date of birth (YYYY-MM-DD)");
    public static readonly LocalizedText Sign = new("Signer", "Sign");
    public static readonly LocalizedText ChoiceMissing = new("Choisissez une réponse : toutes les utilisations, certaines, ou aucune.", "Choose an answer: every use, some, or none.");
    public static readonly LocalizedText SomeWithoutUse = new("Vous avez choisi « seulement » : cochez au moins une utilisation, ou choisissez « Non ».", "You chose \"only\": tick at least one use, or choose \"No\".");
    public static readonly LocalizedText NotOffered = new("Une utilisation ou un sujet choisi n'est pas offert par la clinique.", "A use or topic you chose is not offered by the clinic.");
    public static readonly LocalizedText SignatureMismatch = new(
        "Le nom ou la date de naissance ne correspond pas à votre dossier. Rien n'est enregistré. Pour réessayer, demandez un nouveau code. Vous pouvez aussi appeler votre clinique.",
        "The name or date of birth does not match your file. Nothing is recorded. To try again, ask for a new code. You may also call your clinic.");
    public static readonly LocalizedText Signed = new("Votre réponse est enregistrée à votre dossier.", "Your answer is recorded in your file.");
    public static readonly LocalizedText AnsweredTitle = new("Votre réponse", "Your answer");
    public static LocalizedText AnsweredGranted(string uses) => new($"Vous avez accepté le courriel pour : {uses}.", $"You accepted e-mail for: {uses}.");
    public static readonly LocalizedText AnsweredRefused = new("Vous avez refusé le courriel.", "You refused e-mail.");
    public static readonly LocalizedText CopyLink = new("Télécharger votre copie (PDF)", "Download your copy (PDF)");
    public static readonly LocalizedText WithdrawTitle = new("Retirer votre consentement", "Withdraw your consent");
    public static readonly LocalizedText WithdrawHint = new(
        "Vous pouvez retirer votre consentement en tout temps. Le retrait compte tout de suite. La clinique ne vous écrira plus par courriel.",
        "You may withdraw your consent at any time. The withdrawal counts right away. The clinic will no longer write to you by e-mail.");
    public static readonly LocalizedText Withdraw = new("Retirer mon consentement", "Withdraw my consent");
    public static readonly LocalizedText WithdrawnTitle = new("Consentement retiré", "Consent withdrawn");
    public static readonly LocalizedText Withdrawn = new(
        "Votre consentement est retiré. Ce lien ne sert plus. Pour consentir de nouveau, appelez votre clinique.",
        "Your consent is withdrawn. This link no longer works. To consent again, call your clinic.");
    public static readonly LocalizedText ExpiredTitle = new("Invitation expirée", "Invitation expired");
    public static readonly LocalizedText Expired = new(
        "Cette invitation a expiré. Communiquez avec votre clinique pour en recevoir une nouvelle.",
        "This invitation has expired. Contact your clinic to receive a new one.");
    public static readonly LocalizedText Invalid = new(
        "Ce lien ne correspond à aucune invitation. Vérifiez que vous avez copié le lien en entier.",
        "This link does not match any invitation. Check that you copied the whole link.");
    public static LocalizedText Locked(int attempts) => new(
        $"Ce lien est bloqué après {attempts} codes erronés. Appelez votre clinique pour recevoir une nouvelle invitation.",
        $"This link is locked after {attempts} wrong codes. Call your clinic to get a new invitation.");
    public static readonly LocalizedText NothingToWithdraw = new("Vous n'avez pas de consentement en vigueur à retirer.", "You have no consent in force to withdraw.");
    public static readonly LocalizedText NoPolicy = new("La politique de la clinique n'est pas disponible. Communiquez avec votre clinique.", "The clinic's policy is not available. Contact your clinic.");
}
