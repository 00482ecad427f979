using System.Collections.Frozen;

namespace ClinicMail.Core.Topics;

/// <summary>The grammar of a prescription line (detB21 round, issue 21): clinicians write a new drug as the drug, a dose
/// and how to take it — « Synthroid 50 mcg à jeun le matin », « amoxicilline 500 mg tid x 10 jours », "cephalexin 500 mg
/// four times a day", "benzathine penicillin 2.4 million units IM" — often without any start verb. The words are read as
/// written (units, forms, routes and frequencies are not lexicon terms), so the rule holds for any drug of the lexicon.</summary>
internal static partial class TopicRules
{
    /// <summary>Words after the drug where its dose may sit: "Bicillin L-A 2,4 millions d'unités", "Symbicort 200/6, 1 inh.".</summary>
    private const int DoseReach = 5;

    /// <summary>Words after the dose where the frequency, route, form or duration may sit.</summary>
    private const int ScheduleReach = 10;

    /// <summary>Strength units and counted forms that make the number before them a dose.</summary>
    private static readonly FrozenSet<string> DoseWords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "mg", "mcg", "µg", "ug", "g", "ml", "ui", "iu", "unités", "unites", "unité", "units", "unit", "million", "millions", "mmol", "meq",
        "co", "cos", "comprimé", "comprimés", "comprime", "comprimes", "cp", "caps", "capsule", "capsules", "gélule", "gélules",
        "tab", "tabs", "tablet", "tablets", "pill", "pills", "inh", "inhalation", "inhalations", "puff", "puffs", "bouffée", "bouffées",
        "goutte", "gouttes", "drop", "drops", "timbre", "timbres", "patch", "patches", "sachet", "sachets", "application", "applications",
        "vaporisation", "vaporisations", "spray", "sprays", "crème", "creme", "cream", "onguent", "ointment", "gel", "lotion",
    ]);

    /// <summary>Forms written right after a drug's name in place of a strength.</summary>
    private static readonly FrozenSet<string> FormWords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "crème", "creme", "cream", "onguent", "ointment", "gel", "lotion", "shampooing", "shampoo", "solution", "gouttes", "drops",
        "vaporisateur", "spray", "suppositoire", "suppositoires", "suppository", "suppositories", "ovule", "ovules",
    ]);

    /// <summary>How and when a dose is taken: Latin abbreviations, routes, forms, times of day, frequencies, durations.</summary>
    private static readonly FrozenSet<string> ScheduleWords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "die", "bid", "tid", "qid", "hs", "qhs", "qam", "qpm", "prn", "po", "sc", "sq", "im", "iv", "sl", "ds", "q4h", "q6h", "q8h", "q12h", "q24h",
        "co", "comprimé", "comprimés", "comprime", "comprimes", "caps", "capsule", "capsules", "tablet", "tablets", "pill", "pills",
        "inh", "puff", "puffs", "bouffée", "bouffées", "goutte", "gouttes", "drop", "drops", "application", "applications",
        "fois", "jour", "jours", "semaine", "semaines", "mois", "day", "days", "week", "weeks", "month", "months",
        "quotidien", "quotidienne", "hebdomadaire", "daily", "nightly", "weekly", "monthly", "hourly",
        "matin", "soir", "midi", "coucher", "jeun", "morning", "mornings", "evening", "evenings", "bedtime", "night", "nights", "nuit",
        "repas", "meal", "meals", "déjeuner", "dejeuner", "souper", "breakfast", "dinner", "supper",
        "besoin", "needed", "envie", "crave", "craving", "cravings",
        "aux", "every", "once", "twice", "thrice", "times", "pendant", "durant", "during", "heures", "hours", "répéter", "repeat", "apart", "intervalle",
        "langue", "tongue", "sublingual", "sublinguale", "intramusculaire", "intramuscular", "sous-cutané", "sous-cutanée", "subcutaneous",
    ]);

    /// <summary>Words that put a dose change later in a plan: « puis on diminue », "then we'll adjust".</summary>
    private static readonly FrozenSet<string> SequenceWords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "puis", "ensuite", "après", "apres", "then", "after", "afterwards", "later",
    ]);

    /// <summary>A drug followed by a dose ("Synthroid 50 mcg", "Truvada 1 co.") and then by how to take it (a frequency, a
    /// route, a form, a time of day or a duration): a prescription line.</summary>
    private static bool IsPrescriptionLine(Context ctx, in Hit h)
    {
        var stream = ctx.Stream;
        var tokens = stream.Tokens;
        if (IsKnownDrugToNewDose(ctx, h))
        {
            return false;
        }

        // « Perméthrine crème, à répéter dans 7 jours »: a form right after the drug stands for the dose.
        var dose = h.Last + 1 < stream.Count && tokens[h.Last + 1].Sentence == h.Sentence && IsOneOf(ctx, h.Last + 1, FormWords) ? h.Last + 1 : -1;
        for (var i = h.Last + 2; dose < 0 && i < stream.Count && i <= h.Last + DoseReach && tokens[i].Sentence == h.Sentence; i++)
        {
            if ((tokens[i - 1].Flags & TokenFlags.Numeric) != 0 && IsOneOf(ctx, i, DoseWords))
            {
                dose = i;
                break;
            }
        }

        if (dose < 0)
        {
            return false;
        }

        for (var i = dose + 1; i < stream.Count && i <= dose + ScheduleReach && tokens[i].Sentence == h.Sentence; i++)
        {
            // "aux 6 h", "q 8 h": an hour count is a frequency only after a number.
            if (IsOneOf(ctx, i, ScheduleWords)
                || ((tokens[i - 1].Flags & TokenFlags.Numeric) != 0 && WordIs(ctx, i, "h")))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Words after which the next hit may still be the verb of the treatment named before it: « vos traitements de
    /// radiothérapie au sein commencent », "your chemotherapy starts".</summary>
    private const int SubjectVerbReach = 4;

    /// <summary>« Vos traitements de radiothérapie commencent lundi », "your chemo starts Monday": a treatment named with a
    /// possessive and followed by a start verb is being started. « Votre traitement commence à faire effet », "your inhaler
    /// starts to work" (the verb followed by « à » / "to") describe a known treatment working, not a start.</summary>
    private static bool IsSubjectOfStart(Context ctx, int k)
    {
        var hits = ctx.Hits;
        var h = hits[k];
        if (k + 1 >= hits.Count)
        {
            return false;
        }

        var verb = hits[k + 1];
        if (verb.Sentence != h.Sentence || verb.First - h.Last > SubjectVerbReach
            || (verb.Markers & Marker.Start) == 0 || (verb.Markers & (Marker.Switch | Marker.Item | Marker.Drug)) != 0)
        {
            return false;
        }

        var next = verb.Last + 1;
        return next >= ctx.Stream.Count || ctx.Stream.Tokens[next].Sentence != h.Sentence || !IsOneOf(ctx, next, TargetWords);
    }

    /// <summary>Articles before a drug already named between the patient and the clinician (« la metformine », "the
    /// metformin").</summary>
    private static readonly FrozenSet<string> DefiniteArticles = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "la", "le", "les", "l", "l'", "the",
    ]);

    /// <summary>« À » / "to" before a target dose.</summary>
    private static readonly FrozenSet<string> TargetWords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "à", "a", "to",
    ]);

    /// <summary>« On passe la metformine à 1000 mg deux fois par jour », "take the metformin to 1000 mg twice a day": a drug
    /// named with its definite article and followed by « à » / "to" and a dose is a known drug brought to a new dose (issue 17
    /// item 3: an adjustment), not the line of a new prescription, which names the drug and its dose without « à ».</summary>
    private static bool IsKnownDrugToNewDose(Context ctx, in Hit h)
    {
        var stream = ctx.Stream;
        var tokens = stream.Tokens;
        var target = h.Last + 1;
        if (h.First < 1 || target + 2 >= stream.Count || tokens[h.First - 1].Sentence != h.Sentence || tokens[target + 2].Sentence != h.Sentence)
        {
            return false;
        }

        return IsOneOf(ctx, h.First - 1, DefiniteArticles) && IsOneOf(ctx, target, TargetWords)
            && (tokens[target + 1].Flags & TokenFlags.Numeric) != 0 && IsOneOf(ctx, target + 2, DoseWords);
    }

    /// <summary>« Diazépam 10 mg aux 6 h le premier jour, puis on diminue »: a dose change after the drug's own prescription
    /// line, introduced by "puis"/"then", is the next step of a new plan, not the adjustment of a known drug.</summary>
    private static bool IsLaterStep(Context ctx, int k, int doseChange)
    {
        var hits = ctx.Hits;
        var h = hits[k];
        var d = hits[doseChange];
        if (d.First <= h.Last || !IsPrescriptionLine(ctx, h))
        {
            return false;
        }

        for (var i = d.First - 1; i >= Math.Max(h.Last + 1, d.First - 3); i--)
        {
            if (IsOneOf(ctx, i, SequenceWords))
            {
                return true;
            }
        }

        return IsPeriodicStep(ctx, d);
    }

    /// <summary>"Augmentez de 2 unités aux 3 jours", "increase by 1 mg every week": a titration rule (a step repeated at an
    /// interval) starts a drug's dosing plan; it does not adjust a dose already taken.</summary>
    private static bool IsPeriodicStep(Context ctx, in Hit doseChange)
    {
        var stream = ctx.Stream;
        var tokens = stream.Tokens;
        for (var i = doseChange.Last + 1; i + 1 < stream.Count && i <= doseChange.Last + 8 && tokens[i + 1].Sentence == doseChange.Sentence; i++)
        {
            if (!IsOneOf(ctx, i, IntervalWords))
            {
                continue;
            }

            var next = (tokens[i + 1].Flags & TokenFlags.Numeric) != 0 ? i + 2 : i + 1;
            if (next < stream.Count && tokens[next].Sentence == doseChange.Sentence && IsOneOf(ctx, next, IntervalUnits))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly FrozenSet<string> IntervalWords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "aux", "toutes", "tous", "chaque", "every", "each",
    ]);

    private static readonly FrozenSet<string> IntervalUnits = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "jour", "jours", "semaine", "semaines", "day", "days", "week", "weeks",
    ]);

    private static ReadOnlySpan<char> WordAt(Context ctx, int i)
    {
        ref readonly var t = ref ctx.Stream.Tokens[i];
        return ctx.Stream.Text.Segments[t.Segment].Text.AsSpan(t.Start, t.Length);
    }

    private static bool IsOneOf(Context ctx, int i, FrozenSet<string> words) =>
        words.GetAlternateLookup<ReadOnlySpan<char>>().Contains(WordAt(ctx, i));

    private static bool WordIs(Context ctx, int i, string word) =>
        WordAt(ctx, i).Equals(word, StringComparison.OrdinalIgnoreCase);
}
