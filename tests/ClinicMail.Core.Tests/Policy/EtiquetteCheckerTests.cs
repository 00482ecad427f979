using ClinicMail.Core.Drafts;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Tests.Policy;

public sealed class EtiquetteCheckerTests
{
    private const string GoodFrench = "Bonjour Madame Roy,\n\nVos résultats sanguins sont normaux. Nous en reparlerons au prochain rendez-vous.\n\n"
        + "Cordialement,\n\nDre Émilie Boisvert, M.D.\nMédecin de famille\nGMF des Rivières — 819 555-0134";

    private const string GoodEnglish = "Good morning Mr. Smith,\n\nYour blood tests are normal. We will discuss them at your next visit.\n\n"
        + "Kind regards,\nJohn Roy, MD\nFamily physician\n(514) 555-0101 ext. 204";

    private static Draft NewDraft(string body, string subject = "Résultats", string from = "eboisvert@clinique.med", int to = 1, int cc = 0) => new()
    {
        From = from,
        Subject = subject,
        Body = body,
        To = [.. Enumerable.Range(0, to).Select(i => new DraftRecipient($"patient{i}@example.com"))],
        Cc = [.. Enumerable.Range(0, cc).Select(i => new DraftRecipient($"copie{i}@example.com"))],
    };

    private static IReadOnlyList<EtiquetteWarning> Check(Draft draft) =>
        EtiquetteChecker.Default.Check(draft, DraftTextExtractor.Extract(draft));

    private static IEnumerable<EtiquetteCode> Codes(Draft draft) => Check(draft).Select(w => w.Code);

    [TestCase(GoodFrench)]
    [TestCase(GoodEnglish)]
    public void Check_WellFormedMessage_NoWarning(string body)
    {
        Assert.That(Check(NewDraft(body)), Is.Empty);
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("RE: ")]
    [TestCase("TR : RE : ")]
    public void Check_EmptySubject_MissingSubject(string subject)
    {
        Assert.That(Codes(NewDraft(GoodFrench, subject)), Is.EqualTo(new[] { EtiquetteCode.MissingSubject }));
    }

    [Test]
    public void Check_ReplySubjectWithContent_IsASubject()
    {
        Assert.That(Codes(NewDraft(GoodEnglish, "RE: Your results")), Is.Empty);
    }

    [TestCase("Vos résultats sont normaux.\n\nCordialement,\nDre Émilie Boisvert, M.D.\nMédecin de famille\n819 555-0134")]
    [TestCase("Your results are normal.\n\nBest regards,\nJohn Roy, MD\nFamily physician\n514-555-0101")]
    [TestCase("Léa, la radio est normale.\n\nCordialement,\nDre Émilie Boisvert, M.D.\nMédecin de famille\n819 555-0134")]
    public void Check_NoGreeting_NoGreeting(string body)
    {
        Assert.That(Codes(NewDraft(body)), Is.EqualTo(new[] { EtiquetteCode.NoGreeting }));
    }

    [TestCase("Bonjour Léa,\n\nLa radio est normale.")]
    [TestCase("Allô Léa,\n\nLa radio est normale.")]
    [TestCase("Chère Madame Roy,\n\nLa radio est normale.")]
    [TestCase("Hi Sam,\n\nThe X-ray is normal.")]
    [TestCase("Dear Mrs. Smith,\n\nThe X-ray is normal.")]
    [TestCase("Good afternoon,\n\nThe X-ray is normal.")]
    public void Check_Greeting_IsRecognised(string start)
    {
        var body = start + "\n\nCordialement,\nDre Émilie Boisvert, M.D.\nMédecin de famille\n819 555-0134";
        Assert.That(Codes(NewDraft(body)), Does.Not.Contain(EtiquetteCode.NoGreeting));
    }

    [TestCase("Bonjour Léa,\n\nLa radio est normale.\n\nDre Émilie Boisvert, M.D.\nMédecin de famille\n819 555-0134")]
    [TestCase("Hello Sam,\n\nThe X-ray is normal.\n\nJohn Roy, MD\nFamily physician\n514-555-0101")]
    public void Check_NoClosingFormula_NoClosing(string body)
    {
        Assert.That(Codes(NewDraft(body)), Is.EqualTo(new[] { EtiquetteCode.NoClosing }));
    }

