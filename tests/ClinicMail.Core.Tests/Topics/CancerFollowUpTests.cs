using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>detA round6 (docs/detection.md): how a cancer is followed up — a recurrence or a progression said as a noun, a
/// metastatic or advanced cancer, a suspicion that is not yet a diagnosis, remission and surveillance — and the
/// terminology added with it (suspicious masses, hereditary cancer syndromes, organisms of a positive culture, infertility,
/// early pregnancy loss, a prognosis in months). Sentences written for these tests, in both languages, none taken from the
/// development files or from a held-out file; each finding keeps its words and offsets.</summary>
[TestFixture]
public sealed class CancerFollowUpTests
{
    private static IReadOnlyList<TopicFinding> Topics(string body) => TopicDetector.Default.Analyze(CheckedText.FromParts("", body)).Topics;

    private static List<TopicCategory> Categories(string body) => [.. Topics(body).Select(t => t.Category)];

    [TestCase("Le scan de contrôle montre une récidive au niveau des ganglions du cou; l'oncologue vous appelle demain.", TestName = "Analyze_RecurrenceNounAnnounced_Emotional_Fr")]
    [TestCase("The CT shows disease progression in the liver despite chemo; we need to talk about options.", TestName = "Analyze_ProgressionNounAnnounced_Emotional_En")]
    [TestCase("L'APS qui remonte fait craindre une récidive du cancer; je vous réfère à l'urologue.", TestName = "Analyze_RecurrenceSuspected_Emotional_Fr")]
    [TestCase("L'IRM montre des lésions compatibles avec des métastases osseuses de votre cancer du poumon.", TestName = "Analyze_MetastasesOfKnownCancer_Emotional_Fr")]
    [TestCase("The CT shows liver lesions highly suspicious for an advanced cancer; please come in today.", TestName = "Analyze_AdvancedCancerSuspected_Emotional_En")]
    [TestCase("Le test génétique révèle un syndrome de Lynch.", TestName = "Analyze_HereditaryCancerSyndrome_Emotional_Fr")]
    [TestCase("The tests show premature ovarian failure; a pregnancy with your own eggs is very unlikely.", TestName = "Analyze_InfertilityCause_Emotional_En")]
    [TestCase("L'échographie montre une grossesse non évolutive; je suis désolée.", TestName = "Analyze_EarlyPregnancyLoss_Emotional_Fr")]
    [TestCase("On parle maintenant de quelques mois à vivre.", TestName = "Analyze_PrognosisInMonths_Emotional_Fr")]
    public void Analyze_HardNews_Emotional(string body)
    {
        Assert.That(Categories(body), Does.Contain(TopicCategory.Emotional));
    }

