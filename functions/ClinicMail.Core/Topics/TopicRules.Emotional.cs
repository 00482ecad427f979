using System.Runtime.InteropServices;

namespace ClinicMail.Core.Topics;

/// <summary>detA21 round (issue 21): hard news said without emotional words. Most categories of such events are data
/// (Topics/Data/hardnews.lex: a death, a pregnancy that stops, a poor prognosis, palliative care, a loss of autonomy,
/// legal proceedings); a grave diagnosis is read by <see cref="NewDiagnoses"/> (<see cref="Marker.Grave"/>). This rule
/// reads the one that needs word order: a cancer that comes back, progresses or has spread.</summary>
internal static partial class TopicRules
{
    /// <summary>« Le cancer de la prostate est revenu », "the leukaemia relapsed", "cancer with spread to the bones", « la
    /// tumeur a récidivé »: a cancer or a tumour word followed by a worsening word in its clause is oncology and hard news (seed 000: « forte charge émotive »). The evidence is
    /// the worsening words.</summary>
    private static void Recurrences(Context ctx, List<Candidate> found)
    {
        if ((ctx.Message & Marker.Worsening) == 0)
        {
            return;
        }

        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        for (var k = 0; k < hits.Length; k++)
        {
            var h = hits[k];
            // A cancer (a disease with an oncology cue) or a tumour word (a weak oncology cue that is not a test name: a
            // biopsy "comes back" too); not a service ("l'oncologue est revenu").
            if (!HasCue(ctx, k, TopicCategory.Oncology)
                || ((h.Markers & Marker.Disease) == 0 && ((h.Markers & Marker.TestName) != 0 || !HasWeakCue(ctx, k, TopicCategory.Oncology)))
                || (ctx.Masks[h.Sentence] & (Marker.Fundraising | Marker.ThirdParty)) != 0 || ctx.IsNegated(k, NegationWindow)
                || ctx.HasBefore(k, Marker.Relative, 6))
            {
                continue;
            }

            var worse = WorseningAfter(ctx, k, staging: true, negatedToo: false);
            if (worse >= 0)
            {
                found.Add(ctx.CandidateAt(TopicCategory.Emotional, worse, 0.75f, weak: false));

                // « La tumeur a récidivé »: a tumour word, weak alone, is a cancer once it recurs or spreads.
                found.Add(ctx.CandidateAt(TopicCategory.Oncology, k, 0.8f, weak: false));
            }
        }
    }

    /// <summary>Whether hit <paramref name="k"/>'s phrase is a weak cue of <paramref name="category"/> ("tumeur", "masse").</summary>
    private static bool HasWeakCue(Context ctx, int k, TopicCategory category)
    {
        foreach (var cue in ctx.Lexicon.Cues[ctx.Hits[k].Terminal])
        {
            if (cue.Category == category && (cue.Flags & CueFlags.Weak) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether hit <paramref name="k"/>'s phrase is a cue of <paramref name="category"/>.</summary>
    private static bool HasCue(Context ctx, int k, TopicCategory category)
    {
        foreach (var cue in ctx.Lexicon.Cues[ctx.Hits[k].Terminal])
        {
            if (cue.Category == category)
            {
                return true;
            }
        }

        return false;
    }
}
