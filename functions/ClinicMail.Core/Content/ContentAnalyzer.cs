using ClinicMail.Core.Registry;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Content;

/// <summary>What the draft is used for and how it treats urgency, read from the physician's own text
/// (subject, new body, attachment text; quoted history only for urgent symptoms).</summary>
public sealed record ContentAnalysis
{
    /// <summary>The registry's uses the draft falls under (« Les usages pratiques les plus réalistes »).</summary>
    public required IReadOnlyList<ConsentUse> Uses { get; init; }

    /// <summary>General health information (a vaccination campaign, advice for everyone, the reminder that
    /// e-mail is not for emergencies) with no use that carries the patient's own data.</summary>
    public required bool GeneralOnly { get; init; }

    /// <summary>An urgent symptom appears (in the draft or the message it answers) and the physician's own
    /// text gives no phone/911/emergency-room advice.</summary>
    public required bool UrgentWithoutRedirection { get; init; }

    /// <summary>An urgent symptom appears anywhere in the draft (own text or quoted): health data in itself.</summary>
    public bool UrgentSymptom { get; init; }

    /// <summary>Sentences of the physician's text that redirect to 911, the emergency room or Info-Santé:
    /// the guide's own advice, never evidence of clinical content.</summary>
    public required IReadOnlyList<(TextPart Part, int Start, int End)> Redirections { get; init; }

    public static ContentAnalysis Empty { get; } = new() { Uses = [], GeneralOnly = false, UrgentWithoutRedirection = false, Redirections = [] };

    /// <summary>True when any of the patient-specific uses (results, health data, treatment) was found.</summary>
    public bool PatientSpecific => Uses.Any(u => u is ConsentUse.NormalResults or ConsentUse.ResultsFollowUp
        or ConsentUse.PatientHealthData or ConsentUse.TreatmentAdjustment);

    public bool InRedirection(TextPart part, int offset) => Redirections.Any(r => r.Part == part && offset >= r.Start && offset < r.End);
}

/// <summary>Classifies a draft's uses sentence by sentence with short bilingual phrase lists. Pure and
/// stateless; one pass of ordinal substring searches per sentence over folded text.</summary>
public static class ContentAnalyzer
{
    private static readonly string[] Appointment = FoldedText.Phrases(
        "rendez-vous", "rdv", "appointment*", "rencontre", "disponibilit*", "plage horaire", "plages horaires", "reschedul*", "visite", "visit");

    private static readonly string[] ResultWord = FoldedText.Phrases(
        "resultat*", "result*", "bilan*", "analyse*", "radiographie*", "x ray", "xray", "echographie*", "ultrasound", "electrocardiogramme*",
        "ecg", "mammographie*", "mammogram*", "test*", "culture*", "prise de sang", "prises de sang", "blood test*", "blood work", "pap",
        "taux", "glycemie*", "cholesterol", "ferritine", "tsh", "hba1c", "hemoglobine*", "potassium", "vitamine*", "vitamin*", "enzyme*",
        "ldl", "iron", "fer", "b12", "level*", "niveau*", "tension", "blood pressure", "biopsie*", "biopsy", "scan", "tomodensitometrie",
        "irm", "mri", "lipid*", "lipidique", "urine*", "thyroid*", "thyroidien*", "formule sanguine", "glucose", "strep");

    private static readonly string[] Normal = FoldedText.Phrases(
        // « normaux » is the plural of « normal » but not a prefix match of it.
        "normal*", "normaux", "aucune anomalie", "rien a signaler", "negati*", "dans les valeurs", "dans les limites", "within normal", "no abnormal*",
        "satisfaisant*", "came back fine", "is fine", "sont bons", "est bon");

    private static readonly string[] FollowUp = FoldedText.Phrases(
        "eleve", "elevee", "elevees", "eleves", "bas", "basse", "basses", "anormal*", "anormaux", "abnormal*", "elevated", "low", "high", "refaire",
        "recontrol*", "a controler", "le controler", "repeat*", "follow up", "je vous refere", "je vous oriente", "vous refere", "refer you",
        "referring", "referral",
        "complementaire*", "suspect*", "limite", "un peu", "legerement", "slightly", "je demande", "i am ordering", "another blood test",
        "another test", "a surveiller", "to monitor");

    // A denied abnormality is a normal result: these are removed before looking for follow-up words.
    private static readonly string[] DeniedAbnormal = FoldedText.Phrases(
        "no abnormal*", "not abnormal", "nothing abnormal", "aucune anomalie", "pas anormal*", "rien d anormal", "aucun resultat anormal");

    private static readonly string[] AdjustVerb = FoldedText.Phrases(
        "augment*", "diminu*", "redui*", "reduis*", "reduire", "ajust*", "increase*", "decrease*", "reduce*", "adjust*", "lower your",
        "raise your", "ajoutez", "cessez", "arretez", "stop taking", "passer de", "passez de", "double*", "doubler");

    private static readonly string[] Dose = FoldedText.Phrases(
        "dose*", "mg", "mcg", "unite*", "units", "posologie", "inhalation*", "comprime*", "tablet*", "pilule*", "fois par jour",
        "times a day", "twice a day", "once a day", "par jour", "daily");

