using System.Runtime.InteropServices;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Topics;

/// <summary>One lexicon phrase found in the text: its terminal, its first and last token, its sentence.</summary>
internal readonly record struct Hit(int Terminal, int First, int Last, int Sentence, bool Fuzzy, Marker Markers);

/// <summary>Turns lexicon hits into findings: reads each cue in its sentence (negation, normal result,
/// weather, fund-raising, conditional, other indication of an ambiguous drug), then derives
/// <see cref="TopicCategory.NewDiagnosis"/> (announcement + disease) and <see cref="TopicCategory.NewTreatment"/>
/// (start verb + treatment, not a renewal).</summary>
internal static partial class TopicRules
{
    private const int NegationWindow = 7;
    private const int AnnounceWindow = 20;
    private const int StartWindow = 15;
    private const int MaxClinicalEvidence = 32;
    private const float FuzzyFactor = 0.9f;

    private const Marker NormalContext = Marker.Normal | Marker.Vaccine;

    /// <summary>Scratch reused by each thread's checks (one check at a time per thread).</summary>
    [ThreadStatic]
    private static Context? _threadContext;

    [ThreadStatic]
    private static List<Candidate>? _threadFound;
    private const Marker AnyAnnounce = Marker.Announce | Marker.AnnounceStrong;

    public static TopicAnalysis Evaluate(Lexicon lexicon, TokenStream stream, List<Hit> hits)
    {
        if (hits.Count == 0)
        {
            return TopicAnalysis.Empty;
        }

        // This thread's context, candidate list and sentence masks, reused from check to check (a check allocates only
        // its results).
        var ctx = _threadContext ??= new Context();
        var masks = ctx.ClearedMasks(stream.SentenceCount + 1);
        try
        {
            var message = Marker.None;
            foreach (var h in hits)
            {
                masks[h.Sentence] |= h.Markers;
                message |= h.Markers;
            }

            InheritSubjectContext(stream, hits, masks, message);

            ctx.Reset(lexicon, stream, hits, masks, message);
            var found = _threadFound ??= new List<Candidate>(16);
            found.Clear();
            CategoryCues(ctx, found);
            SymptomsOfSubstance(ctx, found);
            DrinkCounts(ctx, found);
            ResolveWeak(found);
            Combinations(ctx, found);
            CrisisPlans(ctx, found);
            IdeationIsNotNews(ctx, found);
            NewDiagnoses(ctx, found);
            Recurrences(ctx, found);
            NewTreatments(ctx, found);
            InPersonResults(ctx, found);
            return new TopicAnalysis { Topics = Group(ctx, found), ClinicalEvidence = Clinical(ctx) };
        }
        finally
        {
            // The context must not pin the message (its text, tokens and hits) to the thread.
            ctx.Reset(null!, null!, null!, null!, Marker.None);

            if (_threadFound is { Capacity: > 1024 })
            {
                _threadFound = null;
            }
        }
    }

    /// <summary>What the body reports is read into the subject line: a subject that names a test ("Dépistage ITSS",
    /// "Mammographie") or a campaign ("Cancer du poumon — campagne") is as normal, as vaccinal or as charitable as the
    /// body says; a body that reports both a normal and an abnormal finding leaves the subject abnormal.</summary>
    private static void InheritSubjectContext(TokenStream stream, List<Hit> hits, Marker[] masks, Marker message)
    {
        const Marker Inherited = Marker.Fundraising | Marker.Weather | Marker.Astrology | Marker.Normal | Marker.Abnormal
            | Marker.AfterTreatment;
        if ((message & (Inherited | Marker.Vaccine)) == 0)
        {
            return;
        }

        foreach (var h in hits)
        {
            if (IsSubject(stream, h))
            {
                masks[h.Sentence] |= message & Inherited;

                // "Mpox" over a vaccination clinic is the vaccine's subject; "PrEP — on commence" starts a treatment.
                if ((masks[h.Sentence] & Marker.Start) == 0)
                {
                    masks[h.Sentence] |= message & Marker.Vaccine;
                }
            }
        }
    }

    private static bool IsSubject(TokenStream stream, Hit h) =>
        stream.Text.Segments[stream.Tokens[h.First].Segment].Part == TextPart.Subject;

