using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>detB21 round (issue 21): the grammar of a prescription line (drug + dose + how to take it) is a new treatment
/// without any start verb; renewals, possessives, medication lists and dose changes of the same drug are not. Drinks
/// counted over a period are substance use; everyday senses and common words stay clean. Both languages.</summary>
[TestFixture]
public sealed class PrescriptionLineTests
{
    [TestCase("Synthroid 50 mcg à jeun le matin, contrôle de la TSH dans 6 semaines.", "Synthroid")]
    [TestCase("Pour l'estomac : pantoprazole 40 mg, 1 co. 30 min avant le déjeuner pendant 8 semaines.", "pantoprazole")]
    [TestCase("Pour le sevrage : diazépam 10 mg aux 6 h le premier jour, puis on diminue.", "diazépam")]
    [TestCase("Tresiba 10 unités sc au coucher, et augmentez de 2 unités aux 3 jours selon la glycémie.", "Tresiba")]
    [TestCase("Perméthrine crème, à répéter dans 7 jours.", "Perméthrine")]
    [TestCase("You'll get benzathine penicillin 2.4 million units IM at the clinic Friday.", "benzathine penicillin")]
    [TestCase("Use nicotine gum 2 mg when you crave.", "nicotine gum")]
    [TestCase("Avamys 2 sprays in each nostril once daily; it takes a week to work.", "Avamys")]
    public void Analyze_PrescriptionLine_IsNewTreatmentWithEvidence(string body, string drug)
    {
        var finding = TopicDetector.Default.Analyze(CheckedText.FromParts("Ordonnance", body)).Topics
            .SingleOrDefault(t => t.Category == TopicCategory.NewTreatment);
        Assert.That(finding, Is.Not.Null);
        var evidence = finding!.Evidence.First(e => e.Text == drug);
        Assert.That(body.Substring(evidence.Offset, evidence.Length), Is.EqualTo(drug), "evidence keeps the drug's offsets");
    }

    [TestCase("Votre ordonnance d'atorvastatine 20 mg est renouvelée pour un an, même dose.")]
    [TestCase("Apportez la liste de vos médicaments : ramipril 5 mg die, metformine 500 mg bid.")]
    [TestCase("Please bring your medication list: ramipril 5 mg daily, metformin 500 mg twice daily.")]
    [TestCase("On passe le périndopril de 4 mg à 8 mg. Même médicament, un comprimé le matin.")]
    [TestCase("You can step the Ozempic up to 1 mg weekly since you're tolerating it well.")]
    [TestCase("Take acetaminophen 500 mg every 6 hours as needed for the pain.")]
    public void Analyze_RenewalListOrDoseChange_IsNotNewTreatment(string body)
    {
        var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts("Suivi", body));
        Assert.That(analysis.Topics.Select(t => t.Category), Does.Not.Contain(TopicCategory.NewTreatment));
    }

    [TestCase("Bonjour M. Boucher, 6 bières chaque soir, c'est beaucoup pour votre foie.")]
    [TestCase("You mentioned having 4 to 5 drinks most nights.")]
    [TestCase("Vous étiez ivre lors de la chute; l'alcoolémie était à 0,18 à l'urgence.")]
    [TestCase("Hi Ava, smoking weed every night is likely behind the vomiting spells.")]
    public void Analyze_SubstanceUseInEverydayWords_IsSubstanceUse(string body)
    {
        var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts("Suivi", body));
        Assert.That(analysis.Topics.Select(t => t.Category), Does.Contain(TopicCategory.SubstanceUse));
    }

    [TestCase("Party", "Vous êtes invités au party de Noël : vin, bière et bouchées!")]
    [TestCase("Open house", "Drinks and appetizers will be served at the open house on Friday.")]
    [TestCase("Bonjour", "À bientôt, et merci pour les chocolats!")]
    [TestCase("Jardin", "Pulling weeds in the garden is great exercise, just bend your knees.")]
    [TestCase("Marché", "The market depression this quarter has everyone worried.")]
    [TestCase("Front desk", "Ha, a Gemini and a Cancer at the same front desk, it explains a lot!")]
    [TestCase("Knee", "Stay positive: the physio says your knee is improving every week.")]
    [TestCase("Mpox", "The mpox vaccine clinic runs on Thursdays; book online.")]
    [TestCase("Home care", "After your discharge from hospital, the nurse will take a wound swab at home.")]
    [TestCase("Manifestation", "La répression de la manifestation a fait la une; la clinique reste ouverte.")]
    public void Analyze_EverydaySense_IsClean(string subject, string body)
    {
        var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts(subject, body));
        Assert.That(analysis.Topics, Is.Empty, string.Join(", ", analysis.Topics.Select(t => t.Category)));
    }
}
