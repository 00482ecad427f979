using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>Real French and English sentences, one robustness axis at a time.</summary>
[TestFixture]
public sealed class TopicDetectorTests
{
    private static readonly TopicDetector Detector = TopicDetector.Default;

    private static TopicAnalysis Analyze(string body, string subject = "") =>
        Detector.Analyze(CheckedText.FromParts(subject, body));

    private static HashSet<TopicCategory> Categories(string body) =>
        [.. Analyze(body).Topics.Select(t => t.Category)];

    // Each category, French and English, written plainly.
    [TestCase("Vous souffrez d'un trouble bipolaire de type 2, on en reparle jeudi.", TopicCategory.MentalHealth)]
    [TestCase("Le psychiatre vous recevra mardi prochain à 14 h.", TopicCategory.MentalHealth)]
    [TestCase("Your anxiety disorder is something we can treat together.", TopicCategory.MentalHealth)]
    [TestCase("I have referred you to the early psychosis program at the hospital.", TopicCategory.MentalHealth)]
    [TestCase("La biopsie montre un carcinome; je vous appelle cet après-midi.", TopicCategory.Oncology)]
    [TestCase("Votre prochain cycle de chimio est prévu lundi à l'hôpital de jour.", TopicCategory.Oncology)]
    [TestCase("The oncologist will see you on Friday to plan the radiotherapy.", TopicCategory.Oncology)]
    [TestCase("The CT shows a suspicious mass in the left kidney, so I have asked for a biopsy.", TopicCategory.Oncology)]
    [TestCase("Votre test de dépistage du cancer colorectal est positif; je vous réfère en coloscopie.", TopicCategory.Oncology)]
    [TestCase("On a parlé de ta consommation de cocaïne et du centre de réadaptation en dépendance.", TopicCategory.SubstanceUse)]
    [TestCase("Your methadone dose stays at 80 mg; see you at the clinic Thursday.", TopicCategory.SubstanceUse)]
    [TestCase("Congratulations on your decision to quit smoking, the nicotine patch starts Monday.", TopicCategory.SubstanceUse)]
    [TestCase("Votre test de dépistage est positif pour la gonorrhée.", TopicCategory.SexualHealth)]
    [TestCase("Your STI screening came back positive for chlamydia.", TopicCategory.SexualHealth)]
    [TestCase("Votre charge virale VIH est indétectable et votre Biktarvy est renouvelé.", TopicCategory.SexualHealth)]
    [TestCase("Je suis profondément désolée pour le décès de votre mère.", TopicCategory.Emotional)]
    [TestCase("The palliative care team will visit you at home on Monday.", TopicCategory.Emotional)]
    [TestCase("Si la violence conjugale reprend, SOS violence conjugale répond jour et nuit.", TopicCategory.Emotional)]
    [TestCase("L'échographie confirme malheureusement une grossesse arrêtée, une fausse couche.", TopicCategory.Emotional)]
    [TestCase("Vos analyses confirment un diabète de type 2.", TopicCategory.NewDiagnosis)]
    [TestCase("The sleep study shows severe obstructive sleep apnea.", TopicCategory.NewDiagnosis)]
    [TestCase("Your bone density scan shows osteoporosis at the hip.", TopicCategory.NewDiagnosis)]
    [TestCase("Je vous ai prescrit du ramipril 5 mg une fois par jour.", TopicCategory.NewTreatment)]
    [TestCase("We are starting metformin 500 mg with supper this week.", TopicCategory.NewTreatment)]
    [TestCase("On commence l'insuline ce soir, l'infirmière vous montrera le stylo.", TopicCategory.NewTreatment)]
    [TestCase("Votre ferritine est basse: je vous ai prescrit du fer aux deux jours.", TopicCategory.NewTreatment)]
    [TestCase("The hematology team confirmed your first cycle of R-CHOP on Tuesday.", TopicCategory.NewTreatment)]
    public void Analyze_PlainSentence_FindsCategory(string text, TopicCategory expected) =>
        Assert.That(Categories(text), Does.Contain(expected));

