using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>Issue 17 item 3: adjusting the dose of a known treatment is the consented use « ajustement d'un traitement
/// d'une maladie chronique », not the sensitive category « nouveau traitement »; a new drug, a switch to another drug or
/// a new therapy is. Both languages.</summary>
[TestFixture]
public sealed class DoseChangeTests
{
    [TestCase("Augmentez le ramipril de 5 à 10 mg le matin, le reste ne change pas.")]
    [TestCase("On diminue le périndopril à 2 mg par jour, votre pression est basse.")]
    [TestCase("Vous pouvez passer de 50 à 75 mcg de lévothyroxine dès demain.")]
    [TestCase("On double le pantoprazole à 40 mg deux fois par jour pendant 8 semaines.")]
    [TestCase("Please increase the lisinopril from 10 to 20 mg daily; everything else stays the same.")]
    [TestCase("Please lower the metoprolol to 12.5 mg twice a day since your pulse is 52.")]
    [TestCase("Bump the Synthroid up to 125 mcg daily and recheck the TSH in 6 weeks.")]
    public void Analyze_DoseChangeOfKnownDrug_IsNotNewTreatment(string body)
    {
        var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts("Ajustement", body));
        Assert.That(analysis.Topics.Select(t => t.Category), Does.Not.Contain(TopicCategory.NewTreatment));
        Assert.That(analysis.IsClinical, Is.True, "a dose change is still clinical content");
    }

    [TestCase("On remplace le Lipitor par le Crestor 20 mg parce que vous avez eu des crampes.", "Crestor")]
    [TestCase("On passe de la warfarine à l'apixaban 5 mg deux fois par jour.", "apixaban")]
    [TestCase("On augmente la metformine à 1000 mg deux fois par jour et on ajoute le Jardiance 10 mg le matin.", "Jardiance")]
    [TestCase("Je vous ai envoyé une ordonnance de nitrofurantoïne 100 mg deux fois par jour pendant 5 jours.", "nitrofurantoïne")]
    [TestCase("You can stop the ramipril and start candesartan 8 mg daily tomorrow.", "candesartan")]
    [TestCase("The simvastatin was causing muscle aches, so we'll replace it with rosuvastatin 5 mg at bedtime.", "rosuvastatin")]
    [TestCase("Take cephalexin 500 mg four times a day for 7 days.", "cephalexin")]
    public void Analyze_NewDrugOrSwitch_IsNewTreatmentWithEvidence(string body, string drug)
    {
        var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts("Ordonnance", body));
        var finding = analysis.Topics.SingleOrDefault(t => t.Category == TopicCategory.NewTreatment);
        Assert.That(finding, Is.Not.Null);
        var evidence = finding!.Evidence.Single(e => e.Text == drug);
        Assert.That(body.Substring(evidence.Offset, evidence.Length), Is.EqualTo(drug), "evidence keeps the drug's offsets");
    }
}