    private static readonly string[] DataRequest = FoldedText.Phrases(
        "envoy*", "transmett*", "faire parvenir", "faites moi parvenir", "send*", "share", "notez", "noter", "email me", "e mail me");

    private static readonly string[] HealthData = FoldedText.Phrases(
        "lecture*", "glycemie*", "tension arterielle", "mesure*", "reading*", "blood sugar*", "blood pressure", "poids", "weight",
        "effets indesirables", "effets secondaires", "side effect*", "glucose");

    private static readonly string[] General = FoldedText.Phrases(
        "campagne*", "vaccination", "flu shot*", "on recommande", "est recommande*", "sont recommande*", "recommended for", "is recommended",
        "are recommended", "programme quebecois", "vague de chaleur", "heat wave", "activite physique", "physical activity",
        "pour rester en sante", "stay healthy", "buvez de l eau", "drink water", "conseils generaux", "health tips", "prevention");

    private static readonly string[] Redirection = FoldedText.Phrases(
        "911", "salle d urgence", "l urgence", "a l urgence", "en cas d urgence", "situation urgente", "emergency*", "811", "info sante",
        "sans rendez vous", "walk in", "1 866 appelle", "appelez immediatement", "call immediately", "urgences");

    // Internal: the incoming-mail triage (Incoming/UrgentPhrases) reads the same lexicon.
    internal static readonly string[] Urgent = FoldedText.Phrases(
        "douleur thoracique", "douleurs thoraciques", "douleur a la poitrine", "douleurs a la poitrine", "douleur dans la poitrine",
        "mal a la poitrine", "difficulte a respirer", "difficultes a respirer", "de la difficulte a respirer", "souffle court",
        "idees suicidaires", "pensees suicidaires", "idees de suicide", "envie de mourir", "me suicider", "suicidaire*",
        "saignement abondant", "saignements abondants", "hemorragie*", "perte de conscience", "paralysie", "avc", "chest pain*",
        "difficulty breathing", "trouble breathing", "shortness of breath", "short of breath", "suicidal", "kill myself",
        "heavy bleeding", "severe bleeding", "loss of consciousness", "stroke", "anaphyla*");

    public static ContentAnalysis Analyze(CheckedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var uses = new HashSet<ConsentUse>();
        var redirections = new List<(TextPart, int, int)>();
        var general = false;
        var urgent = false;
        foreach (var segment in text.Segments)
        {
            if (segment.Part == TextPart.AttachmentName)
            {
                continue;
            }

            var own = segment.Part != TextPart.Quoted;
            foreach (var (start, end) in Sentences(segment.Text))
            {
                var folded = FoldedText.Fold(segment.Text.AsSpan(start, end - start).ToString());
                if (FoldedText.Any(folded, Urgent))
                {
                    urgent = true;
                }

                if (!own)
                {
                    continue;
                }

                if (FoldedText.Any(folded, Redirection))
                {
                    redirections.Add((segment.Part, start, end));
                    continue;
                }

                Classify(folded, uses, ref general);
            }
        }

        var specific = uses.Any(u => u is not ConsentUse.Appointments and not ConsentUse.GeneralAdvice);
        if (general && !specific)
        {
            uses.Add(ConsentUse.GeneralAdvice);
        }

        return new ContentAnalysis
        {
            Uses = [.. uses.Order()],
            GeneralOnly = (general || redirections.Count > 0) && !specific,
            UrgentWithoutRedirection = urgent && redirections.Count == 0,
            UrgentSymptom = urgent && redirections.Count == 0,
            Redirections = redirections,
        };
    }

    private static void Classify(string folded, HashSet<ConsentUse> uses, ref bool general)
    {
        if (FoldedText.Any(folded, Appointment))
        {
            uses.Add(ConsentUse.Appointments);
        }

        if (FoldedText.Any(folded, General))
        {
            general = true;
        }

        if (FoldedText.Any(folded, AdjustVerb) && FoldedText.Any(folded, Dose))
        {
            uses.Add(ConsentUse.TreatmentAdjustment);
            return;
        }

        if (FoldedText.Any(folded, DataRequest) && FoldedText.Any(folded, HealthData))
        {
            uses.Add(ConsentUse.PatientHealthData);
            return;
        }

        if (FoldedText.Any(folded, ResultWord))
        {
            var denied = FoldedText.Any(folded, DeniedAbnormal);
            if (FoldedText.Any(denied ? FoldedText.Without(folded, DeniedAbnormal) : folded, FollowUp))
            {
                uses.Add(ConsentUse.ResultsFollowUp);
            }
            else if (denied || FoldedText.Any(folded, Normal))
            {
                uses.Add(ConsentUse.NormalResults);
            }
        }
    }

    /// <summary>Sentence spans: split at . ! ? ; and line breaks (a decimal point between digits does not split).</summary>
    private static IEnumerable<(int Start, int End)> Sentences(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var split = c is '\n' or '!' or '?' or ';'
                || (c == '.' && !(i > 0 && i + 1 < text.Length && char.IsDigit(text[i - 1]) && char.IsDigit(text[i + 1])));
            if (split)
            {
                if (i > start)
                {
                    yield return (start, i);
                }

                start = i + 1;
            }
        }

        if (text.Length > start)
        {
            yield return (start, text.Length);
        }
    }
}
