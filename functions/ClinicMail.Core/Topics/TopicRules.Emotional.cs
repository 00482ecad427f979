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
        if ((ctx.Message & Marker.Grave) != 0)
        {
            GraveCancers(ctx, found);
        }

        if ((ctx.Message & Marker.Worsening) == 0)
        {
            return;
        }

        RecurrenceNouns(ctx, found);

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

    /// <summary>detA round6. « Le scan montre une récidive au foie », "the scan shows disease progression", « ce qui fait
    /// craindre une récidive du cancer »: a recurrence or a progression said as a noun (a weak oncology cue carrying
    /// <see cref="Marker.Worsening"/>, oncology.lex) is hard news when the message is about a cancer (an oncology finding
    /// stands) and a result verb announces it, a suspicion names it (« fait craindre une récidive ») or a cancer word follows
    /// it. Denied (« aucune récidive »), hypothetical
    /// (« pour éliminer une récidive »), a risk (« le risque de récidive ») or a relative's, it is not. The evidence is
    /// the noun.</summary>
    private static void RecurrenceNouns(Context ctx, List<Candidate> found)
    {
        if (!HasCandidate(found, TopicCategory.Oncology))
        {
            return;
        }

        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        for (var k = 0; k < hits.Length; k++)
        {
            var h = hits[k];
            if ((h.Markers & Marker.Worsening) == 0 || !HasCue(ctx, k, TopicCategory.Oncology)
                || (ctx.Masks[h.Sentence] & (Marker.Fundraising | Marker.ThirdParty)) != 0 || ctx.IsNegated(k, 4)
                || ctx.HasBefore(k, Marker.Relative, 6) || ctx.HasBefore(k, Marker.Risk, 3) || ctx.HasBefore(k, Marker.Conditional, 6))
            {
                continue;
            }

            if (ctx.HasBefore(k, AnyAnnounce | Marker.Hedge, AnnounceWindow) || ctx.HasAfter(k, Marker.Disease, 3))
            {
                found.Add(ctx.CandidateAt(TopicCategory.Emotional, k, 0.75f, weak: false));
                found.Add(ctx.CandidateAt(TopicCategory.Oncology, k, 0.8f, weak: false));
            }
        }
    }

    /// <summary>detA round6. A metastatic or advanced cancer (<see cref="Marker.Grave"/> oncology cues: « métastases
    /// osseuses », « cancer avancé ») is hard news whether it is announced, suspected (« très suspect d'un cancer
    /// avancé ») or found in a cancer already known (« des métastases de votre cancer du rein ») — which the new-diagnosis
    /// rule, rightly, does not announce. Not when denied, ruled out, a risk, a relative's, a fund-raiser's or said after a
    /// history word (« vos antécédents de », "follow-up of your").</summary>
    private static void GraveCancers(Context ctx, List<Candidate> found)
    {
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        for (var k = 0; k < hits.Length; k++)
        {
            var h = hits[k];
            var sentence = ctx.Masks[h.Sentence];
            if ((h.Markers & Marker.Grave) == 0 || !HasCue(ctx, k, TopicCategory.Oncology)
                || (sentence & (Marker.Fundraising | Marker.ThirdParty | Marker.Normal)) != 0 || ctx.IsNegated(k, NegationWindow)
                || ctx.HasBefore(k, Marker.Relative, 6) || ctx.HasBefore(k, Marker.Risk, 3) || ctx.HasAfter(k, Marker.Risk, 1)
                || ctx.HasBefore(k, Marker.Conditional, 8) || ctx.HasBefore(k, Marker.ScreenFor, 2)
                || ctx.HasBefore(k, Marker.Progression, 6))
            {
                continue;
            }

            // Said of the reader: a result or a suspicion names it, a copula or an abnormal finding carries it — not an
            // article or a course that only names the disease.
            if (!ctx.HasBefore(k, AnyAnnounce | Marker.Hedge, AnnounceWindow) && !FollowsCopula(ctx, h) && (sentence & Marker.Abnormal) == 0)
            {
                continue;
            }

            found.Add(ctx.CandidateAt(TopicCategory.Emotional, k, 0.75f, weak: false));
        }
    }

    /// <summary>detA round6. « Des métastases osseuses de votre cancer du rein », "metastases from your prostate cancer": a
    /// metastasis (a grave oncology disease) followed by a possessive belongs to a cancer already known — hard news
    /// (<see cref="GraveCancers"/>), not a new diagnosis.</summary>
    private static bool IsSpreadOfKnownCancer(Context ctx, int k) =>
        (ctx.Hits[k].Markers & Marker.Grave) != 0 && ctx.HasAfter(k, Marker.Possessive, 2) && HasCue(ctx, k, TopicCategory.Oncology);

    /// <summary>Whether a finding of <paramref name="category"/> stands among the candidates.</summary>
    private static bool HasCandidate(List<Candidate> found, TopicCategory category)
    {
        foreach (var c in found)
        {
            if (c.Category == category)
            {
                return true;
            }
        }

        return false;
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