    private static void CategoryCues(Context ctx, List<Candidate> found)
    {
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        for (var k = 0; k < hits.Length; k++)
        {
            var h = hits[k];
            var cues = ctx.Lexicon.Cues[h.Terminal];
            if (cues.Length == 0)
            {
                continue;
            }

            var sentence = ctx.Masks[h.Sentence];

            // An announcement of a fund-raiser or an awareness campaign names diseases, not a patient's.
            if ((sentence & Marker.Fundraising) != 0)
            {
                continue;
            }

            // "Ce médicament est aussi utilisé dans certains cancers": a drug's other uses, not the patient's condition.
            if (ctx.HasBefore(k, Marker.DrugUse, 5))
            {
                continue;
            }

            foreach (var cue in cues)
            {
                // A control test after a treatment reveals the treated condition even when it is negative.
                if ((cue.Flags & CueFlags.Negatable) != 0 && (ctx.IsNegated(k, NegationWindow) || IsNormalSentence(sentence))
                    && (sentence & Marker.AfterTreatment) == 0)
                {
                    continue;
                }

                if ((cue.Flags & CueFlags.Ambiguous) != 0 && (ctx.Message & OtherIndication(cue.Category)) != 0)
                {
                    continue;
                }

                if ((cue.Flags & CueFlags.WeatherSense) != 0 && (sentence & Marker.Weather) != 0)
                {
                    continue;
                }

                // "Cancer" the zodiac sign; "le risque de cancer du sein" (a risk, not a cancer); « le cancer du sein de votre
                // mère » (a relative's, named right after the cancer).
                // "Le programme de dépistage du cancer du poumon", "colon cancer screening": what a screening looks for, unless it
                // found something.
                if (cue.Category == TopicCategory.Oncology
                    && ((sentence & Marker.Astrology) != 0 || ctx.HasBefore(k, Marker.Risk, 5) || ctx.HasAfter(k, Marker.Risk, 1)
                        || ctx.HasBefore(k, Marker.Relative, 6) || ctx.HasAfter(k, Marker.Relative, 1)
                        || ((ctx.HasBefore(k, Marker.ScreenFor, 2) || ctx.HasAfter(k, Marker.ScreenFor, 1)) && (sentence & Marker.Abnormal) == 0)))
                {
                    continue;
                }

                // A symptom after « si »/"if" is a safety net; beside a taper it is the taper's (a substance cue in the
                // sentence is read after the loop, SymptomsOfSubstance).
                if (cue.Category == TopicCategory.MentalHealth && (h.Markers & Marker.Symptom) != 0
                    && (ctx.HasBefore(k, Marker.Conditional, 12) || (sentence & (Marker.Benzo | Marker.Taper)) != 0))
                {
                    continue;
                }

                // "The printer died", "accro au café", "crack in the wall": a thing beside the word makes it figurative. A
                // thing after a death word does not ("died in a car accident"), so only addiction words look after.
                if ((cue.Flags & CueFlags.Literal) != 0 && (sentence & (Marker.Object | Marker.Idiom)) != 0
                    && (ctx.HasBefore(k, Marker.Object, 2) || ctx.HasAfter(k, Marker.Idiom, 2)
                        || (cue.Category != TopicCategory.Emotional && ctx.HasAfter(k, Marker.Object, 3))))
                {
                    continue;
                }

                // "The depression screening questionnaire", « le questionnaire de dépistage de la dépression »: what a routine
                // screening looks for, unless the sentence reports an abnormal score (detB round 6).
                if (cue.Category == TopicCategory.MentalHealth && (sentence & (Marker.ScreenFor | Marker.Abnormal)) == Marker.ScreenFor
                    && (ctx.HasBefore(k, Marker.ScreenFor, 2) || ctx.HasAfter(k, Marker.ScreenFor, 1)))
                {
                    continue;
                }

                // "My grandmother passed away last month, so I was away", « mon père est décédé, la clinique est fermée »: the
                // writer's own loss explains an absence; it is not news about the reader (detB round 6).
                if (cue.Category == TopicCategory.Emotional && (sentence & Marker.Writer) != 0 && ctx.HasBefore(k, Marker.Writer, 6))
                {
                    continue;
                }

                if ((cue.Flags & CueFlags.NeedsAbnormal) != 0 && (sentence & Marker.Abnormal) == 0)
                {
                    continue;
                }

                if ((cue.Flags & CueFlags.Conditional) != 0 && ctx.HasBefore(k, Marker.Conditional, 12))
                {
                    continue;
                }

                var confidence = h.Fuzzy ? cue.Confidence * FuzzyFactor : cue.Confidence;
                found.Add(ctx.CandidateAt(cue.Category, k, confidence, (cue.Flags & CueFlags.Weak) != 0));
            }
        }
    }

    /// <summary>« Informer le patient du résultat normal » is an acceptable use (seed 000): a normal or
    /// negative result sentence does not carry the disease it tested for, unless it also reports something abnormal.</summary>
    private static bool IsNormalSentence(Marker sentence) =>
        (sentence & NormalContext) != 0 && (sentence & Marker.Abnormal) == 0;

    private static Marker OtherIndication(TopicCategory category) => category switch
    {
        TopicCategory.MentalHealth => Marker.AltMental,
        TopicCategory.Oncology => Marker.AltOncology,
        TopicCategory.SubstanceUse => Marker.AltSubstance,
        TopicCategory.SexualHealth => Marker.AltSexual,
        TopicCategory.NewDiagnosis or TopicCategory.NewTreatment or TopicCategory.Emotional or TopicCategory.PatientDeclared => Marker.None,
    };

