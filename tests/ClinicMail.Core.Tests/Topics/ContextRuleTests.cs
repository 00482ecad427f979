using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>The context rules of the detect21b round (docs/detection.md): each rule, in both languages where it reads
/// words, with the evidence it must keep.</summary>
[TestFixture]
public sealed class ContextRuleTests
{
    private static TopicAnalysis Analyze(string body, string subject = "") =>
        TopicDetector.Default.Analyze(CheckedText.FromParts(subject, body));

    private static IEnumerable<TopicCategory> Categories(TopicAnalysis analysis) => analysis.Topics.Select(t => t.Category);

    [TestCase("Your repeat chlamydia test after treatment is negative.", TestName = "Analyze_NegativeControlTestAfterTreatment_StillSexualHealth_En")]
    [TestCase("Votre test de contrôle après le traitement de la chlamydia est négatif.", TestName = "Analyze_NegativeControlTestAfterTreatment_StillSexualHealth_Fr")]
    public void Analyze_NegativeControlTestAfterTreatment_StillSexualHealth(string body)
    {
        Assert.That(Categories(Analyze(body)), Does.Contain(TopicCategory.SexualHealth));
    }

    [TestCase("Your chlamydia, gonorrhea, syphilis and HIV tests are all negative.", "STI screening", TestName = "Analyze_NegativeScreeningPanel_Clean_En")]
    [TestCase("Votre dépistage (chlamydia, gonorrhée, syphilis, VIH) est négatif.", "Dépistage ITSS", TestName = "Analyze_NegativeScreeningPanel_Clean_Fr")]
    public void Analyze_NegativeScreeningPanelUnderATestSubject_Clean(string body, string subject)
    {
        Assert.That(Analyze(body, subject).Topics, Is.Empty);
    }

    [TestCase("Vos idées noires ont-elles diminué avec la sertraline?", TestName = "Analyze_IdeationFollowedUp_MentalHealthNotEmotional_Fr")]
    [TestCase("Are your suicidal thoughts still there since we started the sertraline?", TestName = "Analyze_IdeationFollowedUp_MentalHealthNotEmotional_En")]
    public void Analyze_IdeationFollowedUpAsKnownSymptom_MentalHealthNotEmotional(string body)
    {
        var categories = Categories(Analyze(body)).ToList();
        Assert.That(categories, Does.Contain(TopicCategory.MentalHealth));
        Assert.That(categories, Does.Not.Contain(TopicCategory.Emotional));
    }

    [TestCase("Vous m'avez dit penser à en finir. Je vous ai réservé une place demain.", TestName = "Analyze_IdeationDisclosed_Emotional_Fr")]
    [TestCase("You told me you've been thinking about ending your life. I booked you tomorrow.", TestName = "Analyze_IdeationDisclosed_Emotional_En")]
    public void Analyze_IdeationDisclosed_StaysEmotional(string body)
    {
        Assert.That(Categories(Analyze(body)), Does.Contain(TopicCategory.Emotional));
    }

    [TestCase("Le test respiratoire est positif pour H. pylori.", "H. pylori", TestName = "Analyze_GenusInitial_DiagnosisWithEvidence_Fr")]
    [TestCase("The blisters on your side: this is shingles.", "shingles", TestName = "Analyze_CopulaBeforeDisease_Diagnosis_En")]
    [TestCase("Votre thyroïde ne produit pas assez d'hormones, c'est une hypothyroïdie.", "hypothyroïdie", TestName = "Analyze_NegationBeforeTheAnnouncement_Diagnosis_Fr")]
    public void Analyze_DiseaseAnnouncedRightBefore_NewDiagnosisWithOffsets(string body, string disease)
    {
        var finding = Analyze(body).Topics.Single(t => t.Category == TopicCategory.NewDiagnosis);
        var evidence = finding.Evidence.Single();
        Assert.That(evidence.Text, Is.EqualTo(disease));
        Assert.That(body.Substring(evidence.Offset, evidence.Length), Is.EqualTo(disease), "the pane highlights the evidence by its offset");
    }