    // Accents missing, capitals, plurals and feminine forms.
    [TestCase("vos resultats montrent une depression majeure", TopicCategory.MentalHealth)]
    [TestCase("VOTRE DÉPRESSION MAJEURE SE TRAITE BIEN.", TopicCategory.MentalHealth)]
    [TestCase("Elle est très déprimée et a des idées suicidaires depuis lundi.", TopicCategory.MentalHealth)]
    [TestCase("Les lésions sont précancéreuses et doivent être retirées.", TopicCategory.Oncology)]
    [TestCase("les metastases hepatiques ont diminue depuis la chimiotherapie", TopicCategory.Oncology)]
    [TestCase("Les infections transmissibles sexuellement se dépistent facilement ici.", TopicCategory.SexualHealth)]
    [TestCase("Merci de venir à la rencontre pour les personnes endeuillées.", TopicCategory.Emotional)]
    [TestCase("hepatite c active, on en parle demain", TopicCategory.SexualHealth)]
    public void Analyze_AccentsCasePluralsFeminine_FindsCategory(string text, TopicCategory expected) =>
        Assert.That(Categories(text), Does.Contain(expected));

    // Phone typos: a doubled or missing letter, two letters swapped in a longer word, "f" for "ph".
    [TestCase("On parle de votre schizofrenie demain.", TopicCategory.MentalHealth)]
    [TestCase("Votre chimiothérapiie commence lundi.", TopicCategory.Oncology)]
    [TestCase("Le rapport confirme un mélanomme.", TopicCategory.Oncology)]
    [TestCase("Your syphillis test needs a repeat.", TopicCategory.SexualHealth)]
    [TestCase("She was diagnosed with a lymphmoa last year.", TopicCategory.Oncology)]
    [TestCase("Ton rdv pour la buprénorphie est jeudi.", TopicCategory.SubstanceUse)]
    [TestCase("Sincères condoléacnes à toute la famille.", TopicCategory.Emotional)]
    [TestCase("Le rapport de l'oncolgue est arrivé.", TopicCategory.Oncology)]
    [TestCase("Your depresion screening questionnaire scored high.", TopicCategory.MentalHealth)]
    public void Analyze_CommonTypos_FindsCategory(string text, TopicCategory expected) =>
        Assert.That(Categories(text), Does.Contain(expected));

    [TestCase("Votre chimiothréapie commence lundi.", "Votre chimiothérapie commence lundi.", TopicCategory.Oncology)]
    [TestCase("Your lymphmoa is responding.", "Your lymphoma is responding.", TopicCategory.Oncology)]
    public void Analyze_SwappedLetters_ConfidenceBelowExactSpelling(string typo, string exact, TopicCategory category)
    {
        var fuzzy = Analyze(typo).Topics.Single(t => t.Category == category).Confidence;
        var direct = Analyze(exact).Topics.Single(t => t.Category == category).Confidence;
        Assert.That(fuzzy, Is.LessThan(direct));
    }

    // Abbreviations and acronyms, as clinicians write them.
    [TestCase("Résultats ITSS à discuter.", TopicCategory.SexualHealth)]
    [TestCase("Votre dépistage des ITS est prévu mardi.", TopicCategory.SexualHealth)]
    [TestCase("Test VIH à refaire dans 3 mois.", TopicCategory.SexualHealth)]
    [TestCase("HIV PrEP follow-up next week.", TopicCategory.SexualHealth)]
    [TestCase("Your STBBI panel is scheduled for Monday.", TopicCategory.SexualHealth)]
    [TestCase("La clinique TAO vous attend jeudi.", TopicCategory.SubstanceUse)]
    [TestCase("Évaluation du TDAH de Léa le 3 mai.", TopicCategory.MentalHealth)]
    [TestCase("ADHD follow-up with the school nurse.", TopicCategory.MentalHealth)]
    [TestCase("Le prochain cycle de chimio est reporté.", TopicCategory.Oncology)]
    [TestCase("Début de la radiothérapie le 12.", TopicCategory.Oncology)]
    [TestCase("PTSD group sessions restart in September.", TopicCategory.MentalHealth)]
    public void Analyze_Abbreviation_FindsCategory(string text, TopicCategory expected) =>
        Assert.That(Categories(text), Does.Contain(expected));

