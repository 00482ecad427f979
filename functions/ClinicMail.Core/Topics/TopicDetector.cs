using ClinicMail.Core.Text;

namespace ClinicMail.Core.Topics;

/// <summary>Finds the sensitive categories in French and English text. Stateless and thread-safe:
/// one instance serves every check.</summary>
/// <remarks>The lexicon (<see cref="LexiconSources"/>) is compiled once into hash tables and a phrase
/// trie; a check is one pass over the folded, stemmed words of the text with hash lookups, then a few
/// rules over the (few) phrases found. Per-check memory is rented from the shared array pool.</remarks>
public sealed class TopicDetector
{
    /// <summary>Scratch list reused by each thread's checks (one check at a time per thread), so a check
    /// allocates only its results.</summary>
    [ThreadStatic]
    private static List<Hit>? _threadHits;

    private readonly Lexicon _lexicon;

    /// <summary>The learned second opinion on the rules' findings (Topics/Model), or null: rules alone.</summary>
    private readonly TopicSecondOpinion? _secondOpinion;

    private TopicDetector(Lexicon lexicon, TopicModel? model)
    {
        _lexicon = lexicon;
        _secondOpinion = model is null ? null : new TopicSecondOpinion(model, lexicon);
    }

    public static TopicDetector Default { get; } = new(Lexicon.Build(LexiconSources.All), TopicModel.LoadEmbedded());

    /// <summary>The same lexicon and rules without the model's second opinion (training and its tests).</summary>
    internal static TopicDetector RulesOnly { get; } = WithModel(null);

    /// <summary>The default lexicon and rules with another model (null: none), for training and tests.</summary>
    internal static TopicDetector WithModel(TopicModel? model) => new(Default._lexicon, model);

    internal TopicSecondOpinion? SecondOpinion => _secondOpinion;

    internal Lexicon Lexicon => _lexicon;

    /// <summary>The rules' analysis, and the features of the text handed to <paramref name="visit"/> while the text's
    /// tokens are at hand (training reads both from one pass).</summary>
    internal TopicAnalysis AnalyzeWithFeatures<TVisitor>(CheckedText text, ref TVisitor visit)
        where TVisitor : struct, IFeatureVisitor
    {
        var vocabulary = _vocabulary ??= new TopicFeatures.Vocabulary(_lexicon);
        using var stream = TokenStream.Read(text, _lexicon);
        var hits = new List<Hit>();
        PhraseMatcher.Match(_lexicon, stream, hits);
        TopicFeatures.Visit(vocabulary, _lexicon, stream, hits, ref visit);
        return hits.Count == 0 ? TopicAnalysis.Empty : TopicRules.Evaluate(_lexicon, stream, hits);
    }

    private TopicFeatures.Vocabulary? _vocabulary;

    /// <summary>Sensitive categories (all but <see cref="TopicCategory.PatientDeclared"/>) and the clinical signal.</summary>
    public TopicAnalysis Analyze(CheckedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Segments.Count == 0)
        {
            return TopicAnalysis.Empty;
        }

        using var stream = TokenStream.Read(text, _lexicon);
        var hits = _threadHits ??= new List<Hit>(256);
        hits.Clear();
        try
        {
            PhraseMatcher.Match(_lexicon, stream, hits);
            var rules = TopicRules.Evaluate(_lexicon, stream, hits);
            return _secondOpinion is null ? rules : _secondOpinion.Review(stream, hits, rules);
        }
        finally
        {
            hits.Clear();
            if (hits.Capacity > 16 * 1024)
            {
                // One huge text must not pin a huge buffer to the thread for ever.
                _threadHits = null;
            }
        }
    }

    /// <summary>Terms the given patients declared sensitive, found in the text. Returns one
    /// <see cref="TopicCategory.PatientDeclared"/> finding, or null when none of the terms occur.</summary>
    /// <remarks>« Toute information jugée comme telle par le patient » (seed 000): the terms are matched with the
    /// same folding as the lexicon (accents, case, plurals, one typo in words of six letters or more), and
    /// never softened by context: the patient, not the detector, decided they are sensitive.</remarks>
    public TopicFinding? FindDeclared(CheckedText text, IReadOnlyList<DeclaredTerms> declared)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(declared);
        if (text.Segments.Count == 0 || declared.Count == 0)
        {
            return null;
        }

        using var stream = TokenStream.Read(text, lexicon: null);
        return DeclaredTermMatcher.Find(stream, declared);
    }
}

/// <summary>The sensitive terms one patient declared.</summary>
public sealed record DeclaredTerms(string PatientId, IReadOnlyList<string> Terms);
