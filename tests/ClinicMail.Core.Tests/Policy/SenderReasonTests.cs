using ClinicMail.Core.Checking;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Registry;
using static ClinicMail.Core.Tests.Builders.PatientBuilder;

namespace ClinicMail.Core.Tests.Policy;

/// <summary>NON_PROFESSIONAL_SENDER through the whole checker: CMQ « Utiliser une adresse courriel professionnelle
/// dédiée »; MSSS « le médecin doit recourir exclusivement à son compte corporatif MSSS, pour tous ses échanges
/// comprenant des données confidentielles ». One entry per draft — the reason, never an etiquette line besides —
/// a warning for administrative content, a block for clinical content; in French and English.</summary>
public sealed class SenderReasonTests
{
    private const string Marie = "marie.roy@videotron.ca";

    private const string Signature = "\n\nCordialement,\n\nDre Émilie Boisvert, M.D.\nMédecin de famille\n819 555-0134";

    private static readonly InMemoryPatientDirectory Directory = new([Patient("p1").Named("Marie", "Roy").WithAddress(Marie).Build()]);

    private static Task<CheckResult> CheckAsync(string from, string body) => DraftChecker.Default.CheckAsync(new Draft
    {
        From = from,
        Subject = "Rendez-vous",
        Body = body + Signature,
        To = [new DraftRecipient(Marie)],
    }, new CheckContext { Directory = Directory, InternalDomains = ["clinique.med"], Today = new DateOnly(2026, 6, 1) });

    [TestCase("dre.boisvert@gmail.com")]
    [TestCase("eboisvert@hotmail.ca")]
    [TestCase("eboisvert@autre-clinique.ca")]
    public async Task Administrative_FromOutsideTheNetwork_OneOverridableWarningAsync(string from)
    {
        var result = await CheckAsync(from, "Bonjour Madame Roy,\n\nVotre rendez-vous de jeudi à 9 h est confirmé.");

        var sender = result.Reasons.Where(r => r.Code == ReasonCode.NonProfessionalSender).ToList();
        Assert.That(sender, Has.Count.EqualTo(1));
        Assert.That(sender[0].Severity, Is.EqualTo(Severity.Warn));
        Assert.That(sender[0].Overridable, Is.True);
        Assert.That(sender[0].Message.Fr, Does.Contain("adresse courriel professionnelle dédiée"));
        Assert.That(sender[0].Message.En, Does.Contain("dedicated professional e-mail address"));
        Assert.That(result.Etiquette, Is.Empty, "the sender is said once, as the reason");
        Assert.That(result.Decision, Is.EqualTo(Decision.Warn));
    }

    [Test]
    public async Task Clinical_FromAConsumerMailbox_BlocksNamingTheCorporateAccountAsync()
    {
        var result = await CheckAsync("dre.boisvert@gmail.com",
            "Bonjour Madame Roy,\n\nVotre biopsie montre un cancer du sein; nous commençons la chimiothérapie lundi.");

        var sender = result.Reasons.Single(r => r.Code == ReasonCode.NonProfessionalSender);
        Assert.That(sender.Severity, Is.EqualTo(Severity.Block));
        Assert.That(sender.Overridable, Is.False);
        Assert.That(sender.Message.Fr, Does.Contain("compte corporatif MSSS"));
        Assert.That(sender.Message.En, Does.Contain("MSSS corporate account"));
        Assert.That(result.Etiquette, Is.Empty);
    }

    [TestCase("eboisvert@clinique.med")]
    [TestCase("EBoisvert@GMF.Clinique.med")]
    [TestCase("emilie.boisvert.med@ssss.gouv.qc.ca")]
    [TestCase("")]
    public async Task NetworkOrUnknownSender_NoSenderReasonAsync(string from)
    {
        var result = await CheckAsync(from, "Bonjour Madame Roy,\n\nVotre rendez-vous de jeudi à 9 h est confirmé.");

        Assert.That(result.Reasons.Select(r => r.Code), Does.Not.Contain(ReasonCode.NonProfessionalSender));
        Assert.That(result.Etiquette, Is.Empty);
    }
}
