using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>« Toute information jugée comme telle par le patient »: terms a patient declared sensitive.</summary>
[TestFixture]
public sealed class DeclaredTermsTests
{
    private static readonly TopicDetector Detector = TopicDetector.Default;

    [TestCase("Votre échographie de la thyroïde est prête.", "thyroide")]
    [TestCase("VOS PROBLÈMES DE FERTILITÉ: rendez-vous jeudi.", "problème de fertilité")]
    [TestCase("Your infertility workup is complete.", "Infertility")]
    [TestCase("Le rapport sur vos vasectomies est arrivé.", "vasectomie")]
    [TestCase("Votre demande d'adoptoin est reçue.", "adoption")]
    [TestCase("Le suivi de votre perte de poids continue.", "perte de poids")]
    public void FindDeclared_TermWrittenDifferently_Matches(string body, string term)
    {
        var finding = Detector.FindDeclared(CheckedText.FromParts("", body), [new DeclaredTerms("p-1", [term])]);
        Assert.That(finding, Is.Not.Null);
        Assert.That(finding!.Category, Is.EqualTo(TopicCategory.PatientDeclared));
        Assert.That(finding.PatientIds, Is.EqualTo(new[] { "p-1" }));
        var e = finding.Evidence.Single();
        Assert.That(body.Substring(e.Offset, e.Length), Is.EqualTo(e.Text));
    }

    [Test]
    public void FindDeclared_TermAbsent_ReturnsNull()
    {
        var finding = Detector.FindDeclared(CheckedText.FromParts("Rappel", "Votre rendez-vous est jeudi."), [new DeclaredTerms("p-1", ["fertilité", "adoption"])]);
        Assert.That(finding, Is.Null);
    }

    [Test]
    public void FindDeclared_SeveralPatients_ListsOnlyThoseWhoseTermsOccur()
    {
        var text = CheckedText.FromParts("Suivi", "On reparle de la vasectomie.", "> et de votre divorce");
        var finding = Detector.FindDeclared(text,
        [
            new DeclaredTerms("p-1", ["divorce"]),
            new DeclaredTerms("p-2", ["adoption"]),
            new DeclaredTerms("p-3", ["vasectomie", ""]),
        ]);
        Assert.That(finding, Is.Not.Null);
        Assert.That(finding!.PatientIds, Is.EquivalentTo(new[] { "p-1", "p-3" }));
        Assert.That(finding.Evidence.Single(e => e.Text == "divorce").Part, Is.EqualTo(TextPart.Quoted));
    }

    [Test]
    public void FindDeclared_ShortTermWithOneLetterOff_DoesNotMatch()
    {
        var finding = Detector.FindDeclared(CheckedText.FromParts("", "Votre dose est prête."), [new DeclaredTerms("p-1", ["dos"])]);
        Assert.That(finding, Is.Null);
    }
}