    // Drug names that reveal the condition, with a lower confidence than the condition named outright.
    [TestCase("Votre Seroquel est prêt à la pharmacie.", TopicCategory.MentalHealth)]
    [TestCase("Keep taking the escitalopram every morning.", TopicCategory.MentalHealth)]
    [TestCase("Le Suboxone est renouvelé pour 4 semaines.", TopicCategory.SubstanceUse)]
    [TestCase("Your disulfiram refill is at the pharmacy.", TopicCategory.SubstanceUse)]
    [TestCase("Le tamoxifène est renouvelé pour un an.", TopicCategory.Oncology)]
    [TestCase("FOLFOX cycle 3 is confirmed for Tuesday.", TopicCategory.Oncology)]
    [TestCase("Le Truvada est prêt, prends-le tous les jours.", TopicCategory.SexualHealth)]
    [TestCase("The naltrexone refill was faxed this morning.", TopicCategory.SubstanceUse)]
    public void Analyze_RevealingDrug_FindsCategoryBelowDirectConfidence(string text, TopicCategory expected)
    {
        var finding = Analyze(text).Topics.SingleOrDefault(t => t.Category == expected);
        Assert.That(finding, Is.Not.Null);
        Assert.That(finding!.Confidence, Is.LessThan(0.9));
    }

    // Indirect phrasing: the condition is implied, not named.
    [TestCase("Le psychiatre vous recevra jeudi matin.", TopicCategory.MentalHealth)]
    [TestCase("La biopsie montre un carcinome canalaire.", TopicCategory.Oncology)]
    [TestCase("We need to talk about the scan results in person.", TopicCategory.Oncology)]
    [TestCase("Your partner notification card is attached; please share it.", TopicCategory.SexualHealth)]
    [TestCase("The nurse from the OAT clinic will call you tomorrow.", TopicCategory.SubstanceUse)]
    [TestCase("Nous avons rempli le formulaire de niveau de soins avec votre fille.", TopicCategory.Emotional)]
    public void Analyze_IndirectPhrasing_FindsCategory(string text, TopicCategory expected) =>
        Assert.That(Categories(text), Does.Contain(expected));

    // Non-clinical senses and announcements.
    [TestCase("Une dépression tropicale apportera de la pluie demain.")]
    [TestCase("La dépression qui arrive apportera 20 cm de neige et du vent.")]
    [TestCase("Le traitement de texte de la réception ne fonctionne plus.")]
    [TestCase("Please wait in the treatment room; the nurse will be right there.")]
    [TestCase("We have run out of alcohol swabs at the front desk.")]
    [TestCase("Les tampons d'alcool sont dans le tiroir du haut.")]
    [TestCase("Le délai de traitement de votre demande est de 10 jours.")]
    [TestCase("Our team is walking in the Relay for Life to raise money for cancer research.")]
    [TestCase("La clinique amasse des dons pour la Société canadienne du cancer ce samedi.")]
    [TestCase("Your glucometer takes a lithium battery, available at any pharmacy.")]
    [TestCase("Le sevrage de l'allaitement peut se faire graduellement.")]
    [TestCase("The clinic will be closed Monday for the holiday.")]
    public void Analyze_NonClinicalSense_FindsNothingSensitive(string text) =>
        Assert.That(Analyze(text).Topics, Is.Empty);