    [TestCase("Bonne journée,")]
    [TestCase("Salutations,")]
    [TestCase("Au plaisir,")]
    [TestCase("Sincerely,")]
    [TestCase("Best,")]
    public void Check_ClosingFormula_IsRecognised(string closing)
    {
        var body = "Bonjour Léa,\n\nLa radio est normale.\n\n" + closing + "\nDre Émilie Boisvert, M.D.\nMédecin de famille\n819 555-0134";
        Assert.That(Codes(NewDraft(body)), Is.Empty);
    }

    [TestCase("Dre Émilie Boisvert, M.D.\nMédecin de famille", new[] { "phone" })]
    [TestCase("Dre Émilie Boisvert\n819 555-0134", new[] { "specialty" })]
    [TestCase("Émilie Boisvert\nMédecin de famille\n819 555-0134", new[] { "md" })]
    [TestCase("Dre Boisvert\nPédiatre\n819 555-0134", new[] { "name" })]
    [TestCase("L'équipe de la clinique", new[] { "name", "md", "specialty", "phone" })]
    [TestCase("John Roy, MD\nPsychiatrist", new[] { "phone" })]
    public void Check_IncompleteSignature_ListsMissingParts(string signature, string[] missing)
    {
        var body = "Bonjour Léa,\n\nLa radio est normale.\n\nCordialement,\n" + signature;
        var warning = Check(NewDraft(body)).Single();
        Assert.That(warning.Code, Is.EqualTo(EtiquetteCode.NoSignature));
        Assert.That(warning.Missing, Is.EqualTo(missing));
        Assert.That(warning.Message.Fr, Does.Contain("signature"));
        Assert.That(warning.Message.En, Does.Contain("signature"));
    }

    /// <summary>The sender's address is the reason NON_PROFESSIONAL_SENDER (SenderReasonTests), not etiquette: a
    /// consumer or outside sender adds no form warning, so the pane does not say it twice.</summary>
    [TestCase("dre.boisvert@gmail.com")]
    [TestCase("jroy@videotron.ca")]
    [TestCase("jroy@autre-clinique.ca")]
    [TestCase("eboisvert@clinique.med")]
    public void Check_AnySender_NoEtiquetteWarning(string from)
    {
        Assert.That(Codes(NewDraft(GoodFrench, from: from)), Is.Empty);
    }

    [TestCase(2, 0)]
    [TestCase(1, 1)]
    [TestCase(3, 2)]
    public void Check_SeveralVisibleRecipients_SeveralRecipients(int to, int cc)
    {
        Assert.That(Codes(NewDraft(GoodEnglish, to: to, cc: cc)), Is.EqualTo(new[] { EtiquetteCode.SeveralRecipients }));
    }

    [Test]
    public void Check_BccRecipients_DoNotCount()
    {
        var draft = NewDraft(GoodEnglish) with { Bcc = [new("a@example.com"), new("b@example.com")] };
        Assert.That(Codes(draft), Is.Empty);
    }

    [Test]
    public void Check_GreetingAndSignatureOnlyInQuotedHistory_StillWarns()
    {
        var body = "Parfait, à jeudi.\n\n-----Message d'origine-----\n" + GoodFrench;
        Assert.That(Codes(NewDraft(body)), Is.EqualTo(new[] { EtiquetteCode.NoGreeting, EtiquetteCode.NoClosing, EtiquetteCode.NoSignature }));
    }

    [Test]
    public void Check_EveryWarning_HasFrenchAndEnglishMessages()
    {
        var draft = NewDraft("ok", subject: "", from: "x@gmail.com", to: 2);
        var warnings = Check(draft);
        Assert.That(warnings.Select(w => w.Code), Is.EquivalentTo(Enum.GetValues<EtiquetteCode>()));
        foreach (var warning in warnings)
        {
            Assert.That(warning.Message.Fr, Is.Not.Empty.And.Not.EqualTo(warning.Message.En));
            Assert.That(warning.Message.En, Is.Not.Empty);
        }
    }

    [Test]
    public void Check_HtmlBody_ReadsConvertedText()
    {
        var draft = NewDraft("<p>Bonjour Madame Roy,</p><p>&nbsp;</p><p>Vos r&eacute;sultats sont normaux.</p><p>&nbsp;</p><p>Cordialement,</p>"
            + "<p>Dre &Eacute;milie Boisvert, M.D.<br>P&eacute;diatre<br>819&nbsp;555-0134</p>") with
        { BodyFormat = BodyFormat.Html };
        Assert.That(Codes(draft), Is.Empty);
    }
}
