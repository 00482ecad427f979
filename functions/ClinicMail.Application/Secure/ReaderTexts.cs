using ClinicMail.Core.Localization;

namespace ClinicMail.Application.Secure;

/// <summary>Every string of the patient's reader, French and English.</summary>
internal static class ReaderTexts
{
    public static readonly LocalizedText AppName = new("ClinicMail — message sécurisé", "ClinicMail — secure message");
    public static readonly LocalizedText OtherLanguage = new("English", "Français");

    public static readonly LocalizedText LandingTitle = new("Un message sécurisé vous attend", "A secure message is waiting for you");
    public static readonly LocalizedText LandingBody = new(
        "Votre clinique vous a envoyé un message sécurisé. Pour protéger vos renseignements, nous vérifions d'abord que ce message est bien pour vous. Nous allons envoyer un code à l'adresse de courriel inscrite à votre dossier.",
        "Your clinic sent you a secure message. To protect your information, we first check that this message is really for you. We will send a code to the e-mail address registered in your file.");
    public static readonly LocalizedText SendCode = new("M'envoyer un code", "Send me a code");
    public static readonly LocalizedText SendNewCode = new("M'envoyer un nouveau code", "Send me a new code");
    public static LocalizedText CodeSent(int minutes) => new(
        $"Un code a été envoyé à votre adresse de courriel inscrite. Il expire dans {minutes} minutes.",
        $"A code was sent to your registered e-mail address. It expires in {minutes} minutes.");
    public static readonly LocalizedText CodeLabel = new("Code reçu par courriel", "Code received by e-mail");
    public static readonly LocalizedText Verify = new("Ouvrir le message", "Open the message");
    public static LocalizedText WrongCode(int left) => new(
        $"Le code reçu par courriel n'est pas le bon. Vérifiez les chiffres et entrez-le de nouveau. Il vous reste {left} essai(s).",
        $"The code received by e-mail is not right. Check the digits and enter it again. You have {left} attempt(s) left.");
    public static readonly LocalizedText CodeExpired = new(
        "Ce code a expiré ou n'a pas été demandé. Demandez un nouveau code.",
        "This code has expired or was not requested. Ask for a new code.");

    public static readonly LocalizedText LockedTitle = new("Accès verrouillé", "Access locked");
    public static LocalizedText Locked(int attempts) => new(
        $"Ce lien est verrouillé après {attempts} codes erronés, pour protéger le message. Communiquez avec votre clinique pour qu'elle vous le renvoie.",
        $"This link is locked after {attempts} wrong codes, to protect the message. Contact your clinic so it can send it to you again.");

    public static readonly LocalizedText BadRequestTitle = new("Requête non valide", "Invalid request");
    public static readonly LocalizedText BadRequest = new(
        "Cette page n'a pas pu traiter la demande. Rouvrez le lien reçu par courriel et recommencez.",
        "This page could not handle the request. Open the link from your e-mail again and start over.");

    public static readonly LocalizedText InvalidTitle = new("Lien non valide", "Invalid link");
    public static readonly LocalizedText Invalid = new(
        "Ce lien ne correspond à aucun message. Vérifiez que vous avez copié le lien en entier.",
        "This link does not match any message. Check that you copied the whole link.");
    public static readonly LocalizedText ExpiredTitle = new("Message expiré", "Message expired");
    public static readonly LocalizedText Expired = new(
        "Ce message a expiré et a été détruit. Communiquez avec votre clinique si vous en avez encore besoin.",
        "This message has expired and was destroyed. Contact your clinic if you still need it.");
    public static readonly LocalizedText RevokedTitle = new("Message retiré", "Message withdrawn");
    public static readonly LocalizedText Revoked = new(
        "Votre clinique a retiré ce message; il ne peut plus être lu.",
        "Your clinic withdrew this message; it can no longer be read.");
    public static readonly LocalizedText AddressChangedTitle = new("Adresse non confirmée", "Address not confirmed");
    public static readonly LocalizedText AddressChanged = new(
        "L'adresse de courriel à laquelle ce message a été envoyé n'est plus inscrite à votre dossier. Communiquez avec votre clinique.",
        "The e-mail address this message was sent to is no longer registered in your file. Contact your clinic.");
    public static readonly LocalizedText UnreadableTitle = new("Message illisible", "Message cannot be shown");
    public static readonly LocalizedText Unreadable = new(
        "Ce message n'a pas pu être vérifié et ne sera pas affiché : son contenu est peut-être altéré ou sa clé n'est plus disponible. Communiquez avec votre clinique.",
        "This message could not be verified and will not be shown: its content may have been altered or its key is no longer available. Contact your clinic.");
    public static readonly LocalizedText UnavailableTitle = new("Service temporairement indisponible", "Service temporarily unavailable");
    public static readonly LocalizedText Unavailable = new(
        "Le service de chiffrement ou d'envoi ne répond pas. Réessayez dans quelques minutes.",
        "The encryption or mail service is not answering. Try again in a few minutes.");
    public static readonly LocalizedText TooManyTitle = new("Trop de tentatives", "Too many attempts");
    public static readonly LocalizedText TooMany = new(
        "Trop de demandes en peu de temps. Attendez quelques minutes puis réessayez.",
        "Too many requests in a short time. Wait a few minutes and try again.");

    public static readonly LocalizedText From = new("Message de votre clinique", "Message from your clinic");
    public static readonly LocalizedText Subject = new("Objet", "Subject");
    public static readonly LocalizedText Attachments = new("Pièces jointes", "Attachments");
    public static LocalizedText ExpiresOn(string date) => new($"Ce message sera détruit le {date}.", $"This message will be destroyed on {date}.");
    public static readonly LocalizedText ReplyTitle = new("Répondre de façon sécurisée", "Reply securely");
    public static readonly LocalizedText ReplyHint = new(
        "Votre réponse est chiffrée et seule votre clinique peut la lire. Le courriel n'est pas fait pour les urgences : en cas d'urgence, composez le 911 ou rendez-vous à l'urgence.",
        "Your reply is encrypted and only your clinic can read it. E-mail is not for emergencies: in an emergency call 911 or go to the emergency room.");
    public static readonly LocalizedText ReplyLabel = new("Votre réponse", "Your reply");
    public static readonly LocalizedText SendReply = new("Envoyer la réponse", "Send the reply");
    public static readonly LocalizedText ReplySent = new("Votre réponse a été transmise de façon sécurisée à votre clinique.", "Your reply was sent securely to your clinic.");
    public static LocalizedText ReplyInvalid(int max) => new(
        $"La réponse doit contenir entre 1 et {max} caractères.",
        $"The reply must have between 1 and {max} characters.");
    public static readonly LocalizedText SessionEnded = new(
        "Votre session a pris fin. Demandez un nouveau code pour rouvrir le message.",
        "Your session ended. Ask for a new code to open the message again.");
    public static readonly LocalizedText AttachmentMissing = new("Cette pièce jointe n'existe pas.", "This attachment does not exist.");
}