    [TestCase("Votre oncologue est content : le scan ne montre aucune récidive.", TestName = "Analyze_NoRecurrence_NotEmotional_Fr")]
    [TestCase("Le risque de récidive de votre cancer du sein est faible avec le létrozole, que vous continuez.", TestName = "Analyze_RiskOfRecurrence_NotEmotional_Fr")]
    [TestCase("Une rechute fait partie du rétablissement de l'alcool; on se revoit mardi.", TestName = "Analyze_SubstanceRelapse_NotEmotional_Fr")]
    [TestCase("Your progression in training is impressive; no knee injury on the MRI.", TestName = "Analyze_TrainingProgression_NotEmotional_En")]
    [TestCase("Voici un article sur les métastases osseuses pour votre cours de physiologie.", TestName = "Analyze_MetastasesInAnArticle_NotEmotional_Fr")]
    [TestCase("Vu vos antécédents de syndrome de Lynch, la coloscopie est aux deux ans.", TestName = "Analyze_KnownHereditarySyndrome_NotEmotional_Fr")]
    [TestCase("Vous avez 3 mois à vivre à Paris, profitez-en!", TestName = "Analyze_MonthsToLiveAbroad_NotEmotional_Fr")]
    [TestCase("There is no time left on your parking; the lot closes at 6.", TestName = "Analyze_NoTimeLeftParking_NotEmotional_En")]
    public void Analyze_EverydayOrNegated_NotEmotional(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.Emotional));
    }

    [TestCase("The biopsy is suspicious for papillary carcinoma; surgery will tell.", TestName = "Analyze_SuspiciousFor_NoNewDiagnosis_En")]
    [TestCase("Le scan montre une masse très suspecte d'un cancer du rein; je vous réfère en urologie.", TestName = "Analyze_SuspecteDun_NoNewDiagnosis_Fr")]
    [TestCase("The bone scan shows metastases from your prostate cancer.", TestName = "Analyze_MetastasesOfKnownCancer_NoNewDiagnosis_En")]
    public void Analyze_SuspicionOrKnownCancer_OncologyWithoutNewDiagnosis(string body)
    {
        var categories = Categories(body);
        Assert.That(categories, Does.Contain(TopicCategory.Oncology));
        Assert.That(categories, Does.Not.Contain(TopicCategory.NewDiagnosis));
    }

    [TestCase("Bonne nouvelle : la TEP ne montre plus aucune captation, vous êtes en rémission. Prochain scan de surveillance en juin.", TestName = "Analyze_RemissionAfterNegatedFinding_Oncology_Fr")]
    [TestCase("Your bone marrow biopsy shows you're still in remission.", TestName = "Analyze_StillInRemission_Oncology_En")]
    [TestCase("Votre formule sanguine montre des blastes; je vous envoie en hémato demain matin.", TestName = "Analyze_BlastsOnBloodCount_Oncology_Fr")]
    [TestCase("The colonoscopy found a large ulcerated mass in the right colon.", TestName = "Analyze_UlceratedMass_Oncology_En")]
    public void Analyze_FollowUpOrSuspiciousFinding_Oncology(string body)
    {
        Assert.That(Categories(body), Does.Contain(TopicCategory.Oncology));
    }

    [TestCase("Vous êtes en rémission de votre maladie de Crohn; on garde la même dose.", TestName = "Analyze_CrohnRemission_NotOncology_Fr")]
    [TestCase("You are in remission from your depression; keep the sertraline.", TestName = "Analyze_DepressionRemission_NotOncology_En")]
    public void Analyze_RemissionOfAnotherDisease_NotOncology(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.Oncology));
    }

    [TestCase("Le frottis de gorge est positif pour le streptocoque du groupe A.", "streptocoque du groupe A", TestName = "Analyze_PositiveStrepTest_NewDiagnosis_Fr")]
    [TestCase("The urine culture grew Klebsiella, sensitive to nitrofurantoin.", "Klebsiella", TestName = "Analyze_CultureGrewOrganism_NewDiagnosis_En")]
    [TestCase("Le test génétique révèle un syndrome de Lynch.", "syndrome de Lynch", TestName = "Analyze_GeneticResult_NewDiagnosis_Fr")]
    public void Analyze_OrganismOrSyndromeAnnounced_NewDiagnosisWithEvidence(string body, string words)
    {
        var finding = Topics(body).Single(t => t.Category == TopicCategory.NewDiagnosis);
        var evidence = finding.Evidence.Single(e => e.Text == words);
        Assert.That(body.Substring(evidence.Offset, words.Length), Is.EqualTo(words));
    }

    [TestCase("Comme on suspecte une chlamydia, je vous prescris de l'azithromycine 1 g en une dose.", TestName = "Analyze_EmpiricalTreatmentOfSuspectedInfection_NewTreatment_Fr")]
    [TestCase("The lesion looks suspicious, so I'm starting you on imiquimod 5% cream three times a week.", TestName = "Analyze_TreatmentBesideSuspiciousLesion_NewTreatment_En")]
    public void Analyze_SuspicionBesideAPrescription_StillNewTreatment(string body)
    {
        Assert.That(Categories(body), Does.Contain(TopicCategory.NewTreatment));
    }

    [TestCase("Le test rapide du streptocoque est négatif : c'est un virus.", TestName = "Analyze_NegativeStrepTest_NoNewDiagnosis_Fr")]
    [TestCase("Le vaccin contre le rotavirus est offert à 2 et 4 mois.", TestName = "Analyze_RotavirusVaccine_NoNewDiagnosis_Fr")]
    public void Analyze_NegativeOrVaccine_NoNewDiagnosis(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.NewDiagnosis));
    }
}