    /// <summary>A weak cue ("alcool", "biopsie", "suspect") counts only when another, different cue of its
    /// category is present: alone it is too often innocent.</summary>
    private static void ResolveWeak(List<Candidate> found)
    {
        Span<int> firstTerminal = stackalloc int[8];
        Span<bool> confirmed = stackalloc bool[8];
        firstTerminal.Fill(-1);
        foreach (var c in found)
        {
            var i = (int)c.Category;
            if (!c.Weak)
            {
                confirmed[i] = true;
            }
            else if (firstTerminal[i] < 0)
            {
                firstTerminal[i] = c.Terminal;
            }
            else if (firstTerminal[i] != c.Terminal)
            {
                confirmed[i] = true;
            }
        }

        for (var i = 0; i < 8; i++)
        {
            // Two different weak terms confirm each other only if a non-weak cue or a second weak term exists.
            if (firstTerminal[i] >= 0 && !confirmed[i])
            {
                RemoveCategory(found, (TopicCategory)i);
            }
        }
    }

    /// <summary>Removes the candidates of <paramref name="category"/>, keeping the order of the others (no closure
    /// allocated per check, as <c>RemoveAll</c> with a lambda over the loop variable would).</summary>
    private static void RemoveCategory(List<Candidate> found, TopicCategory category)
    {
        var kept = 0;
        for (var k = 0; k < found.Count; k++)
        {
            if (found[k].Category != category)
            {
                found[kept++] = found[k];
            }
        }

        found.RemoveRange(kept, found.Count - kept);
    }

    /// <summary>Categories said by two words together that neither says alone: a benzodiazepine with a taper in its
    /// sentence is substance use (corpus rule: benzodiazepine tapering is substance_use); an overdose taken on purpose
    /// is self-harm, a mental-health emergency with a heavy emotional charge (seed 000 lists both).</summary>
    private static void Combinations(Context ctx, List<Candidate> found)
    {
        const Marker Needed = Marker.Benzo | Marker.Overdose;
        if ((ctx.Message & Needed) == 0)
        {
            return;
        }

        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        for (var k = 0; k < hits.Length; k++)
        {
            var h = hits[k];
            var sentence = ctx.Masks[h.Sentence];
            if ((h.Markers & Marker.Benzo) != 0 && (sentence & Marker.Taper) != 0 && !ctx.IsNegated(k, NegationWindow))
            {
                found.Add(ctx.CandidateAt(TopicCategory.SubstanceUse, k, 0.75f, weak: false));
            }

            if ((h.Markers & Marker.Overdose) != 0 && (sentence & Marker.Intent) != 0 && !ctx.IsNegated(k, NegationWindow))
            {
                found.Add(ctx.CandidateAt(TopicCategory.MentalHealth, k, 0.8f, weak: false));
                found.Add(ctx.CandidateAt(TopicCategory.Emotional, k, 0.8f, weak: false));
            }
        }
    }

    /// <summary>A crisis or safety plan names suicide and the crisis line: that is mental health (its own cues), not
    /// emotional news. The emotional cues of such words are dropped; another emotional cue (a death, a diagnosis with a
    /// heavy charge) still counts.</summary>
    private static void CrisisPlans(Context ctx, List<Candidate> found)
    {
        if ((ctx.Message & Marker.CrisisPlan) == 0 || (ctx.Message & Marker.CrisisEvent) != 0)
        {
            return;
        }

        var kept = 0;
        for (var k = 0; k < found.Count; k++)
        {
            var c = found[k];
            if (c.Category != TopicCategory.Emotional || (ctx.Hits[c.Hit].Markers & (Marker.SelfHarm | Marker.CrisisPlan)) == 0)
            {
                found[kept++] = c;
            }
        }

        found.RemoveRange(kept, found.Count - kept);
    }

    /// <summary>"Smoking cannabis every night makes your anxiety worse": a symptom in the sentence of a substance-use cue
    /// is that substance's effect, not a mental-health topic of its own.</summary>
    private static void SymptomsOfSubstance(Context ctx, List<Candidate> found)
    {
        if ((ctx.Message & Marker.Symptom) == 0)
        {
            return;
        }

        var kept = 0;
        for (var k = 0; k < found.Count; k++)
        {
            var c = found[k];
            var h = ctx.Hits[c.Hit];
            if (c.Category == TopicCategory.MentalHealth && (h.Markers & Marker.Symptom) != 0
                && found.Exists(o => o.Category == TopicCategory.SubstanceUse && ctx.Hits[o.Hit].Sentence == h.Sentence))
            {
                continue;
            }

            found[kept++] = c;
        }

        found.RemoveRange(kept, found.Count - kept);
    }