    [TestCase("Ça ne veut pas dire que c'est un cancer, mais il faut une biopsie.", TestName = "Analyze_DeniedAnnouncement_NoDiagnosis_Fr")]
    [TestCase("This does not mean it is cancer, but we need a biopsy.", TestName = "Analyze_DeniedAnnouncement_NoDiagnosis_En")]
    [TestCase("La radio de contrôle montre que la fracture est bien guérie.", TestName = "Analyze_HealedFracture_NoDiagnosis_Fr")]
    public void Analyze_DeniedOrHealed_NoNewDiagnosis(string body)
    {
        Assert.That(Categories(Analyze(body)), Does.Not.Contain(TopicCategory.NewDiagnosis));
    }

    [TestCase("Pour le lorazépam, on continue de diminuer : 0,5 mg le soir au lieu de 1 mg pour 2 semaines.", TestName = "Analyze_DoseInsteadOfDose_NotNewTreatment_Fr")]
    [TestCase("Go up to metformin 1000 mg twice daily now that your stomach has settled.", TestName = "Analyze_GoUpTo_NotNewTreatment_En")]
    [TestCase("Prenez 2 comprimés de furosémide le matin pendant 3 jours, puis revenez à 1.", TestName = "Analyze_ThenBackTo_NotNewTreatment_Fr")]
    public void Analyze_DoseTargetOfTheSameDrug_NotNewTreatment(string body)
    {
        Assert.That(Categories(Analyze(body)), Does.Not.Contain(TopicCategory.NewTreatment));
    }

    [TestCase("Comme l'amlodipine vous fait enfler les chevilles, on la remplace par le périndopril 4 mg.", TestName = "Analyze_SwitchBetweenTwoDrugs_NewTreatment_Fr")]
    [TestCase("Since the atorvastatin gives you muscle aches, let's switch to ezetimibe 10 mg.", TestName = "Analyze_SwitchBetweenTwoDrugs_NewTreatment_En")]
    public void Analyze_SwitchBetweenTwoDrugs_NewTreatment(string body)
    {
        Assert.That(Categories(Analyze(body)), Does.Contain(TopicCategory.NewTreatment));
    }

    [TestCase("Smoking cannabis every night is making your anxiety worse.", TestName = "Analyze_SymptomOfASubstance_SubstanceOnly_En")]
    [TestCase("Fumer du cannabis tous les soirs aggrave votre anxiété.", TestName = "Analyze_SymptomOfASubstance_SubstanceOnly_Fr")]
    public void Analyze_SymptomOfASubstance_NotMentalHealth(string body)
    {
        var categories = Categories(Analyze(body)).ToList();
        Assert.That(categories, Does.Contain(TopicCategory.SubstanceUse));
        Assert.That(categories, Does.Not.Contain(TopicCategory.MentalHealth));
    }

    [TestCase("Le CISSS lance le programme de dépistage du cancer du poumon pour les anciens fumeurs.", TestName = "Analyze_ScreeningProgramme_NotOncology_Fr")]
    [TestCase("La radio montre une fracture du 5e métatarsien.", TestName = "Analyze_Metatarsal_NotOncology_Fr")]
    public void Analyze_EverydayOrProgramme_NotOncology(string body)
    {
        Assert.That(Categories(Analyze(body)), Does.Not.Contain(TopicCategory.Oncology));
    }

    [Test]
    public void Analyze_SameTextTwice_SameFindings()
    {
        const string body = "Le test de contrôle après le traitement de la chlamydia est négatif. On remplace l'amlodipine par le périndopril 4 mg.";
        var first = Analyze(body);
        var second = Analyze(body);
        Assert.That(second.Topics.Select(t => (t.Category, t.Confidence, string.Join("|", t.Evidence))),
            Is.EqualTo(first.Topics.Select(t => (t.Category, t.Confidence, string.Join("|", t.Evidence)))));
    }
}
