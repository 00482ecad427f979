using ClinicMail.Core.Content;
using ClinicMail.Core.Tests.Builders;

namespace ClinicMail.Core.Tests.Content;

/// <summary>The greeting's name (issue 17, defect 9: « Bonjour Monsieur X » sent to patient Y), compared
/// accent- and case-insensitively, with nicknames, short forms and initials.</summary>
public sealed class GreetingNamesTests
{
    [TestCase("Bonjour Monsieur Gagnon,\n\nVotre rendez-vous…", new[] { "gagnon" })]
    [TestCase("Chère Julie,\nMerci.", new[] { "julie" })]
    [TestCase("Bonjour J.-F. Gagnon,", new[] { "jf", "gagnon" })]
    [TestCase("\n\n  Bonjour Marie-Ève Côté :", new[] { "marie eve", "cote" })]
    [TestCase("Good morning Mr. Smith,", new[] { "smith" })]
    [TestCase("Dear Ms. O'Brien,", new[] { "o brien" })]
    [TestCase("Hi Mike!", new[] { "mike" })]
    [TestCase("Bonjour Mme Lévesque", new[] { "levesque" })]
    public void Extract_GreetingLine_NameTokensFolded(string body, string[] expected)
    {
        Assert.That(GreetingNames.Extract(body), Is.EqualTo(expected));
    }

    [TestCase("Bonjour,\nVotre rendez-vous est confirmé.")]
    [TestCase("Bonjour à vous,")]
    [TestCase("Hi there,")]
    [TestCase("Merci pour votre appel, Monsieur Gagnon.")]
    [TestCase("")]
    [TestCase("   \n  ")]
    public void Extract_NoNamedGreeting_Empty(string body)
    {
        Assert.That(GreetingNames.Extract(body), Is.Empty);
    }

    private static readonly ClinicMail.Core.Registry.Patient JeanFrancois = PatientBuilder.Patient("p1").Named("Jean-François", "Gagnon").Build();

    [TestCase(new[] { "jean francois", "gagnon" }, 2)]
    [TestCase(new[] { "jf", "gagnon" }, 2)]
    [TestCase(new[] { "jeff" }, 2)]
    [TestCase(new[] { "j" }, 2)]
    [TestCase(new[] { "jean" }, 2)]
    [TestCase(new[] { "gagnon" }, 1)]
    [TestCase(new[] { "tremblay" }, 0)]
    [TestCase(new[] { "pierre", "gagnon" }, 1)]
    public void Match_JeanFrancoisGagnon(string[] tokens, int expected)
    {
        Assert.That(GreetingNames.Match(tokens, JeanFrancois), Is.EqualTo(expected));
    }

    [TestCase("Robert", "bob", 2)]
    [TestCase("Michel", "mike", 2)]
    [TestCase("Alexandre", "alex", 2)]
    [TestCase("Alexandre", "al", 0)]
    [TestCase("HÉLÈNE", "helene", 2)]
    [TestCase("Catherine", "kate", 2)]
    [TestCase("Catherine", "cath", 2)]
    [TestCase("Marc", "marco", 0)]
    public void Match_NicknamesShortFormsAccents(string given, string token, int expected)
    {
        var patient = PatientBuilder.Patient("p2").Named(given, "Roy").Build();
        Assert.That(GreetingNames.Match([token], patient), Is.EqualTo(expected));
    }

    [TestCase("Le rendez-vous de Léa est jeudi.", true)]
    [TestCase("LE RENDEZ-VOUS DE LEA EST JEUDI.", true)]
    [TestCase("Le rendez-vous de Léandre est jeudi.", false)]
    [TestCase("Le rendez-vous est jeudi.", false)]
    public void MentionsGivenName_WholeWordFolded(string body, bool expected)
    {
        var lea = PatientBuilder.Patient("p3").Named("Léa", "Roy").Build();
        Assert.That(GreetingNames.MentionsGivenName(FoldedText.Fold(body), lea), Is.EqualTo(expected));
    }
}
