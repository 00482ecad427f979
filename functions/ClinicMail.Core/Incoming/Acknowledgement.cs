using System.Globalization;

namespace ClinicMail.Core.Incoming;

/// <summary>What the acknowledgement must say, by the guide (« Programmer un accusé de réception
/// automatisé, lequel devrait spécifier : le délai de réponse fixé; les actions à prendre par le
/// patient […] en cas de non-respect […] du délai de réponse; les limites de l'utilisation du
/// courriel et les options recommandées selon l'urgence de la situation »).</summary>
public sealed record AcknowledgementFacts
{
    public required MailboxMode Mode { get; init; }

    public required TriageResult Triage { get; init; }

    /// <summary>The promised delay, in business days.</summary>
    public required int DelayBusinessDays { get; init; }

    /// <summary>The business day the answer is due.</summary>
    public required DateOnly DueDate { get; init; }

    /// <summary>The clinic's name as patients know it.</summary>
    public required string ClinicName { get; init; }

    /// <summary>The phone number to call when the delay passes, or to reach the clinic.</summary>
    public required string ClinicPhone { get; init; }
}

/// <summary>An acknowledgement ready to send in the thread. Contains no patient data: only the
/// clinic's own texts, the delay and the date.</summary>
public sealed record AcknowledgementMail(string Subject, string TextBody, string Language, string Kind);

/// <summary>Composes the automatic acknowledgement in French or English. Pure.</summary>
public static class AcknowledgementComposer
{
    public const string CorrespondenceKind = "incoming-ack";
    public const string PolicyReminderKind = "incoming-policy";
    public const string NotForPatientsKind = "incoming-not-for-patients";

    public static AcknowledgementMail Compose(AcknowledgementFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var en = facts.Triage.Language == "en";
        var t = en ? Texts.English : Texts.French;
        var lines = new List<string>();
        if (facts.Triage.Urgent)
        {
            // The urgent guidance comes first when the text names an urgent symptom (issue 18, triage).
            lines.Add(t.UrgentFirst);
        }

        string kind;
        if (facts.Mode == MailboxMode.NotForPatients)
        {
            kind = NotForPatientsKind;
            lines.Add(string.Format(CultureInfo.InvariantCulture, t.NotForPatients, facts.ClinicName, facts.ClinicPhone));
        }
        else if (facts.Triage.Sender == SenderClass.PatientWithConsent)
        {
            kind = CorrespondenceKind;
            lines.Add(string.Format(CultureInfo.InvariantCulture, t.Received, facts.ClinicName));
            lines.Add(string.Format(CultureInfo.InvariantCulture, t.Delay, facts.DelayBusinessDays, FormatDate(facts.DueDate, en)));
            lines.Add(string.Format(CultureInfo.InvariantCulture, t.IfLate, facts.ClinicPhone));
        }
        else
        {
            // No answer is promised where the guide forbids answering by e-mail: no consent, a
            // third-party address, or an address the registry does not know.
            kind = PolicyReminderKind;
            lines.Add(string.Format(CultureInfo.InvariantCulture, t.Received, facts.ClinicName));
            lines.Add(facts.Triage.Sender switch
            {
                SenderClass.PatientWithoutConsent => t.NoConsent,
                SenderClass.ThirdPartyAddress => t.ThirdParty,
                _ => t.UnknownSender,
            });
            lines.Add(string.Format(CultureInfo.InvariantCulture, t.CallInstead, facts.ClinicPhone));
        }

        lines.Add(t.Limits);
        lines.Add(t.Automatic);
        return new AcknowledgementMail(t.Subject, string.Join("\r\n\r\n", lines) + "\r\n", en ? "en" : "fr", kind);
    }

    /// <summary>« mercredi 9 décembre 2026 » / « Wednesday, December 9, 2026 », without depending on the
    /// host's culture data.</summary>
    public static string FormatDate(DateOnly date, bool english)
    {
        if (english)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{EnglishDays[(int)date.DayOfWeek]}, {EnglishMonths[date.Month - 1]} {date.Day}, {date.Year}");
        }

        var day = date.Day == 1 ? "1er" : date.Day.ToString(CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{FrenchDays[(int)date.DayOfWeek]} {day} {FrenchMonths[date.Month - 1]} {date.Year}");
    }

