using System.Runtime.InteropServices;

namespace ClinicMail.Core.Topics;

/// <summary>detA21 round (issue 21): the announcement grammar of a new diagnosis, beside <see cref="NewDiagnoses"/>.
/// The words are data (Topics/Data/announcements.lex, diseases.lex, oncology.lex); these rules read their order:
/// <list type="bullet">
/// <item>a report heading or a test name, a colon, then the disease (« Conclusion : apnée obstructive du sommeil »);</item>
/// <item>a normal result counts only in its own clause: « confirme une hypothyroïdie : T4 libre normale », "reassuring
/// for your rhythm, but your blood work shows diabetes" announce the disease;</item>
/// <item>a disease followed by a worsening verb (« le cancer est revenu », "the leukaemia relapsed") is a recurrence or a
/// progression of a known disease, not a new diagnosis.</item>
/// </list>
/// Every rule runs only for the few disease hits of a message, so the per-word path is untouched.</summary>
internal static partial class TopicRules
{
    /// <summary>Words between a worsening verb and the disease it follows ("the cancer has come back").</summary>
    private const int WorseningWindow = 5;

    /// <summary>Words between a colon after a heading and the disease it announces.</summary>
    private const int HeadingWindow = 6;

    /// <summary>A normal or vaccination word in the same clause as disease hit <paramref name="k"/>: no colon and no
    /// contrast word ("mais", "but") between them. Sentence-level <see cref="IsNormalSentence"/> first, so a message
    /// without any normal word costs nothing.</summary>
    private static bool IsNormalFor(Context ctx, int k, Marker sentence)
    {
        if (!IsNormalSentence(sentence))
        {
            return false;
        }

        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        var s = hits[k].Sentence;
        for (var j = 0; j < hits.Length; j++)
        {
            if (j == k || hits[j].Sentence != s || (hits[j].Markers & NormalContext) == 0)
            {
                continue;
            }

            if (SameClause(ctx, Math.Min(j, k), Math.Max(j, k)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Hits <paramref name="a"/> &lt; <paramref name="b"/> of one sentence sit in one clause: no contrast word
    /// between them and no colon.</summary>
    private static bool SameClause(Context ctx, int a, int b)
    {
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        for (var j = a + 1; j < b; j++)
        {
            if ((hits[j].Markers & Marker.Contrast) != 0)
            {
                return false;
            }
        }

        return !ColonBetween(ctx.Stream, hits[a].Last, hits[b].First);
    }

    /// <summary>« Conclusion : … », "Pathology: …", « Prise de sang : … »: a result heading or a test name, then a colon,
    /// then the disease within a few words.</summary>
    private static bool AnnouncedByHeading(Context ctx, int k)
    {
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        ref readonly var h = ref hits[k];
        for (var j = k - 1; j >= 0 && hits[j].Sentence == h.Sentence; j--)
        {
            if ((hits[j].Markers & (Marker.Results | Marker.TestName)) == 0)
            {
                continue;
            }

            var colon = ColonAfter(ctx.Stream, hits[j].Last, h.First);
            return colon >= 0 && h.First - colon <= HeadingWindow;
        }

        return false;
    }

    /// <summary>A worsening verb within a few words after disease hit <paramref name="k"/>, in its clause, not negated
    /// (« le cancer de la prostate est revenu », "the leukaemia has relapsed"): the course of a known disease. Not when a
    /// result noun precedes the disease (« le résultat pour la syphilis est revenu »: the result came back), nor for the
    /// staging words said at diagnosis ("with spread to the bones", marked grave).</summary>
    private static bool IsRecurrence(Context ctx, int k) => WorseningAfter(ctx, k, staging: false, negatedToo: true) >= 0;

    /// <summary>The worsening hit that follows disease hit <paramref name="k"/> (see <see cref="IsRecurrence"/>), or -1;
    /// with <paramref name="staging"/>, the staging words said at diagnosis count too; with <paramref name="negatedToo"/>, a
    /// denied worsening counts (« le fibrome n'a pas grossi » is a known fibroid, not a new one).</summary>
    private static int WorseningAfter(Context ctx, int k, bool staging, bool negatedToo)
    {
        if ((ctx.Masks[ctx.Hits[k].Sentence] & Marker.Worsening) == 0 || ResultIsSubject(ctx, k))
        {
            return -1;
        }

        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        ref readonly var h = ref hits[k];
        for (var j = k + 1; j < hits.Length; j++)
        {
            ref readonly var o = ref hits[j];
            if (o.Sentence != h.Sentence || o.First - h.Last > WorseningWindow)
            {
                return -1;
            }

            if ((o.Markers & Marker.Worsening) != 0)
            {
                if ((!staging && (o.Markers & Marker.Grave) != 0) || (!negatedToo && ctx.IsNegated(j, 3))
                    || ColonBetween(ctx.Stream, h.Last, o.First))
                {
                    return -1;
                }

                return j;
            }
        }

        return -1;
    }

    /// <summary>An announcement that is itself denied and sits in another clause than the disease: « la TEP ne montre
    /// aucune autre captation : la tumeur est localisée », "the scan doesn't show any spread: the tumour is confined".
    /// The disease after the colon is not what the test found.</summary>
    /// <remarks>An announcement inside a hypothesis is none either: « si vous avez de la fièvre, … une pneumonie ».</remarks>
    private static bool IsNotAnnouncement(Context ctx, int announce, int k)
    {
        if (ctx.HasBefore(announce, Marker.Conditional, 2))
        {
            return true;
        }

        if (ColonBetween(ctx.Stream, ctx.Hits[Math.Min(announce, k)].Last, ctx.Hits[Math.Max(announce, k)].First) is false)
        {
            return false;
        }

        return ctx.IsNegated(announce, 3) || ctx.HasAfter(announce, Marker.Negator, 1);
    }

    /// <summary>« Ça pourrait être une pneumonie », "it could be cellulitis", "maybe a sprain": a hedge right before the
    /// disease makes it a possibility, not a diagnosis.</summary>
    private static bool IsHypothetical(Context ctx, int k) => ctx.HasBefore(k, Marker.Hedge, 3);

    /// <summary>« Le résultat pour la syphilis est revenu »: a result or test noun shortly before the disease, with no
    /// result verb between them, is the subject of what follows ("the scan shows the cancer has come back" has one).</summary>
    private static bool ResultIsSubject(Context ctx, int k)
    {
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        ref readonly var h = ref hits[k];
        for (var j = k - 1; j >= 0; j--)
        {
            ref readonly var o = ref hits[j];
            if (o.Sentence != h.Sentence || h.First - o.Last > 4 || (o.Markers & AnyAnnounce) != 0)
            {
                return false;
            }

            if ((o.Markers & (Marker.Results | Marker.TestName)) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A colon in the text between token <paramref name="after"/> and token <paramref name="before"/> (same part).</summary>
    private static bool ColonBetween(TokenStream stream, int after, int before) => ColonAfter(stream, after, before) >= 0;

    /// <summary>The index of the first token after a colon that follows token <paramref name="after"/> and precedes
    /// token <paramref name="before"/>, or -1.</summary>
    private static int ColonAfter(TokenStream stream, int after, int before)
    {
        var tokens = stream.Tokens;
        for (var t = after; t < before; t++)
        {
            ref readonly var x = ref tokens[t];
            ref readonly var y = ref tokens[t + 1];
            if (x.Segment != y.Segment)
            {
                return -1;
            }

            var text = stream.Text.Segments[x.Segment].Text.AsSpan(x.Start + x.Length, y.Start - x.Start - x.Length);
            if (text.Contains(':'))
            {
                return t + 1;
            }
        }

        return -1;
    }
}
