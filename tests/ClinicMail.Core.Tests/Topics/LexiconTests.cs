using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>The phrase trie's compact child lists (sorted word ids per state, scanned or binary-searched) against the
/// edges the trie was built from.</summary>
[TestFixture]
public sealed class LexiconTests
{
    private static readonly Lexicon Lexicon = Lexicon.Build(LexiconSources.All);

    [Test]
    public void Next_EveryBuiltEdge_LeadsToItsState()
    {
        var edges = Lexicon.Edges().ToList();

        Assert.That(edges, Has.Count.GreaterThan(100));
        foreach (var (state, word, next) in edges)
        {
            Assert.That(Lexicon.Next(state, word), Is.EqualTo(next), $"edge {state} --{word}-->");
        }
    }

    [Test]
    public void Next_WordNotAChildOfTheState_IsMinusOne()
    {
        var edges = Lexicon.Edges().ToList();
        var children = edges.ToLookup(e => e.State, e => e.Word);
        var states = edges.Select(e => e.State).Where(s => s > 0).Distinct().ToList();
        var checkedPairs = 0;

        // Every state that has children, against every word id that continues some phrase (the words Next scans for).
        var continuing = edges.Where(e => e.State > 0).Select(e => e.Word).Distinct().ToList();
        foreach (var state in states)
        {
            var own = children[state].ToHashSet();
            foreach (var word in continuing)
            {
                if (own.Contains(word))
                {
                    continue;
                }

                Assert.That(Lexicon.Next(state, word), Is.EqualTo(-1), $"state {state}, word {word}");
                checkedPairs++;
            }
        }

        Assert.That(checkedPairs, Is.GreaterThan(1000));
    }

    [Test]
    public void HasChildren_EveryState_TrueExactlyForStatesWithEdges()
    {
        var parents = Lexicon.Edges().Select(e => e.State).ToHashSet();
        var withChildren = 0;

        for (var state = 1; state < Lexicon.TerminalOfState.Length; state++)
        {
            Assert.That(Lexicon.HasChildren(state), Is.EqualTo(parents.Contains(state)), $"state {state}");
            withChildren += parents.Contains(state) ? 1 : 0;
        }

        // Both kinds exist: multi-word phrases and single-word terms.
        Assert.That(withChildren, Is.GreaterThan(0).And.LessThan(Lexicon.TerminalOfState.Length - 1));
    }

    [Test]
    public void Continues_WordFollowingAnotherInSomePhrase_TrueExactlyForThose()
    {
        var continuing = Lexicon.Edges().Where(e => e.State > 0).Select(e => e.Word).ToHashSet();

        for (var word = 0; word < Lexicon.WordCount; word++)
        {
            Assert.That(Lexicon.Continues[word], Is.EqualTo(continuing.Contains(word)), $"word {word}");
        }
    }

    [Test]
    public void Next_StateWithManyChildren_FoundByBinarySearch()
    {
        // States with more than eight children take the binary search: check that some exist, so the path is covered.
        var wide = Lexicon.Edges().Where(e => e.State > 0).GroupBy(e => e.State).Where(g => g.Count() > 8).ToList();

        Assert.That(wide, Is.Not.Empty);
        foreach (var group in wide)
        {
            foreach (var (state, word, next) in group)
            {
                Assert.That(Lexicon.Next(state, word), Is.EqualTo(next));
            }
        }
    }
}
