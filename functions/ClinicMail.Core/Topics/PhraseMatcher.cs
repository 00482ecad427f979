namespace ClinicMail.Core.Topics;

/// <summary>Finds the lexicon phrases of a token stream: longest first, left to right, never across a sentence.</summary>
/// <remarks>The tokenizer already listed the words that start some phrase (<see cref="TokenStream.Starts"/>, with the
/// trie state after them): about half the words of a message, and the only places a phrase can begin. The walk visits
/// those alone and reads each trie state once (<see cref="StateInfo"/>).</remarks>
internal static class PhraseMatcher
{
    public static void Match(Lexicon lexicon, TokenStream stream, List<Hit> hits)
    {
        var tokens = stream.Tokens;
        var n = stream.Count;
        var starts = stream.Starts;
        var startCount = stream.StartCount;
        var states = lexicon.States;
        var markers = lexicon.Markers;
        var continues = lexicon.Continues;

        // The first token not yet inside a phrase found: a start before it sits inside an earlier, longer phrase.
        var free = 0;
        for (var k = 0; k < startCount; k++)
        {
            var i = starts[k].Token;
            if (i < free)
            {
                continue;
            }

            var state = starts[k].State;
            ref var t = ref tokens[i];
            int best = -1, bestEnd = -1;
            bool fuzzy = false, bestFuzzy = false;
            var j = i;
            while (true)
            {
                fuzzy |= (tokens[j].Flags & TokenFlags.Fuzzy) != 0;
                ref var info = ref states[state];

                // Acronyms that are also plain words ("ITS", "PrEP", "AA") count only as written in capitals.
                if (info.Terminal >= 0 && !(info.CaseSensitive && (fuzzy || (t.Flags & TokenFlags.Upper) == 0)))
                {
                    best = info.Terminal;
                    bestEnd = j;
                    bestFuzzy = fuzzy;
                }

                // Most walks end here: a single-word term, or a next word that continues no phrase.
                if (++j >= n || info.ChildStart == info.ChildEnd)
                {
                    break;
                }

                ref var u = ref tokens[j];
                if (u.Word < 0 || u.Sentence != t.Sentence || !continues[u.Word])
                {
                    break;
                }

                state = lexicon.NextChild(info.ChildStart, info.ChildEnd, u.Word);
                if (state < 0)
                {
                    break;
                }
            }

            if (best >= 0)
            {
                hits.Add(new Hit(best, i, bestEnd, t.Sentence, bestFuzzy, markers[best]));
                free = bestEnd + 1;
            }
            else
            {
                free = i + 1;
            }
        }
    }
}
