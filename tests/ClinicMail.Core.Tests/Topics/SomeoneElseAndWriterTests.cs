using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>detB round 6 (docs/detection.md): whose news it is. Someone else's illness named with a possessive or « de »
/// (a spouse, a friend, a colleague, a pet) is not the reader's diagnosis; the writer's own loss is not the reader's hard
/// news; fixed expressions and everyday senses stay clean — and the reader's own news beside the same words still
/// counts. Sentences written for these tests, in both languages; none comes from a held-out file.</summary>
[TestFixture]
public sealed class SomeoneElseAndWriterTests
{
    private static List<TopicCategory> Categories(string body) =>
        [.. TopicDetector.Default.Analyze(CheckedText.FromParts("", body)).Topics.Select(t => t.Category)];

    [TestCase("Your husband's biopsy showed prostate cancer; he asked me to let you know he will call tonight.", TestName = "Analyze_HusbandsCancer_NotReaders_En")]
    [TestCase("A coworker of yours tested positive for tuberculosis, so public health wants you to have a skin test.", TestName = "Analyze_CoworkersInfection_NotReaders_En")]
    [TestCase("Your business partner's cancer is hard news for the company; take care of yourself too.", TestName = "Analyze_BusinessPartnersCancer_NotReaders_En")]
    [TestCase("Your dog's diagnosis of diabetes sounds stressful; the vet will show you the insulin.", TestName = "Analyze_PetsDiagnosis_NotReaders_En")]
    [TestCase("Le diagnostic de votre conjoint est un diabète de type 2; vous pouvez l'accompagner jeudi.", TestName = "Analyze_SpousesDiagnosis_NotReaders_Fr")]
    public void Analyze_SomeoneElsesIllness_NoNewDiagnosisNorOncology(string body)
    {
        var categories = Categories(body);
        Assert.That(categories, Does.Not.Contain(TopicCategory.NewDiagnosis).And.Not.Contain(TopicCategory.Oncology));
    }

    [TestCase("Your husband called me; the biopsy shows a lymphoma and I would like to see you both tomorrow.", TestName = "Analyze_SpouseNamedBesideReadersCancer_StillFound_En")]
    [TestCase("Votre conjoint peut vous accompagner : la biopsie confirme un cancer du sein.", TestName = "Analyze_SpouseNamedBesideReadersCancer_StillFound_Fr")]
    public void Analyze_SpouseNamedBesideReadersOwnNews_StillFound(string body)
    {
        var categories = Categories(body);
        Assert.That(categories, Does.Contain(TopicCategory.NewDiagnosis).And.Contain(TopicCategory.Oncology));
    }

