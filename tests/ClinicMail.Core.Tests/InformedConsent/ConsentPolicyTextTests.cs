using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.InformedConsent;

/// <summary>The information text: one section per item of the guide's list, in both languages,
/// and a hash that changes with the text and only with it.</summary>
public sealed class ConsentPolicyTextTests
{
    private static readonly ClinicEmailPolicy Policy = new()
    {
        ResponseDelayBusinessDays = 3,
        ReadBy = [MailReader.Physicians, MailReader.GmfNurses],
        TextingAllowed = true,
        TextingRules = [TextingRule.AppointmentsOnly, TextingRule.NoPhotos],
        UsesOffered = [ConsentUse.Appointments, ConsentUse.NormalResults],
        CategoriesOffered = [TopicCategory.MentalHealth],
        ClinicPhone = "450 555-0199",
    };

    [TestCase("fr", "infirmières et infirmiers du GMF", "pour les rendez-vous seulement", "3 jour(s) ouvrable(s)", "450 555-0199", "santé mentale")]
    [TestCase("en", "the GMF nurses", "for appointments only", "3 business day(s)", "450 555-0199", "mental health")]
    public void Render_EveryItemOfTheGuide_InTheLanguage(string lang, params string[] expected)
    {
        var sections = ConsentPolicyText.Render(Policy, lang);
        var text = string.Join("\n", sections.SelectMany(s => s.Paragraphs));

        Assert.That(sections.Select(s => s.Item), Is.EqualTo(InformedConsentItems.All));
        foreach (var phrase in expected)
        {
            Assert.That(text, Does.Contain(phrase));
        }
    }

    [Test]
    public void Hash_SameSettingsSameHash_AnyChangeAnotherHash()
    {
        var hash = ConsentPolicyText.Hash(Policy);

        Assert.Multiple(() =>
        {
            Assert.That(hash, Has.Length.EqualTo(64).And.Match("^[0-9a-f]+$"));
            Assert.That(ConsentPolicyText.Hash(Policy with { }), Is.EqualTo(hash));
            Assert.That(ConsentPolicyText.Hash(Policy with { ResponseDelayBusinessDays = 2 }), Is.Not.EqualTo(hash));
            Assert.That(ConsentPolicyText.Hash(Policy with { TextingAllowed = false, TextingRules = [] }), Is.Not.EqualTo(hash));
            Assert.That(ConsentPolicyText.Canonical(Policy), Does.StartWith("# fr\n## ").And.Contain("\n# en\n").And.Not.Contain("\r"));
        });
    }

    [Test]
    public void Render_NoSecureMessaging_SaysNoHealthInformationByEmail()
    {
        var text = string.Join("\n", ConsentPolicyText.Render(Policy with { SecureMessaging = false }, "fr").SelectMany(s => s.Paragraphs));
        Assert.That(text, Does.Contain("Elle ne vous enverra aucun renseignement sur votre santé par courriel."));
    }

    [Test]
    public void Missing_ListsUntickedItemsInTheGuidesOrder()
    {
        Assert.That(InformedConsentItems.Missing([InformedConsentItem.Risks, InformedConsentItem.IntendedUses]),
            Is.EqualTo(new[] { InformedConsentItem.Texting, InformedConsentItem.Procedure, InformedConsentItem.WhoHasAccess, InformedConsentItem.KeptInRecord, InformedConsentItem.ExpectedContent }));
        Assert.That(InformedConsentItems.Missing(InformedConsentItems.All), Is.Empty);
    }
}