    /// <summary>Suicidal thoughts followed up as a known symptom ("vos idées noires ont-elles diminué", "your dark thoughts
    /// are less frequent") are mental-health content (their own cues), not emotional news, unless the message reports a
    /// crisis itself (an attempt, an overdose, an ER visit). A disclosure ("vous m'avez dit penser à en finir") stays
    /// emotional. Seed 000 lists « troubles de santé mentale » and « forte charge émotive » apart.</summary>
    private static void IdeationIsNotNews(Context ctx, List<Candidate> found)
    {
        if ((ctx.Message & Marker.SelfHarm) == 0 || (ctx.Message & Marker.CrisisEvent) != 0)
        {
            return;
        }

        var kept = 0;
        for (var k = 0; k < found.Count; k++)
        {
            var c = found[k];
            if (c.Category != TopicCategory.Emotional || (ctx.Hits[c.Hit].Markers & Marker.SelfHarm) == 0
                || !(ctx.HasBefore(c.Hit, Marker.Possessive, 1) || (ctx.Masks[ctx.Hits[c.Hit].Sentence] & (Marker.Progression | Marker.DoseChange)) != 0))
            {
                found[kept++] = c;
            }
        }

        found.RemoveRange(kept, found.Count - kept);
    }

    /// <summary>« Communication d'un nouveau diagnostic »: a disease named next to an announcement
    /// ("montre", "confirms", "positive for", "correspond à"), not ruled out, not already known
    /// ("votre diabète"), not a progression of a known disease.</summary>
    private static void NewDiagnoses(Context ctx, List<Candidate> found)
    {
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        for (var k = 0; k < hits.Length; k++)
        {
            var h = hits[k];
            var markers = h.Markers;
            if ((markers & Marker.Disease) == 0)
            {
                continue;
            }

            var sentence = ctx.Masks[h.Sentence];
            // A partner notification names someone else's diagnosis, not the reader's.
            if ((sentence & (Marker.Fundraising | Marker.Progression | Marker.ThirdParty)) != 0 || IsNormalFor(ctx, k, sentence)
                || !IsPatientSense(ctx, k, sentence) || IsRecurrence(ctx, k))
            {
                continue;
            }

            // « C'est une hypothyroïdie », "the blisters is shingles": the announcement sits right before the disease, and
            // a negation before it ("ce n'est pas une") is read from there, not across the clause before it.
            var nearAnnounce = ctx.HasBefore(k, Marker.AnnounceNear, 1);
            var near = nearAnnounce || FollowsCopula(ctx, h);
            var negated = nearAnnounce ? ctx.IsNegated(k - 1, 2) : near ? ctx.IsNegated(k, 4) : ctx.IsNegated(k, NegationWindow);
            // "The risk of liver cancer", « le risque de diabète »: a risk is not a diagnosis (prec21).
            if (negated || ctx.HasBefore(k, Marker.Possessive, 1) || ctx.HasBefore(k, Marker.Against, 2)
                || ctx.HasBefore(k, Marker.Risk, 3) || ctx.HasAfter(k, Marker.Risk, 1)
                || ctx.HasBefore(k, Marker.Relative, 6) || (ctx.HasBefore(k, Marker.ScreenFor, 2) && (sentence & Marker.Abnormal) == 0)
                || ctx.HasBefore(k, Marker.Conditional, 8) || ctx.HasBefore(k, Marker.DrugUse, 5) || IsHypothetical(ctx, k)
                || IsSpreadOfKnownCancer(ctx, k))
            {
                continue;
            }

            var announce = ctx.Nearest(k, AnyAnnounce, AnnounceWindow);
            if (announce >= 0 && IsNotAnnouncement(ctx, announce, k))
            {
                announce = -1;
            }

            if (announce < 0 && !near && !AnnouncedByHeading(ctx, k))
            {
                continue;
            }

            var strong = announce >= 0 && (hits[announce].Markers & Marker.AnnounceStrong) != 0;
            var confidence = strong ? 0.9f : 0.8f;
            found.Add(ctx.CandidateAt(TopicCategory.NewDiagnosis, k, h.Fuzzy ? confidence * FuzzyFactor : confidence, weak: false));
            if ((markers & Marker.Grave) != 0)
            {
                // « Diagnostic … ayant une forte charge émotive »: ALS, dementia, Huntington, HIV…
                found.Add(ctx.CandidateAt(TopicCategory.Emotional, k, 0.75f, weak: false));
            }
        }
    }

    /// <summary>"Ce qui est une pneumonie", "the cause is pneumonia": a copula right before the disease.</summary>
    private static bool FollowsCopula(Context ctx, Hit h)
    {
        var tokens = ctx.Stream.Tokens;
        return h.First > 0 && tokens[h.First - 1].Sentence == h.Sentence && (tokens[h.First - 1].Flags & TokenFlags.Copula) != 0;
    }

