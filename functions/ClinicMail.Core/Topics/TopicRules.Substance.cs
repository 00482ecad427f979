using System.Collections.Frozen;
using System.Runtime.InteropServices;

namespace ClinicMail.Core.Topics;

/// <summary>Drinks counted over a period (detB21 round, issue 21): « 6 bières chaque soir », "4 to 5 drinks most nights",
/// « 20 consommations par semaine ». A drink word alone is weak (an invitation names beer and wine); a number right before
/// it and a period right after it make it a consumption pattern, which is substance use by itself.</summary>
internal static partial class TopicRules
{
    /// <summary>Words after the drink that make the count a rate: per day, per evening, per week, per occasion.</summary>
    private static readonly FrozenSet<string> PeriodWords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "jour", "jours", "soir", "soirs", "soirée", "soirées", "semaine", "semaines", "week-end", "weekend", "weekends", "occasion",
        "day", "days", "night", "nights", "evening", "evenings", "week", "weeks", "sitting", "daily", "nightly", "weekly",
    ]);

    private static void DrinkCounts(Context ctx, List<Candidate> found)
    {
        var candidates = CollectionsMarshal.AsSpan(found);
        for (var c = 0; c < candidates.Length; c++)
        {
            ref var candidate = ref candidates[c];
            if (candidate.Category == TopicCategory.SubstanceUse && candidate.Weak && IsDrinkRate(ctx, ctx.Hits[candidate.Hit]))
            {
                candidate = candidate with { Weak = false, Confidence = Math.Max(candidate.Confidence, 0.75f) };
            }
        }
    }

    private static bool IsDrinkRate(Context ctx, in Hit h)
    {
        var stream = ctx.Stream;
        var tokens = stream.Tokens;
        if (h.First == 0 || tokens[h.First - 1].Sentence != h.Sentence || (tokens[h.First - 1].Flags & TokenFlags.Numeric) == 0)
        {
            return false;
        }

        // The period may be inside the phrase itself ("drinks most nights").
        for (var i = h.First + 1; i < stream.Count && i <= h.Last + 4 && tokens[i].Sentence == h.Sentence; i++)
        {
            if (IsOneOf(ctx, i, PeriodWords))
            {
                return true;
            }
        }

        return false;
    }
}