    [TestCase("My grandmother passed away at 98 last month, so I was away; sorry for the delay with your forms.", TestName = "Analyze_WritersOwnLoss_NotEmotional_En")]
    [TestCase("Mon père est décédé la semaine dernière; désolée du délai pour votre formulaire.", TestName = "Analyze_WritersOwnLoss_NotEmotional_Fr")]
    [TestCase("Bonjour, mon ordinateur a rendu l'âme ce matin; pourriez-vous renvoyer le formulaire?", TestName = "Analyze_MachineGaveUp_NotEmotional_Fr")]
    [TestCase("The mourning doves are nesting by the clinic door again; please use the side entrance.", TestName = "Analyze_MourningDove_NotEmotional_En")]
    [TestCase("The court date for your parking ticket can be moved; I've written the note about your ankle.", TestName = "Analyze_TrafficTicketCourt_NotEmotional_En")]
    [TestCase("Please complete your advance directive form at your next visit; we ask every adult over 65.", TestName = "Analyze_RoutineAdvanceDirectiveForm_NotEmotional_En")]
    public void Analyze_NotTheReadersHardNews_NotEmotional(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.Emotional));
    }

    [TestCase("I'm so sorry to tell you that your grandmother passed away this morning.", TestName = "Analyze_ReadersGrandmotherDied_Emotional_En")]
    [TestCase("Le fentanyl acheté dans la rue a failli te coûter la vie samedi.", TestName = "Analyze_NearlyDied_Emotional_Fr")]
    [TestCase("That overdose nearly killed you; the naloxone kit has to stay in your bag.", TestName = "Analyze_NearlyKilled_Emotional_En")]
    public void Analyze_ReadersHardNews_StillEmotional(string body)
    {
        Assert.That(Categories(body), Does.Contain(TopicCategory.Emotional));
    }

    [TestCase("Next step for the clonazepam: 0.25 mg less every two weeks, as on the attached schedule.", TestName = "Analyze_BenzoTaperStep_SubstanceUse_En")]
    [TestCase("Pour le lorazépam, on baisse à 0,5 mg au coucher pendant deux semaines, puis on arrête.", TestName = "Analyze_BenzoTaperStep_SubstanceUse_Fr")]
    [TestCase("You told me you go through about a 26er of vodka every two days; let's plan how to cut down.", TestName = "Analyze_SpiritsBottleSize_SubstanceUse_En")]
    [TestCase("Your blackouts after drinking are a warning sign; please see me this week.", TestName = "Analyze_BlackoutsAfterDrinking_SubstanceUse_En")]
    [TestCase("Vous fumez un paquet par jour : le timbre et les gommes vous aideront à arrêter.", TestName = "Analyze_YouSmokeAPackADay_SubstanceUse_Fr")]
    public void Analyze_SubstanceUseInEverydayWords_Found(string body)
    {
        Assert.That(Categories(body), Does.Contain(TopicCategory.SubstanceUse));
    }

    [TestCase("The vodka sauce recipe from the heart-health newsletter is on our website.", TestName = "Analyze_SpiritInARecipe_NoSubstanceUse_En")]
    [TestCase("Your results show your asthma has improved since you started the inhaler.", TestName = "Analyze_StartedInThePast_NoNewTreatment_En")]
    [TestCase("Happy birthday! A fellow Cancer, I hear. Your checkup is due next month.", TestName = "Analyze_FellowCancerZodiac_NoOncology_En")]
    [TestCase("COLONOSCOPY PREP: start at 6 pm the day before, clear fluids only.", TestName = "Analyze_BowelPrepInCapitals_NoSexualHealth_En")]
    [TestCase("The detox tea you asked about has no proven benefit; plain water is best.", TestName = "Analyze_DetoxTea_NoSubstanceUse_En")]
    [TestCase("Keep up the fluids: 8 drinks of water a day is a good goal.", TestName = "Analyze_DrinksOfWater_NoSubstanceUse_En")]
    [TestCase("Take folic acid 0.4 mg daily before and during pregnancy.", TestName = "Analyze_PrenatalFolicAcid_NoNewTreatment_En")]
    [TestCase("The power blackout last night cancelled the evening clinic.", TestName = "Analyze_PowerBlackout_Clean_En")]
    public void Analyze_EverydaySense_Clean(string body)
    {
        Assert.That(Categories(body), Is.Empty);
    }

    [TestCase("Do you have asthma or allergies? Please fill in the form before the visit.", TestName = "Analyze_QuestionToTheReader_NoNewDiagnosis_En")]
    [TestCase("Avez-vous déjà eu de l'asthme? Répondez au questionnaire avant la visite.", TestName = "Analyze_QuestionToTheReader_NoNewDiagnosis_Fr")]
    [TestCase("The test can detect diabetes early, which is why we repeat it every 3 years.", TestName = "Analyze_ModalResultVerb_NoNewDiagnosis_En")]
    [TestCase("L'examen permet de dépister le diabète tôt; on le refait aux 3 ans.", TestName = "Analyze_ModalResultVerb_NoNewDiagnosis_Fr")]
    [TestCase("The scan found a small kidney cyst, which is harmless.", TestName = "Analyze_HarmlessFinding_NoNewDiagnosis_En")]
    public void Analyze_NotAnAnnouncement_NoNewDiagnosis(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.NewDiagnosis));
    }

    [TestCase("You mentioned worrying about cancer; your exam and blood work were completely normal.", TestName = "Analyze_FearOfCancer_NoOncology_En")]
    [TestCase("Vous aviez peur d'avoir un cancer : l'examen et les prises de sang sont normaux.", TestName = "Analyze_FearOfCancer_NoOncology_Fr")]
    public void Analyze_FearOfCancer_NoOncology(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.Oncology));
    }

    [TestCase("Your blood test shows you have type 2 diabetes.", TestName = "Analyze_ResultAnnouncesDiabetes_StillNewDiagnosis_En")]
    [TestCase("The scan shows a kidney stone, which explains the pain.", TestName = "Analyze_ResultAnnouncesStone_StillNewDiagnosis_En")]
    public void Analyze_ResultAnnouncement_StillNewDiagnosis(string body)
    {
        Assert.That(Categories(body), Does.Contain(TopicCategory.NewDiagnosis));
    }

    [TestCase("The depression screening questionnaire is part of every annual exam; please fill it in before you come.", TestName = "Analyze_RoutineDepressionScreening_NoMentalHealth_En")]
    [TestCase("Le questionnaire de dépistage de la dépression fait partie de l'examen annuel.", TestName = "Analyze_RoutineDepressionScreening_NoMentalHealth_Fr")]
    public void Analyze_RoutineScreeningInstrument_NoMentalHealth(string body)
    {
        Assert.That(Categories(body), Does.Not.Contain(TopicCategory.MentalHealth));
    }

    [TestCase("Your depression screening questionnaire shows a high score; I would like to see you this week.", TestName = "Analyze_HighScreeningScore_MentalHealth_En")]
    [TestCase("Votre questionnaire de dépistage de la dépression montre un score élevé; j'aimerais vous voir.", TestName = "Analyze_HighScreeningScore_MentalHealth_Fr")]
    public void Analyze_AbnormalScreeningScore_MentalHealth(string body)
    {
        Assert.That(Categories(body), Does.Contain(TopicCategory.MentalHealth));
    }
}
