using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Policy;

namespace ClinicMail.Core.InformedConsent;

/// <summary>One section of the information text: the checklist item it informs on, its heading and paragraphs.</summary>
public sealed record PolicySection(InformedConsentItem Item, string Heading, IReadOnlyList<string> Paragraphs);

/// <summary>Renders the clinic's e-mail policy as the information text the patient reads, one
/// section per item of the guide's list, in French or English. The canonical rendering (both
/// languages, fixed separators, LF line ends) is what a version's hash covers: the same settings
/// always give the same text and the same hash, and any change of wording is a new hash.</summary>
public static class ConsentPolicyText
{
    /// <summary>The sections in the guide's order, in <paramref name="lang"/> ("fr" or "en").</summary>
    public static IReadOnlyList<PolicySection> Render(ClinicEmailPolicy policy, string lang)
    {
        ArgumentNullException.ThrowIfNull(policy);
        string L(LocalizedText text) => text.For(lang);
        string Join(IEnumerable<LocalizedText> items) => string.Join(", ", items.Select(L));
        var fr = lang.StartsWith("fr", StringComparison.OrdinalIgnoreCase);
        var culture = CultureInfo.GetCultureInfo(fr ? "fr-CA" : "en-CA");
        var days = string.Join(", ", policy.OpenDays.Order().Select(d => culture.DateTimeFormat.GetDayName(d)));
        var hours = fr
            ? $"{policy.OpensAt.ToString("HH' h 'mm", culture)} à {policy.ClosesAt.ToString("HH' h 'mm", culture)}"
            : $"{policy.OpensAt.ToString("h:mm tt", CultureInfo.InvariantCulture)} to {policy.ClosesAt.ToString("h:mm tt", CultureInfo.InvariantCulture)}";

        var uses = new List<string>
        {
            L(new("La clinique propose le courriel pour : ", "The clinic offers e-mail for: ")) + Join(policy.UsesOffered.Select(ReasonMessages.UseName)) + ".",
            L(new("Vous choisissez les utilisations que vous acceptez : toutes, certaines ou aucune. Vous pouvez refuser le courriel en tout ou en partie et retirer votre consentement en tout temps.",
                "You choose the uses you accept: all, some or none. You may refuse e-mail in whole or in part and withdraw your consent at any time.")),
        };

        var texting = new List<string>
        {
            policy.TextingAllowed
                ? L(new("Les textos sont autorisés, aux conditions suivantes :", "Texting is allowed, on these conditions:"))
                : L(new("Les textos ne sont pas autorisés : la clinique ne communique pas avec vous par texto.", "Texting is not allowed: the clinic does not communicate with you by text message.")),
        };
        if (policy.TextingAllowed)
        {
            texting.AddRange(policy.TextingRules.Distinct().Select(rule => "— " + L(RuleText(rule))));
        }

        var risks = new List<string>
        {
            L(new("Le principal risque est l'atteinte à la confidentialité. Au-delà d'une interception ou d'une brèche chez un fournisseur, le risque le plus fréquent est l'erreur humaine (un message envoyé à la mauvaise personne, une boîte partagée).",
                "The main risk is a breach of confidentiality. Beyond interception or a breach at a provider, the most common risk is human error (a message sent to the wrong person, a shared mailbox).")),
            L(new("Donnez une adresse électronique personnelle et limitez l'accès des autres personnes (conjoint, enfants, employeur) à cette boîte.",
                "Give a personal e-mail address and limit other people's access (spouse, children, employer) to that mailbox.")),
            policy.SecureMessaging
                ? L(new("Les renseignements cliniques vous sont transmis par une messagerie sécurisée : le courriel ne contient qu'un lien, et un code à usage unique envoyé à votre adresse ouvre le message. Gardez ce code secret.",
                    "Clinical information is sent to you through secure messaging: the e-mail holds only a link, and a one-time code sent to your address opens the message. Keep this code secret."))
                : L(new("La clinique n'utilise pas de messagerie sécurisée : aucun renseignement clinique ne vous sera transmis par courriel.",
                    "The clinic does not use secure messaging: no clinical information will be sent to you by e-mail.")),
        };

        var procedure = new List<string>
        {
            L(new($"Les courriels sont lus les {days}, de {hours}.", $"E-mail is read on {days}, from {hours}.")),
            L(new($"Vous recevrez une réponse dans un délai de {policy.ResponseDelayBusinessDays} jour(s) ouvrable(s). Un accusé de réception automatique confirme la réception.",
                $"You will receive an answer within {policy.ResponseDelayBusinessDays} business day(s). An automatic acknowledgement confirms receipt.")),
            L(new("Le courriel ne remplace pas une consultation. N'utilisez jamais le courriel pour une situation urgente : composez le 911 ou présentez-vous à l'urgence ; pour un problème non urgent, composez le 811 (Info-Santé)",
                "E-mail does not replace a visit. Never use e-mail for an urgent situation: call 911 or go to the emergency room; for a non-urgent problem, call 811 (Info-Santé)"))
                + (string.IsNullOrWhiteSpace(policy.ClinicPhone) ? "." : L(new($" ou la clinique au {policy.ClinicPhone}.", $" or the clinic at {policy.ClinicPhone}."))),
        };

        var access = new List<string>
        {
            L(new("Ont accès au contenu de vos courriels : ", "These people have access to the content of your e-mails: ")) + Join(policy.ReadBy.Distinct().Select(ReaderText)) + ".",
        };

        var record = new List<string>
        {
            policy.Record == RecordKind.Electronic
                ? L(new("Tous les courriels échangés, entrants et sortants, sont conservés dans votre dossier médical électronique.", "Every e-mail exchanged, incoming and outgoing, is kept in your electronic medical record."))
                : L(new("Tous les courriels échangés, entrants et sortants, sont imprimés et conservés dans votre dossier médical.", "Every e-mail exchanged, incoming and outgoing, is printed and kept in your medical record.")),
        };

        var content = new List<string>
        {
            L(new("Le courriel sert aux utilisations que vous aurez acceptées. Il ne sert pas à envoyer des photos pour un diagnostic ni des opinions sur des sujets sans lien avec vos soins.",
                "E-mail serves the uses you accept. It is not for sending photos for a diagnosis nor opinions on matters unrelated to your care.")),
            policy.CategoriesOffered.Count == 0
                ? L(new("Les sujets sensibles (santé mentale, cancer, nouveau diagnostic…) ne sont pas traités par courriel.", "Sensitive topics (mental health, cancer, new diagnosis…) are not handled by e-mail."))
                : L(new("Vous pouvez accepter à l'avance que ces sujets sensibles soient traités par messagerie sécurisée : ", "You may agree in advance that these sensitive topics be handled through secure messaging: "))
                    + Join(policy.CategoriesOffered.Distinct().Select(TopicNames.Of)) + ".",
        };

        return
        [
            new(InformedConsentItem.IntendedUses, L(new("Utilisations du courriel", "Uses of e-mail")), uses),
            new(InformedConsentItem.Texting, L(new("Textos", "Texting")), texting),
            new(InformedConsentItem.Risks, L(new("Risques", "Risks")), risks),
            new(InformedConsentItem.Procedure, L(new("Procédure et délais de réponse", "Procedure and response delays")), procedure),
            new(InformedConsentItem.WhoHasAccess, L(new("Qui lit vos messages", "Who reads your messages")), access),
            new(InformedConsentItem.KeptInRecord, L(new("Conservation au dossier", "Kept in your record")), record),
            new(InformedConsentItem.ExpectedContent, L(new("Contenus attendus", "Expected content")), content),
        ];
    }

