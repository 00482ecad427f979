using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>prec21 follow-up (docs/detection.md): the announcement and hard-news rules in the ordinary sense of their words
/// — a course that takes weeks, a cold antibiotics cannot cure, a residence named, a hearing test, a pet, a device, a job
/// posting, people in general — stay clean, and the hard news they were written for still counts. Sentences written for
/// these tests, in both languages; none comes from a held-out file.</summary>
[TestFixture]
public sealed class EverydaySenseOfHardNewsTests
{
    private static List<TopicCategory> Categories(string body) =>
        [.. TopicDetector.Default.Analyze(CheckedText.FromParts("", body)).Topics.Select(t => t.Category)];

    [TestCase("Healing of the fracture usually takes weeks to months; the cast comes off in six weeks.", TestName = "Analyze_CourseWeeksToMonths_NotEmotional_En")]
    [TestCase("La cicatrisation de la plaie prend quelques semaines à quelques mois; gardez le pansement sec.", TestName = "Analyze_CourseWeeksToMonths_NotEmotional_Fr")]
    [TestCase("Viral bronchitis cannot be cured by antibiotics; honey and rest help the cough.", TestName = "Analyze_CannotBeCuredByAntibiotics_NotEmotional_En")]
    [TestCase("No further treatment is required for the wart; it is gone.", TestName = "Analyze_NoFurtherTreatmentRequired_NotEmotional_En")]
    [TestCase("Your father's nursing home needs his updated medication list by Friday.", TestName = "Analyze_NursingHomeNamed_NotEmotional_En")]
    [TestCase("Your hearing date at the audiology clinic has been moved to April 4.", TestName = "Analyze_HearingTestDate_NotEmotional_En")]
    [TestCase("I heard your cat died last week; your appointment is moved to Tuesday.", TestName = "Analyze_PetDied_NotEmotional_En")]
    [TestCase("The CT confirmed that the kidney stone has passed.", TestName = "Analyze_StoneHasPassed_NotEmotional_En")]
    [TestCase("Our family medicine group is hiring a nurse for the palliative care team.", TestName = "Analyze_JobPosting_NotEmotional_En")]
    public void Analyze_EverydaySense_NotEmotional(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.Emotional));
    }

    [TestCase("The research shows that patients with asthma do better with a written action plan.", TestName = "Analyze_PeopleInGeneral_NoNewDiagnosis_En")]
    [TestCase("Les études montrent que les personnes atteintes d'apnée du sommeil dorment mieux avec un CPAP.", TestName = "Analyze_PeopleInGeneral_NoNewDiagnosis_Fr")]
    [TestCase("You've got an appointment for your hypertension follow-up on the 3rd.", TestName = "Analyze_AppointmentForKnownDisease_NoNewDiagnosis_En")]
    [TestCase("The article suggests that coffee may lower the risk of liver cancer.", TestName = "Analyze_RiskOfDisease_NoNewDiagnosis_En")]
    [TestCase("L'article montre que la marche diminue le risque de diabète de type 2.", TestName = "Analyze_RiskOfDisease_NoNewDiagnosis_Fr")]
    [TestCase("Your bone density test shows osteopenia, unchanged from two years ago.", TestName = "Analyze_UnchangedFinding_NoNewDiagnosis_En")]
    [TestCase("You have asthma, so you qualify for the free flu shot this fall.", TestName = "Analyze_ConditionMakesEligible_NoNewDiagnosis_En")]
    [TestCase("Vous avez de l'asthme, donc vous avez droit au vaccin gratuit contre la grippe.", TestName = "Analyze_ConditionMakesEligible_NoNewDiagnosis_Fr")]
    [TestCase("Query gout: the uric acid and the joint fluid will tell us.", TestName = "Analyze_QueryDisease_NoNewDiagnosis_En")]
    public void Analyze_NotTheReadersNewDisease_NoNewDiagnosis(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.NewDiagnosis));
    }

    [TestCase("À cause du cancer du côlon de votre père, la coloscopie est recommandée dès 40 ans.", TestName = "Analyze_RelativesCancerNamedAfter_NotOncology_Fr")]
    public void Analyze_RelativesCancer_NotOncology(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.Oncology));
    }

    [TestCase("The oncologist says the prognosis is poor; we are talking about weeks to months.", TestName = "Analyze_PoorPrognosisWeeksToMonths_Emotional_En")]
    [TestCase("Le pronostic est réservé : on parle de quelques semaines à quelques mois.", TestName = "Analyze_PoorPrognosisWeeksToMonths_Emotional_Fr")]
    [TestCase("Unfortunately the lung cancer has spread to the liver and cannot be cured.", TestName = "Analyze_CancerCannotBeCured_Emotional_En")]
    [TestCase("I'm so sorry: your husband passed away peacefully this morning.", TestName = "Analyze_DeathOfHusband_Emotional_En")]
    [TestCase("Your mother can no longer live alone; we have started the long-term care application.", TestName = "Analyze_NoLongerLiveAlone_Emotional_En")]
    public void Analyze_HardNews_StillEmotional(string body)
    {
        Assert.That(Categories(body), Does.Contain(TopicCategory.Emotional));
    }
}
