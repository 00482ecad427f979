using ClinicMail.Core.Content;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Tests.Builders;

namespace ClinicMail.Core.Tests.Recipients;

/// <summary>Issue 17, defect 4: a family address shared by several patients is decided for the patient the
/// message concerns (greeting first, then a name in the body); when that cannot be told and the patients'
/// answers differ, the address keeps the strictest answer and is reported unclear.</summary>
public sealed class SharedAddressesTests
{
    private const string Family = "famille.roy@videotron.ca";
    private static readonly DateOnly Today = new(2026, 6, 1);

    // Léa consented to the family address; Paul did not; Zoé (other family) has no consent at all.
    private static readonly Patient Lea = PatientBuilder.Patient("p-lea").Named("Léa", "Roy")
        .WithAddress(Family, AddressKind.FamilyShared, thirdPartyConsented: true).Build();

    private static readonly Patient Paul = PatientBuilder.Patient("p-paul").Named("Paul", "Roy")
        .WithAddress(Family, AddressKind.FamilyShared, thirdPartyConsented: false).Build();

    private static async Task<(RecipientReport Report, IReadOnlyList<string> Unclear)> NarrowAsync(string body, params Patient[] patients)
    {
        var directory = new InMemoryPatientDirectory(patients.Length > 0 ? patients : [Lea, Paul]);
        var reports = await RecipientResolver.Default.ResolveAsync(new Draft { To = [new DraftRecipient(Family)] }, directory, ["clinique.med"], Today);
        var (narrowed, unclear) = SharedAddresses.Narrow(reports, GreetingNames.Extract(body), FoldedText.Fold(body), Today);
        return (narrowed.Single(), unclear);
    }

    [Test]
    public async Task GreetingNamesTheConsentingPatient_NarrowedToHerAsync()
    {
        var (report, unclear) = await NarrowAsync("Bonjour Léa,\n\nVotre rendez-vous est confirmé.");
        Assert.That(report.PatientIds, Is.EqualTo(new[] { "p-lea" }));
        Assert.That(report.Status, Is.EqualTo(RecipientStatus.ThirdParty));
        Assert.That(report.ThirdPartyConsented, Is.True);
        Assert.That(unclear, Is.Empty);
    }

    [Test]
    public async Task GreetingNamesThePatientWhoDidNotConsent_NarrowedToHimNotConsentedAsync()
    {
        var (report, unclear) = await NarrowAsync("Hi Paul,\n\nYour appointment is confirmed.");
        Assert.That(report.PatientIds, Is.EqualTo(new[] { "p-paul" }));
        Assert.That(report.ThirdPartyConsented, Is.False);
        Assert.That(unclear, Is.Empty);
    }

    [Test]
    public async Task NoGreetingButNamedInTheBody_NarrowedToThatPatientAsync()
    {
        var (report, _) = await NarrowAsync("Bonjour,\n\nLe rendez-vous de LEA est déplacé à jeudi.");
        Assert.That(report.PatientIds, Is.EqualTo(new[] { "p-lea" }));
    }

    [TestCase("Bonjour,\n\nLe rendez-vous est déplacé à jeudi.")]
    [TestCase("Bonjour Madame Roy,\n\nLe rendez-vous est déplacé à jeudi.")]
    [TestCase("Bonjour,\n\nLes rendez-vous de Léa et de Paul sont déplacés.")]
    public async Task PatientCannotBeTold_AnswersDiffer_UnclearAndUnchangedAsync(string body)
    {
        var (report, unclear) = await NarrowAsync(body);
        Assert.That(unclear, Is.EqualTo(new[] { Family }));
        Assert.That(report.PatientIds, Is.EquivalentTo(new[] { "p-lea", "p-paul" }), "both patients stay: the strictest answer is kept");
    }

    [Test]
    public async Task PatientCannotBeTold_SameAnswerForBoth_NotUnclearAsync()
    {
        var both = PatientBuilder.Patient("p-paul").Named("Paul", "Roy").WithAddress(Family, AddressKind.FamilyShared, thirdPartyConsented: true).Build();
        var (_, unclear) = await NarrowAsync("Bonjour,\n\nLa clinique sera fermée lundi.", Lea, both);
        Assert.That(unclear, Is.Empty);
    }

    [Test]
    public async Task NamedPatientWithdrewConsent_PatientWithoutConsentAsync()
    {
        var withdrawn = PatientBuilder.Patient("p-lea").Named("Léa", "Roy").WithAddress(Family, AddressKind.FamilyShared, thirdPartyConsented: true)
            .WithConsent(ConsentBuilder.Revoked()).Build();
        var (report, _) = await NarrowAsync("Chère Léa,\n\nVotre rendez-vous est confirmé.", withdrawn, Paul);
        Assert.That(report.PatientIds, Is.EqualTo(new[] { "p-lea" }));
        Assert.That(report.Status, Is.EqualTo(RecipientStatus.PatientWithoutConsent));
    }

    [Test]
    public async Task SinglePatientAddress_LeftAsResolvedAsync()
    {
        var (report, unclear) = await NarrowAsync("Bonjour Paul,", Lea);
        Assert.That(report.PatientIds, Is.EqualTo(new[] { "p-lea" }), "one patient: the greeting does not re-decide it");
        Assert.That(unclear, Is.Empty);
    }
}