    /// <summary>A disease word used in its weather or ambiguous sense ("dépression" of a storm) is not a diagnosis.</summary>
    private static bool IsPatientSense(Context ctx, int k, Marker sentence)
    {
        foreach (var cue in ctx.Lexicon.Cues[ctx.Hits[k].Terminal])
        {
            if ((cue.Flags & CueFlags.WeatherSense) != 0 && (sentence & Marker.Weather) != 0)
            {
                return false;
            }

            if ((cue.Flags & CueFlags.Ambiguous) != 0 && (ctx.Message & OtherIndication(cue.Category)) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>« Communication d'un nouveau traitement »: a medication or treatment near a start verb
    /// ("je vous ai prescrit", "on commence", "switching to"), or in a titration schedule; a renewal
    /// ("renouvelé", "same dose", "on continue") or an open question ("whether", "on pourrait") is not.</summary>
    private static void NewTreatments(Context ctx, List<Candidate> found)
    {
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        for (var k = 0; k < hits.Length; k++)
        {
            var h = hits[k];
            var markers = h.Markers;
            if ((markers & (Marker.Item | Marker.Drug)) == 0)
            {
                continue;
            }

            // Over-the-counter drugs (ibuprofen, acetaminophen…) are advice unless prescribed ("je vous ai prescrit du
            // naproxène", "une ordonnance de naproxène"); "prenez du Tylenol" is not a new treatment.
            var overTheCounter = (markers & Marker.OverTheCounter) != 0;

            var sentence = ctx.Masks[h.Sentence];
            if ((sentence & (Marker.Fundraising | Marker.Vaccine | Marker.Hedge)) != 0 || ctx.IsNegated(k, 4))
            {
                continue;
            }

            // A partner notification recommends "a test and a treatment" for the reader's possible infection: generic
            // words, not a prescription. A named drug still counts.
            if ((ctx.Message & Marker.ThirdParty) != 0 && (markers & Marker.Drug) == 0)
            {
                continue;
            }

            var isSwitch = (sentence & (Marker.Switch | Marker.SwitchFrom)) != 0 && IsSwitch(ctx, k, sentence);

            // "Votre Ventolin", "your metformin": a treatment the patient already takes, unless it is being replaced or is
            // the subject of a start verb (« vos traitements de radiothérapie commencent lundi »: TopicRules.Treatment.cs).
            if (ctx.HasBefore(k, Marker.Possessive, 1) && !isSwitch && !IsSubjectOfStart(ctx, k))
            {
                continue;
            }

            var confidence = isSwitch ? 0.75f : 0f;
            var start = ctx.Nearest(k, Marker.Start, StartWindow);

            // "0,5 mg au lieu de 1 mg", "switch from daily to on-demand dosing": a switch word with no second drug, beside a
            // dose change, changes the dose, not the drug.
            if (start >= 0 && (ctx.Hits[start].Markers & Marker.Switch) != 0 && !isSwitch && (sentence & Marker.DoseChange) != 0)
            {
                start = -1;
            }

            var renewal = ctx.Nearest(k, Marker.Renewal, int.MaxValue);
            if ((sentence & Marker.DoseChange) != 0 && !isSwitch)
            {
                // Issue 17 item 3: a new dose of the same drug is the adjustment of a known treatment, unless a start verb
                // sits closer to this drug than the dose verb does ("on ajoute X et on augmente Y").
                var dose = ctx.Nearest(k, Marker.DoseChange, StartWindow);
                if (dose >= 0 && (start < 0 || ctx.Distance(k, dose) <= ctx.Distance(k, start)) && !IsLaterStep(ctx, k, dose))
                {
                    continue;
                }
            }
            if (confidence > 0)
            {
                // One drug replaced by another.
            }
            else if (start >= 0 && !ctx.IsNegated(start, 3) && (renewal < 0 || ctx.Distance(k, start) < ctx.Distance(k, renewal)))
            {
                confidence = 0.8f;
            }
            else if (renewal < 0 && ctx.Nearest(k, Marker.StartWeak, StartWindow) is var weak && weak >= 0 && !ctx.IsNegated(weak, 3)
                && !ctx.HasBefore(weak, Marker.Conditional, 4)
                && !((overTheCounter || (markers & Marker.Drug) == 0) && (ctx.Hits[weak].Markers & Marker.Take) != 0))
            {
                confidence = 0.7f;
            }
            else if (overTheCounter)
            {
                confidence = 0f;
            }
            else if ((markers & Marker.Drug) != 0 && renewal < 0 && IsPrescriptionLine(ctx, h))
            {
                // A drug, its dose and how to take it (TopicRules.Treatment.cs), in a sentence that renews nothing.
                confidence = 0.65f;
            }
            else if ((markers & Marker.Drug) != 0 && renewal < 0 && (sentence & Marker.Titration) != 0)
            {
                confidence = 0.7f;
            }
            else if ((markers & Marker.Drug) != 0 && (ctx.Message & Marker.Renewal) == 0 && (sentence & Marker.Schedule) != 0
                && !IsKnownDrugToNewDose(ctx, h))
            {
                // A dosing schedule for a named drug, in a message that renews nothing (« la metformine à 1000 mg » is a
                // known drug's new dose: TopicRules.Treatment.cs).
                confidence = 0.6f;
            }

            if (confidence > 0)
            {
                found.Add(ctx.CandidateAt(TopicCategory.NewTreatment, k, h.Fuzzy ? confidence * FuzzyFactor : confidence, weak: false));
            }
        }

        SubjectFollowsBody(ctx, found);
    }

    /// <summary>"Zopiclone taper" in the subject, "we'll reduce the zopiclone to 3.75 mg" in the body: the body says what
    /// happens to the drug. A subject's new treatment stands only if the body does not adjust the dose of the same drug
    /// without starting it.</summary>
    private static void SubjectFollowsBody(Context ctx, List<Candidate> found)
    {
        var kept = 0;
        for (var c = 0; c < found.Count; c++)
        {
            var candidate = found[c];
            var h = ctx.Hits[candidate.Hit];
            if (candidate.Category == TopicCategory.NewTreatment && IsSubject(ctx.Stream, h) && BodyAdjustsWithoutStarting(ctx, found, h))
            {
                continue;
            }

            found[kept++] = candidate;
        }

        found.RemoveRange(kept, found.Count - kept);
    }

    private static bool BodyAdjustsWithoutStarting(Context ctx, List<Candidate> found, Hit subjectHit)
    {
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        var named = false;
        for (var j = 0; j < hits.Length; j++)
        {
            if (hits[j].Terminal != subjectHit.Terminal || IsSubject(ctx.Stream, hits[j]))
            {
                continue;
            }

            named |= (ctx.Masks[hits[j].Sentence] & Marker.DoseChange) != 0;
            foreach (var c in found)
            {
                if (c.Hit == j && c.Category == TopicCategory.NewTreatment)
                {
                    return false;
                }
            }
        }

        return named;
    }

    /// <summary>One drug replaced by another: a switch verb ("remplacer", "switch to", "au lieu de") with another drug named
    /// in the message (the one replaced is often in the sentence before; a drug in the subject line is the same one under another name), or "on passe de … à …" naming two drugs in the
    /// sentence. "0,5 mg au lieu de 1 mg" replaces a dose, not a drug.</summary>
    private static bool IsSwitch(Context ctx, int k, Marker sentence)
    {
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        var s = hits[k].Sentence;
        var sameSentenceOnly = (sentence & Marker.Switch) == 0;
        if (sameSentenceOnly && (sentence & Marker.SwitchFrom) == 0)
        {
            return false;
        }

        for (var j = 0; j < hits.Length; j++)
        {
            if (j != k && (hits[j].Markers & Marker.Drug) != 0 && hits[j].Terminal != hits[k].Terminal
                && (sameSentenceOnly ? hits[j].Sentence == s : !IsSubject(ctx.Stream, hits[j])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Indirect phrasing: "we need to talk about the scan results in person". Results to be given in
    /// person are bad news; when the test is an oncology work-up (biopsy, scan, mammogram) it is oncology.</summary>
    private static void InPersonResults(Context ctx, List<Candidate> found)
    {
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        for (var k = 0; k < hits.Length; k++)
        {
            var h = hits[k];
            if ((h.Markers & Marker.InPerson) == 0)
            {
                continue;
            }

            // Only when nothing else explains the message: "the pathology will be reviewed in person" in a
            // condolence note is kindness, not a hidden diagnosis.
            var around = ctx.Masks[h.Sentence];
            if (found.Exists(c => c.Category != TopicCategory.NewTreatment))
            {
                continue;
            }

            if ((around & Marker.OncologyTest) != 0)
            {
                found.Add(ctx.CandidateAt(TopicCategory.Oncology, k, 0.55f, weak: false));
            }
            else if ((around & Marker.Results) != 0)
            {
                found.Add(ctx.CandidateAt(TopicCategory.NewDiagnosis, k, 0.5f, weak: false));
            }
        }
    }

    private static IReadOnlyList<Evidence> Clinical(Context ctx)
    {
        // Allocated on the first piece of evidence: a message without any allocates none.
        List<Evidence>? evidence = null;
        var hits = CollectionsMarshal.AsSpan(ctx.Hits);
        var tokens = ctx.Stream.Tokens;
        for (var k = 0; k < hits.Length && (evidence is null || evidence.Count < MaxClinicalEvidence); k++)
        {
            var h = hits[k];
            var m = h.Markers;
            if ((ctx.Masks[h.Sentence] & Marker.Fundraising) != 0)
            {
                continue;
            }

            if ((m & (Marker.Drug | Marker.Disease)) == 0 && (m & Marker.TestName) != 0)
            {
                // « Votre rendez-vous pour la prise de sang est jeudi » names a test and says nothing about the
                // patient's health; « la prise de sang montre une TSH à 12 » does. A test name is clinical only in a
                // sentence that gives a result (result, normal, abnormal words) or a value right after it.
                if ((ctx.Masks[h.Sentence] & ResultContext) != 0 || HasValueAfter(ctx, h))
                {
                    (evidence ??= []).Add(ctx.EvidenceOf(h, 0.7f));
                }
            }
            else if ((m & (Marker.Clinical | Marker.Drug | Marker.Disease)) != 0)
            {
                (evidence ??= []).Add(ctx.EvidenceOf(h, (m & Marker.Drug) != 0 ? 0.8f : 0.7f));
            }
            else if ((m & Marker.Unit) != 0 && h.First > 0 && tokens[h.First - 1].Sentence == h.Sentence
                && (tokens[h.First - 1].Flags & TokenFlags.Numeric) != 0)
            {
                // A dose or a lab value: "10 mg", "7,6 mmol/L".
                (evidence ??= []).Add(ctx.EvidenceOf(h, 0.6f));
            }
        }

        return evidence is null ? [] : evidence;
    }

    private const Marker ResultContext = Marker.Results | Marker.Normal | Marker.Abnormal | Marker.Announce | Marker.AnnounceStrong;

    /// <summary>A value right after a test name: "A1c 7.2", "PSA is 9.8", "TSH était 12". Not "à 10 h" nor "le 12":
    /// appointments are full of times and dates, so only a number that follows the name or a copula counts.</summary>
    private static bool HasValueAfter(Context ctx, Hit h)
    {
        var stream = ctx.Stream;
        var tokens = stream.Tokens;
        var next = h.Last + 1;
        if (next >= stream.Count || tokens[next].Sentence != h.Sentence)
        {
            return false;
        }

        if ((tokens[next].Flags & TokenFlags.Numeric) != 0)
        {
            return true;
        }

        return next + 1 < stream.Count && tokens[next + 1].Sentence == h.Sentence
            && (tokens[next + 1].Flags & TokenFlags.Numeric) != 0
            && (tokens[next].Flags & TokenFlags.Copula) != 0;
    }

    private static IReadOnlyList<TopicFinding> Group(Context ctx, List<Candidate> found)
    {
        if (found.Count == 0)
        {
            return [];
        }

        var topics = new List<TopicFinding>();

        found.Sort(static (a, b) => a.Category != b.Category ? a.Category.CompareTo(b.Category) : a.Hit.CompareTo(b.Hit));
        var i = 0;
        while (i < found.Count)
        {
            var category = found[i].Category;
            var end = i + 1;
            while (end < found.Count && found[end].Category == category)
            {
                end++;
            }

            var evidence = new List<Evidence>(end - i);
            var max = 0f;
            var lastHit = -1;
            for (; i < found.Count && found[i].Category == category; i++)
            {
                var c = found[i];
                max = Math.Max(max, c.Confidence);
                if (c.Hit == lastHit)
                {
                    // Same place, same category (two cues of one phrase): keep the stronger one.
                    if (c.Confidence > evidence[^1].Confidence)
                    {
                        evidence[^1] = evidence[^1] with { Confidence = Math.Round(c.Confidence, 2) };
                    }

                    continue;
                }

                lastHit = c.Hit;
                evidence.Add(ctx.EvidenceOf(ctx.Hits[c.Hit], c.Confidence));
            }

            topics.Add(new TopicFinding { Category = category, Confidence = Math.Round(max, 2), Evidence = evidence });
        }

        return topics;
    }

    private readonly record struct Candidate(TopicCategory Category, int Hit, int Terminal, float Confidence, bool Weak);

    /// <summary>What every rule reads: the hits, their tokens, the markers of each sentence and of the message. The window
    /// look-ups (<see cref="IsNegated"/>, <see cref="HasBefore"/>, <see cref="HasAfter"/>, <see cref="Nearest"/>) stay
    /// in the hit's sentence, so they first ask its mask (every marker of its hits, and more for a subject line) whether
    /// any hit there carries the marker: most sentences have none, and the scan is skipped.</summary>
    private sealed class Context
    {
        public Lexicon Lexicon { get; private set; } = null!;

        public TokenStream Stream { get; private set; } = null!;

        public List<Hit> Hits { get; private set; } = null!;

        public Marker[] Masks { get; private set; } = null!;

        public Marker Message { get; private set; }

        /// <summary>Largest sentence-mask buffer kept between checks (32 KB); a text with more sentences gets one of its own.</summary>
        private const int MaxKeptMasks = 4096;

        private Marker[] _maskBuffer = new Marker[64];

        /// <summary>One mask per sentence, all clear: this context's buffer when it is large enough.</summary>
        public Marker[] ClearedMasks(int count)
        {
            if (count > MaxKeptMasks)
            {
                return new Marker[count];
            }

            if (_maskBuffer.Length < count)
            {
                _maskBuffer = new Marker[Math.Max(count, _maskBuffer.Length * 2)];
                return _maskBuffer;
            }

            Array.Clear(_maskBuffer, 0, count);
            return _maskBuffer;
        }

        /// <summary>Evidence texts of this message's last hits (see <see cref="TextOf"/>), by first token.</summary>
        private const int KeptTexts = 16;

        private readonly (int First, string? Text)[] _texts = new (int, string?)[KeptTexts];

        public void Reset(Lexicon lexicon, TokenStream stream, List<Hit> hits, Marker[] masks, Marker message)
        {
            Array.Clear(_texts);
            Lexicon = lexicon;
            Stream = stream;
            Hits = hits;
            Masks = masks;
            Message = message;
        }

        /// <summary>A negation shortly before hit <paramref name="k"/> in its sentence, with no "mais"/"but" between.</summary>
        public bool IsNegated(int k, int window)
        {
            // The list's backing span: its indexer is not inlined for a struct this size, and these loops are hot.
            var hits = CollectionsMarshal.AsSpan(Hits);
            ref readonly var h = ref hits[k];
            if ((Masks[h.Sentence] & Marker.Negator) == 0)
            {
                // No negation in the sentence (its mask holds every marker of its hits): nothing to scan.
                return false;
            }

            for (var j = k - 1; j >= 0; j--)
            {
                ref readonly var o = ref hits[j];
                if (o.Sentence != h.Sentence || h.First - o.Last > window)
                {
                    return false;
                }

                var m = o.Markers;
                // « Contrast », and (detA round6) a new clause with its own subject and copula: « la TEP ne montre plus
                // aucune captation, vous êtes en rémission », "no mass seen, you are in remission".
                if ((m & (Marker.Contrast | Marker.AnnounceNear)) != 0)
                {
                    return false;
                }

                if ((m & Marker.Negator) != 0)
                {
                    // « Aucune autre captation : la tumeur est localisée »: a negation does not cross a colon.
                    return !ColonBetween(Stream, o.Last, h.First);
                }
            }

            return false;
        }

        public bool HasBefore(int k, Marker marker, int window)
        {
            var hits = CollectionsMarshal.AsSpan(Hits);
            ref readonly var h = ref hits[k];
            if ((Masks[h.Sentence] & marker) == 0)
            {
                // The sentence's mask holds every marker of its hits: none carries this one.
                return false;
            }

            for (var j = k - 1; j >= 0; j--)
            {
                ref readonly var o = ref hits[j];
                if (o.Sentence != h.Sentence || h.First - o.Last > window)
                {
                    return false;
                }

                if ((o.Markers & marker) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A hit carrying <paramref name="marker"/> within <paramref name="window"/> words after hit
        /// <paramref name="k"/>, in its sentence.</summary>
        public bool HasAfter(int k, Marker marker, int window)
        {
            var hits = CollectionsMarshal.AsSpan(Hits);
            ref readonly var h = ref hits[k];
            if ((Masks[h.Sentence] & marker) == 0)
            {
                return false;
            }

            for (var j = k + 1; j < hits.Length; j++)
            {
                ref readonly var o = ref hits[j];
                if (o.Sentence != h.Sentence || o.First - h.Last > window)
                {
                    return false;
                }

                if ((o.Markers & marker) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The closest hit carrying <paramref name="marker"/> in the same sentence, either side, or -1.</summary>
        public int Nearest(int k, Marker marker, int window)
        {
            var hits = CollectionsMarshal.AsSpan(Hits);
            var sentence = hits[k].Sentence;
            if ((Masks[sentence] & marker) == 0)
            {
                return -1;
            }

            int best = -1, bestDistance = int.MaxValue;
            for (var j = k - 1; j >= 0 && hits[j].Sentence == sentence; j--)
            {
                var d = Distance(k, j);
                if (d > window)
                {
                    break;
                }

                if ((hits[j].Markers & marker) != 0)
                {
                    best = j;
                    bestDistance = d;
                    break;
                }
            }

            for (var j = k + 1; j < hits.Length && hits[j].Sentence == sentence; j++)
            {
                var d = Distance(k, j);
                if (d > window || d >= bestDistance)
                {
                    break;
                }

                if ((hits[j].Markers & marker) != 0)
                {
                    return j;
                }
            }

            return best;
        }

        public int Distance(int a, int b)
        {
            var hits = CollectionsMarshal.AsSpan(Hits);
            ref readonly var x = ref hits[a];
            ref readonly var y = ref hits[b];
            return x.First > y.Last ? x.First - y.Last : y.First - x.Last;
        }

        public Candidate CandidateAt(TopicCategory category, int k, float confidence, bool weak) =>
            new(category, k, Hits[k].Terminal, confidence, weak);

        public Evidence EvidenceOf(Hit h, float confidence)
        {
            var tokens = Stream.Tokens;
            var first = tokens[h.First];
            var last = tokens[h.Last];
            var segment = Stream.Text.Segments[first.Segment];
            var length = last.Start + last.Length - first.Start;
            return new Evidence(segment.Part, first.Start, length, TextOf(h.First, segment.Text, first.Start, length), Math.Round(confidence, 2));
        }

        /// <summary>The words of the hit starting at token <paramref name="first"/>: one string per hit and message, shared
        /// by its pieces of evidence (a drug is often both a treatment's and the clinical signal's). Hits never overlap, so
        /// their first token names them.</summary>
        private string TextOf(int first, string text, int start, int length)
        {
            ref var slot = ref _texts[first & (KeptTexts - 1)];
            if (slot.First != first || slot.Text is null)
            {
                slot = (first, text.Substring(start, length));
            }

            return slot.Text;
        }
    }
}
