using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>Words of death, addiction and overdose in their figurative sense (a thing beside them, an idiom after them)
/// against their literal sense (CueFlags.Literal, docs/detection.md, detect21 audit). Sentences written for this test,
/// not taken from any corpus.</summary>
[TestFixture]
public sealed class FigurativeSenseTests
{
    private static HashSet<TopicCategory> Categories(string body) =>
        [.. TopicDetector.Default.Analyze(CheckedText.FromParts("", body)).Topics.Select(t => t.Category)];

    [TestCase("Sorry for the delay, the scanner died this morning and I could not open the files.", TopicCategory.Emotional)]
    [TestCase("Our router died over the weekend; the portal is back since noon.", TopicCategory.Emotional)]
    [TestCase("Je suis accro au café, je sais, mais votre question était claire.", TopicCategory.SubstanceUse)]
    [TestCase("After the holidays everyone here has a sugar addiction, me first.", TopicCategory.SubstanceUse)]
    [TestCase("Petite overdose de chocolat à la réception pour la fête de Josée!", TopicCategory.SubstanceUse)]
    [TestCase("There is a crack in the ceiling of room 3, so we use room 4 today.", TopicCategory.SubstanceUse)]
    public void Analyze_FigurativeSense_IsNotTheCategory(string body, TopicCategory category) =>
        Assert.That(Categories(body), Does.Not.Contain(category));

    [TestCase("I was very sorry to hear that your husband died on Sunday.", TopicCategory.Emotional)]
    [TestCase("Your brother died in a car accident; please accept my condolences.", TopicCategory.Emotional)]
    [TestCase("We talked about your addiction to opioids and the OAT clinic.", TopicCategory.SubstanceUse)]
    [TestCase("Après votre surdose de fentanyl, la trousse de naloxone est importante.", TopicCategory.SubstanceUse)]
    public void Analyze_LiteralSense_IsTheCategory(string body, TopicCategory category) =>
        Assert.That(Categories(body), Does.Contain(category));
}
