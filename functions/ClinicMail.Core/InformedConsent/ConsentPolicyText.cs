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
            L(new("Vous choisissez ce que vous acceptez : tout, une partie ou rien. Vous pouvez retirer votre consentement en tout temps.",
                "You choose what you accept: all, some or none. You may withdraw your consent at any time.")),
        };

        var texting = new List<string>
        {
            policy.TextingAllowed
                ? L(new("Les textos sont autorisés, aux conditions suivantes :", "Texting is allowed, on these conditions:"))
                : L(new("Les textos ne sont pas autorisés. La clinique ne vous écrit pas par texto.", "Texting is not allowed. The clinic does not write to you by text message.")),
        };
        if (policy.TextingAllowed)
        {
            texting.AddRange(policy.TextingRules.Distinct().Select(rule => "— " + L(RuleText(rule))));
        }

        var risks = new List<string>
        {
            L(new("Le principal risque est que d'autres personnes lisent vos messages. Un message peut être intercepté ou partir à la mauvaise adresse. L'erreur humaine est la cause la plus fréquente.",
                "The main risk is that other people read your messages. A message can be intercepted or go to the wrong address. Human error is the most common cause.")),
            L(new("Donnez une adresse personnelle. Ne partagez pas cette boîte avec d'autres personnes (conjoint, enfants, employeur).",
                "Give a personal address. Do not share this mailbox with other people (spouse, children, employer).")),
            policy.SecureMessaging
                ? L(new("Les renseignements sur votre santé vous sont envoyés par une messagerie sécurisée. Le courriel contient seulement un lien. Un code envoyé à votre adresse ouvre le message. Gardez ce code secret.",
                    "Information about your health is sent to you through secure messaging. The e-mail holds only a link. A code sent to your address opens the message. Keep this code secret."))
                : L(new("La clinique n'utilise pas de messagerie sécurisée. Elle ne vous enverra aucun renseignement sur votre santé par courriel.",
                    "The clinic does not use secure messaging. It will send you no information about your health by e-mail.")),
        };

        var procedure = new List<string>
        {
            L(new($"Les courriels sont lus les {days}, de {hours}.", $"E-mail is read on {days}, from {hours}.")),
            L(new($"Vous recevrez une réponse en {policy.ResponseDelayBusinessDays} jour(s) ouvrable(s) au plus. Un message automatique confirme que votre courriel est reçu.",
                $"You will get an answer within {policy.ResponseDelayBusinessDays} business day(s). An automatic message confirms that your e-mail was received.")),
            L(new("Le courriel ne remplace pas une consultation. N'utilisez jamais le courriel pour une urgence. Composez le 911 ou allez à l'urgence. Pour un problème non urgent, composez le 811 (Info-Santé)",
                "E-mail does not replace a visit. Never use e-mail for an emergency. Call 911 or go to the emergency room. For a problem that is not urgent, call 811 (Info-Santé)"))
                + (string.IsNullOrWhiteSpace(policy.ClinicPhone) ? "." : L(new($" ou la clinique au {policy.ClinicPhone}.", $" or the clinic at {policy.ClinicPhone}."))),
        };

        var access = new List<string>
        {
            L(new("Ces personnes peuvent lire vos courriels : ", "These people can read your e-mails: ")) + Join(policy.ReadBy.Distinct().Select(ReaderText)) + ".",
        };

        var record = new List<string>
        {
            policy.Record == RecordKind.Electronic
                ? L(new("Tous les courriels, reçus et envoyés, sont gardés dans votre dossier médical électronique.", "Every e-mail, received and sent, is kept in your electronic medical record."))
                : L(new("Tous les courriels, reçus et envoyés, sont imprimés et gardés dans votre dossier médical.", "Every e-mail, received and sent, is printed and kept in your medical record.")),
        };

        var content = new List<string>
        {
            L(new("Le courriel sert seulement aux utilisations que vous acceptez. N'envoyez pas de photos pour un diagnostic. N'écrivez pas sur des sujets sans lien avec vos soins.",
                "E-mail serves only the uses you accept. Do not send photos for a diagnosis. Do not write about matters that have nothing to do with your care.")),
            policy.CategoriesOffered.Count == 0
                ? L(new("Les sujets sensibles (santé mentale, cancer, nouveau diagnostic…) ne sont pas traités par courriel.", "Sensitive topics (mental health, cancer, new diagnosis…) are not handled by e-mail."))
                : L(new("Vous pouvez accepter à l'avance de parler de ces sujets sensibles par messagerie sécurisée : ", "You may agree in advance to discuss these sensitive topics through secure messaging: "))
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