    // « Informer le patient du résultat normal » is an acceptable use: normal results are not sensitive.
    [TestCase("Votre dépistage ITSS est négatif, rien à faire.")]
    [TestCase("Your HIV and syphilis tests are negative.")]
    [TestCase("Votre mammographie est normale, aucun signe de cancer.")]
    [TestCase("The colonoscopy was normal, no polyps and no cancer.")]
    [TestCase("Le test Pap est normal et le test VPH est négatif.")]
    [TestCase("Votre radiographie pulmonaire ne montre pas de masse.")]
    [TestCase("Your bone density is normal, no osteoporosis.")]
    public void Analyze_NormalResult_FindsNothingSensitive(string text) =>
        Assert.That(Analyze(text).Topics, Is.Empty);

    // Drugs used outside their usual class are labelled by their use in the message (corpus rule).
    [TestCase("J'ai prescrit de l'amitriptyline 10 mg au coucher pour prévenir vos migraines.", TopicCategory.MentalHealth)]
    [TestCase("Le méthotrexate chaque semaine traite votre polyarthrite rhumatoïde.", TopicCategory.Oncology)]
    [TestCase("Lupron will put the endometriosis to rest for six months.", TopicCategory.Oncology)]
    public void Analyze_DrugUsedForOtherIndication_DoesNotFindDrugClass(string text, TopicCategory notExpected) =>
        Assert.That(Categories(text), Does.Not.Contain(notExpected));

    [TestCase("Votre ordonnance de sertraline est renouvelée pour un an, même dose.")]
    [TestCase("Your atorvastatin was renewed for 12 months, same dose as before.")]
    [TestCase("On continue le Synthroid 100 mcg sans changement.")]
    public void Analyze_Renewal_IsNotNewTreatment(string text) =>
        Assert.That(Categories(text), Does.Not.Contain(TopicCategory.NewTreatment));

    [TestCase("Votre diabète est bien contrôlé, A1c à 6,8 %.")]
    [TestCase("Your COPD is stable since the last visit.")]
    [TestCase("Aucun signe d'hypertension à la MAPA.")]
    public void Analyze_KnownOrRuledOutDisease_IsNotNewDiagnosis(string text) =>
        Assert.That(Categories(text), Does.Not.Contain(TopicCategory.NewDiagnosis));

    [Test]
    public void Analyze_SafetyNetAboutDarkThoughts_IsMentalHealthButNotEmotional()
    {
        var categories = Categories("Si vous avez des idées noires, appelez le 1 866 APPELLE ou allez à l'urgence.");
        Assert.That(categories, Does.Contain(TopicCategory.MentalHealth));
        Assert.That(categories, Does.Not.Contain(TopicCategory.Emotional));
    }

    [Test]
    public void Analyze_QuotedHistory_EvidenceKeepsQuotedPart()
    {
        var text = CheckedText.FromParts("RE: question", "Merci, je vous réponds demain.", "> Est-ce que mon test VIH est revenu positif?");
        var finding = Detector.Analyze(text).Topics.Single(t => t.Category == TopicCategory.SexualHealth);
        Assert.That(finding.Evidence.All(e => e.Part == TextPart.Quoted), Is.True);
        Assert.That(finding.QuotedOnly, Is.True);
    }

    [Test]
    public void Analyze_SubjectAndBody_EvidenceNamesEachPart()
    {
        var text = CheckedText.FromParts("Résultat de votre biopsie", "La biopsie confirme un lymphome; l'hématologue vous appellera.");
        var oncology = Detector.Analyze(text).Topics.Single(t => t.Category == TopicCategory.Oncology);
        Assert.That(oncology.Evidence.Select(e => e.Part), Does.Contain(TextPart.Body));
        Assert.That(oncology.Evidence.Select(e => e.Part), Does.Contain(TextPart.Subject));
    }

