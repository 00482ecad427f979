using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>The announcement grammar and the hard-news rules of the detA21 round (docs/detection.md): each rule in both
/// languages, with the evidence (words and offsets) it must keep. Sentences written for these tests, not taken from any
/// held-out file.</summary>
[TestFixture]
public sealed class AnnouncementGrammarTests
{
    private static TopicAnalysis Analyze(string body) => TopicDetector.Default.Analyze(CheckedText.FromParts("", body));

    private static List<TopicCategory> Categories(string body) => [.. Analyze(body).Topics.Select(t => t.Category)];

    [TestCase("L'échographie abdominale met en évidence une lithiase vésiculaire.", "lithiase vésiculaire", TestName = "Analyze_ResultVerbAndTerminologyDisease_NewDiagnosis_Fr")]
    [TestCase("Your echocardiogram demonstrates moderate mitral regurgitation.", "mitral regurgitation", TestName = "Analyze_ResultVerbAndTerminologyDisease_NewDiagnosis_En")]
    [TestCase("Conclusion : syndrome d'apnées obstructives du sommeil sévère.", "syndrome d'apnées obstructives du sommeil", TestName = "Analyze_HeadingColonDisease_NewDiagnosis_Fr")]
    [TestCase("It turned out to be a kidney stone, 4 mm.", "kidney stone", TestName = "Analyze_TurnedOutToBe_NewDiagnosis_En")]
    public void Analyze_AnnouncedDisease_NewDiagnosisWithItsWords(string body, string words)
    {
        var finding = Analyze(body).Topics.Single(t => t.Category == TopicCategory.NewDiagnosis);
        var evidence = finding.Evidence.Single();
        Assert.That(evidence.Text, Is.EqualTo(words));
        Assert.That(body.Substring(evidence.Offset, evidence.Length), Is.EqualTo(words));
    }

    [TestCase("Votre prise de sang confirme une hypothyroïdie subclinique : la TSH est à 7,8 avec une T4 libre normale.", TestName = "Analyze_NormalWordInAnotherClause_StillNewDiagnosis_Fr")]
    [TestCase("The Holter was reassuring, but your blood work shows you've got type 2 diabetes.", TestName = "Analyze_NormalWordBeforeBut_StillNewDiagnosis_En")]
    public void Analyze_NormalResultInAnotherClause_StillNewDiagnosis(string body)
    {
        Assert.That(Categories(body), Does.Contain(TopicCategory.NewDiagnosis));
    }

    [TestCase("Si vous avez de la fièvre, ça pourrait être une pneumonie : consultez.", TestName = "Analyze_Hypothesis_Clean_Fr")]
    [TestCase("I've ordered a CT to rule out a kidney stone.", TestName = "Analyze_RuleOut_Clean_En")]
    [TestCase("La TEP ne montre aucune autre captation : la tumeur du poumon est localisée.", TestName = "Analyze_DeniedAnnouncementAcrossColon_NoNewDiagnosis_Fr")]
    [TestCase("The biopsy showed a benign fibroadenoma; nothing more to do.", TestName = "Analyze_BenignFindingNamed_Clean_En")]
    [TestCase("Comme votre frère a reçu un diagnostic de cancer du côlon, je vous recommande une coloscopie.", TestName = "Analyze_RelativesCancer_Clean_Fr")]
    public void Analyze_NotAnnouncedToTheReader_NoNewDiagnosis(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.NewDiagnosis));
    }

    [TestCase("Le cancer de la prostate est revenu deux ans après la chirurgie.", "est revenu", TestName = "Analyze_CancerRecurrence_EmotionalNotNew_Fr")]
    [TestCase("I'm sorry, the scan shows the cancer has come back in your liver.", "has come back", TestName = "Analyze_CancerRecurrence_EmotionalNotNew_En")]
    public void Analyze_CancerRecurrence_OncologyAndEmotionalNotNewDiagnosis(string body, string words)
    {
        var analysis = Analyze(body);
        var categories = analysis.Topics.Select(t => t.Category).ToList();
        Assert.That(categories, Does.Contain(TopicCategory.Oncology).And.Contain(TopicCategory.Emotional));
        Assert.That(categories, Does.Not.Contain(TopicCategory.NewDiagnosis));
        Assert.That(analysis.Topics.Single(t => t.Category == TopicCategory.Emotional).Evidence.Select(e => e.Text), Does.Contain(words));
    }

    [TestCase("Le neurologue m'a écrit : le pronostic est sombre et l'évolution se compte en mois.", TestName = "Analyze_PoorPrognosis_Emotional_Fr")]
    [TestCase("The ultrasound this morning confirmed that the baby has no heartbeat.", TestName = "Analyze_NoHeartbeat_Emotional_En")]
    [TestCase("Le transfert de votre père à l'USP est prévu demain.", TestName = "Analyze_PalliativeUnitTransfer_Emotional_Fr")]
    [TestCase("Based on the cognitive testing, your licence will be suspended.", TestName = "Analyze_LicenceSuspended_Emotional_En")]
    [TestCase("Il s'agit d'un glioblastome; le neurochirurgien vous verra demain.", TestName = "Analyze_GraveCancerAnnounced_Emotional_Fr")]
    public void Analyze_HardNewsWithoutEmotionalWords_Emotional(string body)
    {
        Assert.That(Categories(body), Does.Contain(TopicCategory.Emotional));
    }

    [TestCase("I'll be away next week for a family funeral; Dr. Patel will cover.", TestName = "Analyze_StaffFuneral_Clean_En")]
    [TestCase("Parking is available at the court behind the clinic.", TestName = "Analyze_CourtAsAPlace_Clean_En")]
    [TestCase("Hi, your skin cancer risk is lower with SPF 30 and a hat.", TestName = "Analyze_CancerRiskAfterSite_Clean_En")]
    public void Analyze_EverydaySense_Clean(string body)
    {
        Assert.That(Analyze(body).Topics, Is.Empty);
    }
}