    private static readonly string[] FrenchDays = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
    private static readonly string[] EnglishDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] FrenchMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
    private static readonly string[] EnglishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private sealed record Texts(
        string Subject, string UrgentFirst, string Received, string Delay, string IfLate, string NoConsent, string ThirdParty,
        string UnknownSender, string CallInstead, string NotForPatients, string Limits, string Automatic)
    {
        public static Texts French { get; } = new(
            Subject: "Accusé de réception de votre courriel",
            UrgentFirst: "SI VOTRE SITUATION EST URGENTE, n'attendez pas de réponse par courriel : composez le 911 ou rendez-vous immédiatement à la salle d'urgence la plus proche.",
            Received: "Nous avons bien reçu votre courriel à {0}.",
            Delay: "Notre délai de réponse est de {0} jour(s) ouvrable(s) : vous recevrez une réponse au plus tard le {1}.",
            IfLate: "Si vous n'avez pas reçu de réponse à cette date, téléphonez à la clinique au {0}.",
            NoConsent: "Pour protéger vos renseignements, la clinique n'échange par courriel qu'avec les patients qui y ont consenti. Votre consentement à l'utilisation du courriel n'est pas inscrit à votre dossier : nous ne pouvons donc pas vous répondre par courriel.",
            ThirdParty: "Cette adresse n'est pas l'adresse personnelle inscrite à votre dossier. Pour protéger vos renseignements, la clinique ne répond par courriel qu'à l'adresse personnelle d'un patient qui a consenti à l'utilisation du courriel.",
            UnknownSender: "Cette adresse n'est pas inscrite au dossier d'un patient de la clinique. Pour protéger vos renseignements, la clinique ne répond par courriel qu'à l'adresse personnelle d'un patient qui a consenti à l'utilisation du courriel.",
            CallInstead: "Pour obtenir une réponse, pour consentir à l'utilisation du courriel ou pour faire inscrire votre adresse, téléphonez à la clinique au {0}.",
            NotForPatients: "Cette adresse courriel n'est pas utilisée pour communiquer avec les patients : votre message ne sera pas traité et vous ne recevrez pas de réponse à cette adresse. Pour joindre {0}, téléphonez au {1}.",
            Limits: "Le courriel n'est pas un moyen de communication adapté aux situations urgentes. En cas d'urgence, composez le 911 ou rendez-vous à la salle d'urgence. Pour un problème de santé qui ne peut pas attendre, consultez une clinique sans rendez-vous ou appelez Info-Santé au 811.",
            Automatic: "Ce message est envoyé automatiquement; merci de ne pas y répondre.");

        public static Texts English { get; } = new(
            Subject: "We received your e-mail",
            UrgentFirst: "IF YOUR SITUATION IS URGENT, do not wait for an e-mail answer: call 911 or go to the nearest emergency room now.",
            Received: "We received your e-mail at {0}.",
            Delay: "We answer within {0} business day(s): you will get an answer no later than {1}.",
            IfLate: "If you have not received an answer by that date, call the clinic at {0}.",
            NoConsent: "To protect your information, the clinic exchanges e-mail only with patients who have agreed to it. Your consent to e-mail is not recorded in your file, so we cannot answer you by e-mail.",
            ThirdParty: "This address is not the personal address recorded in your file. To protect your information, the clinic answers by e-mail only at the personal address of a patient who has agreed to e-mail.",
            UnknownSender: "This address is not recorded in the file of a patient of the clinic. To protect your information, the clinic answers by e-mail only at the personal address of a patient who has agreed to e-mail.",
            CallInstead: "To get an answer, to agree to e-mail or to have your address recorded, call the clinic at {0}.",
            NotForPatients: "This e-mail address is not used to communicate with patients: your message will not be handled and you will not get an answer at this address. To reach {0}, call {1}.",
            Limits: "E-mail is not suited to urgent situations. In an emergency, call 911 or go to the emergency room. For a health problem that cannot wait, visit a walk-in clinic or call Info-Santé at 811.",
            Automatic: "This message is sent automatically; please do not reply to it.");
    }
}