    /// <summary>The text a version's hash covers: French then English, each section as
    /// "## heading" and its paragraphs, LF line ends.</summary>
    public static string Canonical(ClinicEmailPolicy policy)
    {
        var text = new StringBuilder();
        foreach (var lang in new[] { "fr", "en" })
        {
            text.Append("# ").Append(lang).Append('\n');
            foreach (var section in Render(policy, lang))
            {
                text.Append("## ").Append(section.Heading).Append('\n');
                foreach (var paragraph in section.Paragraphs)
                {
                    text.Append(paragraph).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    /// <summary>SHA-256 of the UTF-8 canonical rendering, lower-case hex.</summary>
    public static string Hash(ClinicEmailPolicy policy) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(policy))));

    public static LocalizedText ReaderText(MailReader reader) => reader switch
    {
        MailReader.Physicians => new("les médecins", "physicians"),
        MailReader.GmfNurses => new("les infirmières et infirmiers du GMF", "the GMF nurses"),
        MailReader.AdministrativeStaff => new("le personnel administratif", "administrative staff"),
        _ => throw new ArgumentOutOfRangeException(nameof(reader)),
    };

    public static LocalizedText RuleText(TextingRule rule) => rule switch
    {
        TextingRule.AppointmentsOnly => new("pour les rendez-vous seulement", "for appointments only"),
        TextingRule.NoClinicalContent => new("jamais de renseignement clinique par texto", "never clinical information by text message"),
        TextingRule.NoPhotos => new("aucune photo", "no photos"),
        TextingRule.ClinicHoursOnly => new("pendant les heures d'ouverture seulement", "during opening hours only"),
        _ => throw new ArgumentOutOfRangeException(nameof(rule)),
    };
}
