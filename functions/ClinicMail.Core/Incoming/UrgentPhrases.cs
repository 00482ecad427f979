using ClinicMail.Core.Content;

namespace ClinicMail.Core.Incoming;

/// <summary>Urgency in a patient's own words: the check engine's urgent-symptom lexicon
/// (<see cref="ContentAnalyzer"/>) plus the first-person phrasings patients write. Data, not logic:
/// a phrase added here is a phrase triage sees.</summary>
internal static class UrgentPhrases
{
    /// <summary>First-person phrasings, French and English (folded; '*' marks a word prefix).</summary>
    private static readonly string[] PatientWords = FoldedText.Phrases(
        "j ai mal a la poitrine", "mal au coeur et au bras", "je n arrive plus a respirer", "je n arrive pas a respirer", "je manque d air",
        "j etouffe", "je suffoque", "je veux mourir", "je vais me tuer", "me faire du mal", "en finir avec la vie", "je saigne beaucoup",
        "saigne abondamment", "je me suis evanoui*", "j ai perdu connaissance", "visage paralyse", "engourdissement soudain",
        "reaction allergique", "gorge qui enfle", "ma gorge enfle", "convulsion*", "surdose", "overdose",
        "my chest hurts", "pain in my chest", "can t breathe", "cannot breathe", "hard to breathe", "i want to die", "end my life",
        "hurt myself", "bleeding a lot", "i fainted", "passed out", "face drooping", "sudden numbness", "allergic reaction",
        "throat is swelling", "seizure*");

    /// <summary>True when the text names an urgent symptom.</summary>
    public static bool Any(string text)
    {
        var folded = FoldedText.Fold(text);
        return FoldedText.Any(folded, ContentAnalyzer.Urgent) || FoldedText.Any(folded, PatientWords);
    }
}
