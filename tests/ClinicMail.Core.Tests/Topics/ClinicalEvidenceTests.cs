using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary><see cref="TopicAnalysis.ClinicalEvidence"/> decides whether a non-sensitive message still needs the secure
/// channel to a consumer mailbox (rule 6). A message that only books a test or names a department is administrative;
/// a result, a value, a dose, a symptom or a medication instruction is clinical.</summary>
[TestFixture]
public sealed class ClinicalEvidenceTests
{
    [TestCase("Votre rendez-vous pour la prise de sang est jeudi à 7 h 30. Soyez à jeun.")]
    [TestCase("Rappel : votre échographie abdominale est prévue le 12 juin à 10 h, porte 3.")]
    [TestCase("Votre rendez-vous en cardiologie pour l'échographie cardiaque est le 5 juin à 13 h.")]
    [TestCase("À partir du 1er mars, le centre de prélèvements déménage au 2e étage.")]
    [TestCase("Your blood test is booked for Thursday at 7:45 am at the CLSC lab.")]
    [TestCase("Your mammogram is on May 3 at 9:15 in the radiology department.")]
    [TestCase("Your echocardiogram in cardiology is on June 5 at 1:00 pm, 4th floor.")]
    [TestCase("The requisition for your bloodwork is attached; the lab is open from 7 to 11.")]
    public void Analyze_AppointmentNamingATestOrDepartment_IsNotClinical(string text)
    {
        var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts("Rendez-vous", text));
        Assert.Multiple(() =>
        {
            Assert.That(analysis.ClinicalEvidence, Is.Empty, string.Join(" | ", analysis.ClinicalEvidence.Select(e => e.Text)));
            Assert.That(analysis.IsClinical, Is.False);
        });
    }

    [TestCase("Votre prise de sang est normale.")]
    [TestCase("L'échographie abdominale montre des calculs biliaires.")]
    [TestCase("Your blood test results are in: everything is within normal limits.")]
    [TestCase("Your A1c 7.2 is a little higher than last time.")]
    [TestCase("Your TSH was 12 on the last blood test.")]
    [TestCase("Prenez l'amoxicilline 500 mg trois fois par jour pendant 10 jours.")]
    [TestCase("Take 400 mg of ibuprofen with food if the pain comes back.")]
    [TestCase("Si la fièvre persiste plus de trois jours, rappelez-moi.")]
    [TestCase("The cough and the shortness of breath should settle within two weeks.")]
    public void Analyze_ResultDoseSymptomOrInstruction_IsClinical(string text)
    {
        var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts("Suivi", text));
        Assert.Multiple(() =>
        {
            Assert.That(analysis.ClinicalEvidence, Is.Not.Empty);
            Assert.That(analysis.IsClinical, Is.True);
        });
    }

    [Test]
    public void Analyze_AppointmentThenResult_EvidencePointsAtTheResultSentence()
    {
        const string body = "Votre rendez-vous pour la prise de sang est jeudi. La prise de sang de mars montre une ferritine basse.";
        var analysis = TopicDetector.Default.Analyze(CheckedText.FromParts("", body));
        Assert.That(analysis.ClinicalEvidence, Is.Not.Empty);
        Assert.That(analysis.ClinicalEvidence.Min(e => e.Offset), Is.GreaterThan(body.IndexOf("La prise", StringComparison.Ordinal) - 1));
    }
}
