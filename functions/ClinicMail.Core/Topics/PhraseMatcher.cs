namespace ClinicMail.Core.Topics;

/// <summary>Finds the lexicon phrases of a token stream: longest first, left to right, never across a sentence.</summary>
/// <remarks>The tokenizer already listed the words that start some phrase (<see cref="TokenStream.Starts"/>, with the
/// trie state after them): about half the words of a message, and the only places a phrase can begin. The walk visits
/// those alone; the first step of each comes with the start (its terminal and whether longer phrases go on, kept in the
/// word cache), so a single-word phrase reads no lexicon table, and a longer one reads each further trie state once
/// (<see cref="StateInfo"/>).</remarks>
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

        // The first token not yet inside a phrase found: a start before it sits inside an earlier, longer phrase.
        var free = 0;
        for (var k = 0; k < startCount; k++)
        {
            var i = starts[k].Token;
            if (i < free)
            {
                continue;
            }

            ref var start = ref starts[k];
            ref var t = ref tokens[i];
            int best = -1, bestEnd = -1;
            var fuzzy = (t.Flags & TokenFlags.Fuzzy) != 0;
            var bestFuzzy = false;

            // The first word's own phrase, from what the tokenizer kept of it. Acronyms that are also plain words ("ITS",
            // "PrEP", "AA") count only as written in capitals.
            if (start.Terminal >= 0
                && !((start.Flags & PhraseStartFlags.CaseSensitive) != 0 && (fuzzy || (t.Flags & TokenFlags.Upper) == 0)))
            {
                best = start.Terminal;
                bestEnd = i;
                bestFuzzy = fuzzy;
            }

            // Most walks end here: a single-word term, or a next word that continues no phrase (its token says so). Longer
            // phrases read the trie from the first word's state on.
            if ((start.Flags & PhraseStartFlags.HasChildren) != 0 && i + 1 < n && Continues(in tokens[i + 1], t.Sentence))
            {
                ref var info = ref states[start.State];
                var j = i;
                while (++j < n)
                {
                    ref var u = ref tokens[j];
                    if (!Continues(in u, t.Sentence))
                    {
                        break;
                    }

                    var state = lexicon.NextChild(info.ChildStart, info.ChildEnd, u.Word);
                    if (state < 0)
                    {
                        break;
                    }

                    fuzzy |= (u.Flags & TokenFlags.Fuzzy) != 0;
                    info = ref states[state];
                    if (info.Terminal >= 0 && !(info.CaseSensitive && (fuzzy || (t.Flags & TokenFlags.Upper) == 0)))
                    {
                        best = info.Terminal;
                        bestEnd = j;
                        bestFuzzy = fuzzy;
                    }

                    // A next word that continues no phrase.
                    if (info.ChildStart == info.ChildEnd)
                    {
                        break;
                    }
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

    /// <summary>Whether <paramref name="u"/> can extend a phrase of sentence <paramref name="sentence"/>: a lexicon word
    /// that follows another in some phrase (<see cref="TokenFlags.Continues"/>, set only for words with an id), in the
    /// same sentence.</summary>
    private static bool Continues(in Token u, int sentence) => (u.Flags & TokenFlags.Continues) != 0 && u.Sentence == sentence;
}