    [TestCase("Bonjour M. Côté,\n\nVotre schizophrénie est stable; on continue la clozapine 300 mg.\n\nDre Lise Côté")]
    [TestCase("Hi Tom, your Crohn's disease and the œdème: let's start adalimumab. The biopsy shows no cancer.")]
    [TestCase("résultats: VIH-négatif; syphillis positive; chimio le 3; l'alcool et la cocaïne; décès de M. Roy")]
    [TestCase("Cœur: ÉCHOGRAPHIE normale. Le TDAH d'Émile: on débute le Vyvanse 20 mg demain.")]
    public void Analyze_AnyText_EvidenceOffsetsPointAtTheOriginalText(string body)
    {
        var text = CheckedText.FromParts("Sujet: résultats de la biopsie", body, "> texte cité: dépression majeure");
        var analysis = Detector.Analyze(text);
        var all = analysis.Topics.SelectMany(t => t.Evidence).Concat(analysis.ClinicalEvidence).ToList();
        Assert.That(all, Is.Not.Empty);
        foreach (var e in all)
        {
            var part = text.Segments.Single(s => s.Part == e.Part).Text;
            Assert.That(part.Substring(e.Offset, e.Length), Is.EqualTo(e.Text));
            Assert.That(e.Confidence, Is.InRange(0.0, 1.0));
        }
    }

    [Test]
    public void Analyze_SeveralMentionsOfOneCategory_OneFindingWithAllEvidenceAndMaxConfidence()
    {
        var analysis = Analyze("Le psychiatre confirme la schizophrénie. La rispéridone est renouvelée.");
        var mental = analysis.Topics.Where(t => t.Category == TopicCategory.MentalHealth).ToList();
        Assert.That(mental, Has.Count.EqualTo(1));
        Assert.That(mental[0].Evidence.Select(e => e.Text), Is.SupersetOf(new[] { "psychiatre", "schizophrénie", "rispéridone" }));
        Assert.That(mental[0].Confidence, Is.EqualTo(mental[0].Evidence.Max(e => e.Confidence)));
        Assert.That(mental[0].Confidence, Is.GreaterThanOrEqualTo(0.9));
    }

    [TestCase("Votre prise de sang montre une ferritine à 8, il faut du fer.")]
    [TestCase("Your potassium is 5.9 mmol/L, please repeat the blood test tomorrow.")]
    [TestCase("L'ordonnance d'amoxicilline 500 mg est à la pharmacie.")]
    [TestCase("La radiographie du poignet montre une fracture.")]
    public void Analyze_ClinicalButNotSensitive_ReportsClinicalEvidence(string text)
    {
        var analysis = Analyze(text);
        Assert.That(analysis.ClinicalEvidence, Is.Not.Empty);
        Assert.That(analysis.IsClinical, Is.True);
    }

    [TestCase("Votre rendez-vous est déplacé à jeudi 14 h 30.")]
    [TestCase("Please bring your health insurance card to your appointment on Monday.")]
    [TestCase("La clinique sera fermée le 24 juin pour la Fête nationale.")]
    public void Analyze_AppointmentOrAdministrative_IsNotClinical(string text)
    {
        var analysis = Analyze(text);
        Assert.That(analysis.IsClinical, Is.False);
    }

    [Test]
    public void Analyze_EmptyText_ReturnsEmpty() =>
        Assert.That(Detector.Analyze(new CheckedText([])), Is.SameAs(TopicAnalysis.Empty));

    [Test]
    public void Analyze_ConcurrentCalls_ReturnTheSameFindings()
    {
        var text = CheckedText.FromParts("Suivi", "La biopsie confirme un carcinome. On commence le tamoxifène. Votre dépistage ITSS est positif.");
        var expected = Detector.Analyze(text).Topics.Select(t => t.Category).ToList();
        var results = new List<TopicCategory>[64];
        Parallel.For(0, results.Length, i => results[i] = [.. Detector.Analyze(text).Topics.Select(t => t.Category)]);
        Assert.That(results, Has.All.EquivalentTo(expected));
    }
}
