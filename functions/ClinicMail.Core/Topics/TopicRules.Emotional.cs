using System.Runtime.InteropServices;

namespace ClinicMail.Core.Topics;

/// <summary>detA21 round (issue 21): hard news said without emotional words. Most categories of such events are data
/// (Topics/Data/hardnews.lex: a death, a pregnancy that stops, a poor prognosis, palliative care, a loss of autonomy,
/// legal proceedings); a grave diagnosis is read by <see cref="NewDiagnoses"/> (<see cref="Marker.Grave"/>). This rule
/// reads the one that needs word order: a cancer that comes back, progresses or has spread.</summary>
internal static partial class TopicRules
{
    /// <summary>« Le cancer de la prostate est revenu », "the leukaemia relapsed", "cancer with spread to the bones": a
    /// cancer followed by a worsening word in its clause is hard news (seed 000: « forte charge émotive »). The evidence is
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
            if ((h.Markers & Marker.Disease) == 0 || !HasCue(ctx, k, TopicCategory.Oncology)
                || (ctx.Masks[h.Sentence] & (Marker.Fundraising | Marker.ThirdParty)) != 0 || ctx.IsNegated(k, NegationWindow)
                || ctx.HasBefore(k, Marker.Relative, 6))
            {
                continue;
            }

            var worse = WorseningAfter(ctx, k, staging: true, negatedToo: false);
            if (worse >= 0)
            {
                found.Add(ctx.CandidateAt(TopicCategory.Emotional, worse, 0.75f, weak: false));
            }
        }
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
