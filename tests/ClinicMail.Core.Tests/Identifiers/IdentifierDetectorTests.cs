using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Tests.Identifiers;

public sealed class IdentifierDetectorTests
{
    private static IReadOnlyList<Evidence> Found(string body, IdentifierKind kind, string subject = "", string quoted = "")
    {
        var text = CheckedText.FromParts(subject, body, quoted);
        var findings = IdentifierDetector.Default.Detect(text);
        foreach (var finding in findings)
        {
            foreach (var e in finding.Evidence)
            {
                // Every evidence points exactly at its text inside its part.
                var part = text.Segments.First(s => s.Part == e.Part).Text;
                Assert.That(part.Substring(e.Offset, e.Length), Is.EqualTo(e.Text));
                Assert.That(e.Confidence, Is.InRange(0.0, 1.0));
            }
        }

        return findings.FirstOrDefault(f => f.Kind == kind)?.Evidence ?? [];
    }

    [TestCase("Votre numéro d'assurance maladie TREM 8512 2512 est expiré.", "TREM 8512 2512")]
    [TestCase("RAMQ : trem85122512, merci de le vérifier.", "trem85122512")]
    [TestCase("NAM: TREM 8512 2512 34 (carte jointe)", "TREM 8512 2512")]
    [TestCase("Her health card is GAGM 7557 3109.", "GAGM 7557 3109")]
    [TestCase("Carte : ROYJ-0402-2901 (29 février 2004)", "ROYJ-0402-2901")]
    [TestCase("Carte : BOUC 00022901", "BOUC 00022901")]
    public void Detect_ValidRamq_ReportsIt(string body, string expected)
    {
        var evidence = Found(body, IdentifierKind.Ramq);
        Assert.That(evidence.Select(e => e.Text), Is.EqualTo(new[] { expected }));
    }

    [TestCase("Numéro TREM 8513 2512 (mois 13)")]
    [TestCase("Numéro TREM 8563 2512 (mois 63)")]
    [TestCase("Numéro TREM 8500 2512 (mois 00)")]
    [TestCase("Numéro TREM 8502 3012 (30 février)")]
    [TestCase("Numéro TREM 8552 3012 (30 février, femme)")]
    [TestCase("Numéro TREM 8302 2912 (29 février d'une année non bissextile)")]
    [TestCase("Numéro TREM 8504 3112 (31 avril)")]
    [TestCase("Numéro TREM 8512 0012 (jour 00)")]
    [TestCase("Numéro trem851225123 trop long")]
    [TestCase("Numéro TREMB 8512 2512 (cinq lettres)")]
    public void Detect_InvalidRamq_IgnoresIt(string body)
    {
        Assert.That(Found(body, IdentifierKind.Ramq), Is.Empty);
    }

    [TestCase("Votre NAS est le 130 692 544.", "130 692 544", 0.95)]
    [TestCase("My SIN: 193-456-787", "193-456-787", 0.95)]
    [TestCase("Le formulaire indique 123456782 pour l'employeur.", "123456782", 0.6)]
    [TestCase("Please write 527 965 420 on the form.", "527 965 420", 0.75)]
    public void Detect_LuhnValidSin_ReportsIt(string body, string expected, double confidence)
    {
        var evidence = Found(body, IdentifierKind.Sin);
        Assert.That(evidence, Has.Count.EqualTo(1));
        Assert.That(evidence[0].Text, Is.EqualTo(expected));
        Assert.That(evidence[0].Confidence, Is.EqualTo(confidence));
    }

    [TestCase("Votre NAS est le 123 456 789.")]
    [TestCase("NAS 046 454 286 (commence par 0)")]
    [TestCase("SIN 812 345 676 (starts with 8)")]
    [TestCase("Facture 123456782 payée.")]
    [TestCase("Your order #193456787 has shipped.")]
    [TestCase("Montant : 123 456 782 $")]
    [TestCase("Population 123 456 782 001 au total")]
    public void Detect_NotASin_IgnoresIt(string body)
    {
        Assert.That(Found(body, IdentifierKind.Sin), Is.Empty);
    }

    [TestCase("Née le 25 décembre 1985, la patiente consulte.", "25 décembre 1985")]
    [TestCase("Date de naissance : 1985-12-25", "1985-12-25")]
    [TestCase("DDN: 25/12/1985", "25/12/1985")]
    [TestCase("Patient né(e) le 1er mars 1950 à Québec.", "1er mars 1950")]
    [TestCase("DOB December 25, 1985", "December 25, 1985")]
    [TestCase("Her date of birth is 12/25/1985.", "12/25/1985")]
    [TestCase("He was born on Dec. 3, 1972 in Laval.", "Dec. 3, 1972")]
    [TestCase("Naissance : 03.07.85", "03.07.85")]
    public void Detect_DateWithBirthCue_ReportsDateOfBirth(string body, string expected)
    {
        var evidence = Found(body, IdentifierKind.DateOfBirth);
        Assert.That(evidence.Select(e => e.Text), Is.EqualTo(new[] { expected }));
    }

    // « né » as written in the three spellings the scanner accepts, found by one search for the accented letter.
    [TestCase("Patient né le 3 mars 1950.", "3 mars 1950")]
    [TestCase("Né le 3 mars 1950 à Laval.", "3 mars 1950")]
    [TestCase("NÉE LE 3 MARS 1950", "3 MARS 1950")]
    [TestCase("né\u00A0le 03/03/1950", "03/03/1950")]
    public void Detect_NeSpellings_ReportsDateOfBirth(string body, string expected)
    {
        var evidence = Found(body, IdentifierKind.DateOfBirth);
        Assert.That(evidence.Select(e => e.Text), Is.EqualTo(new[] { expected }));
    }

    // « nÉ » is no spelling of « né »; « donné », « année » hold « né » inside a word.
    [TestCase("Il est nÉ le 3 mars 1950.")]
    [TestCase("Rendez-vous donné le 3 mars 1950.")]
    [TestCase("Une année le 3 mars 1950.")]
    [TestCase("é 3 mars 1950 É")]
    public void Detect_NeNotACue_IsNotDateOfBirth(string body)
    {
        Assert.That(Found(body, IdentifierKind.DateOfBirth), Is.Empty);
    }

    [Test]
    public void Detect_TextWithoutIdentifiers_EmptyAndSameAfterATextWithSome()
    {
        var none = CheckedText.FromParts("Suivi", "Bonjour, votre rendez-vous est confirmé. Merci.");
        var some = CheckedText.FromParts("Suivi", "NAS 130 692 544, née le 25 décembre 1985.");

        Assert.That(IdentifierDetector.Default.Detect(none), Is.Empty);
        Assert.That(IdentifierDetector.Default.Detect(some).Select(f => f.Kind), Is.EqualTo(new[] { IdentifierKind.Sin, IdentifierKind.DateOfBirth }));
        // The per-thread candidate list is cleared between checks: nothing of the previous text leaks into the next.
        Assert.That(IdentifierDetector.Default.Detect(none), Is.Empty);
    }

    [Test]
    public void Detect_ManySegments_EachEvidenceInItsOwnPart()
    {
        // More segments than the stack-allocated bookkeeping holds (eight).
        var segments = Enumerable.Range(0, 12)
            .Select(k => new TextSegment(k % 2 == 0 ? TextPart.Quoted : TextPart.AttachmentName, k % 3 == 0 ? "NAS 130 692 544" : "rien ici"))
            .ToList();

        var sin = IdentifierDetector.Default.Detect(new CheckedText(segments)).Single(f => f.Kind == IdentifierKind.Sin);

        Assert.That(sin.Evidence.Select(e => e.Part), Is.EqualTo(new[] { TextPart.Quoted, TextPart.AttachmentName, TextPart.Quoted, TextPart.AttachmentName }));
    }

    [TestCase("Votre rendez-vous est le 25 décembre 2025 à 9 h 30.")]
    [TestCase("Your appointment is on 2025-03-14 at 10:20 a.m.")]
    [TestCase("Le prélèvement du 12/03/2025 est normal.")]
    [TestCase("Date de naissance : à confirmer. Rendez-vous le 2025-03-14.\n\nMerci.")]
    [TestCase("Date de naissance : 1985-02-30")]
    public void Detect_DateWithoutBirthCue_IsNotDateOfBirth(string body)
    {
        Assert.That(Found(body, IdentifierKind.DateOfBirth), Is.Empty);
    }

    [TestCase("Vous pouvez joindre sa fille au 514 555-0187.", "514 555-0187")]
    [TestCase("Call her cell at (438) 555-0199 after 5.", "(438) 555-0199")]
    [TestCase("Son numéro : +1 819-555-0123 poste 204", "+1 819-555-0123 poste 204")]
    [TestCase("Home phone 1-450-555-0165 ext. 12", "1-450-555-0165 ext. 12")]
    [TestCase("Cellulaire 418.555.0162", "418.555.0162")]
    [TestCase("Tél. 5145550177", "5145550177")]
    public void Detect_PhoneInBody_ReportsIt(string body, string expected)
    {
        var evidence = Found(body, IdentifierKind.Phone);
        Assert.That(evidence.Select(e => e.Text), Is.EqualTo(new[] { expected }));
    }

    [TestCase("La ligne J'ARRÊTE (1 866 527-7383) est gratuite.")]
    [TestCase("Appelez Info-Santé au 811 ou le 9-8-8.")]
    [TestCase("Le rendez-vous est à 10:20 et dure 45 min.")]
    [TestCase("Prenez 0,5 mg deux fois par jour; neutrophiles à 1,1.")]
    [TestCase("Commande 514 555 0187 expédiée.")]
    [TestCase("Votre tension : 148/94, pouls 72.")]
    public void Detect_NotAPatientPhone_IgnoresIt(string body)
    {
        Assert.That(Found(body, IdentifierKind.Phone), Is.Empty);
    }

    [Test]
    public void Detect_PhoneOnlyInSignature_IsNotAFinding()
    {
        const string Body = "Bonjour Madame Roy,\n\nVos résultats sont normaux.\n\nCordialement,\n\nDre Émilie Boisvert, M.D.\nMédecin de famille\n514 555-0101";
        Assert.That(Found(Body, IdentifierKind.Phone), Is.Empty);
    }

    [Test]
    public void Detect_PhoneInBodyAndSignature_ReportsOnlyThePatientsNumber()
    {
        const string Body = "Hello Mr. Smith,\n\nI tried to reach your wife at 438-555-0144 and will call the clinic line 514-555-0101 tomorrow.\n\nBest regards,\nJohn Roy, MD\nFamily physician\n514-555-0101";
        var evidence = Found(Body, IdentifierKind.Phone);
        Assert.That(evidence.Select(e => e.Text), Is.EqualTo(new[] { "438-555-0144" }));
    }

    [Test]
    public void Detect_PhoneWithoutClosingBelowPhysicianName_IsSignature()
    {
        const string Body = "Bonjour Léa,\n\nLa radio est normale.\n\nDre Émilie Boisvert\nMédecin de famille\n450 555-0198";
        Assert.That(Found(Body, IdentifierKind.Phone), Is.Empty);
    }

    [Test]
    public void Detect_PhoneInQuotedHistory_ReportsItAsQuoted()
    {
        var evidence = Found("Bonjour,\n\nBien reçu.", IdentifierKind.Phone, quoted: "De : Marie\nMon cell : 514 555-0133");
        Assert.That(evidence, Has.Count.EqualTo(1));
        Assert.That(evidence[0].Quoted, Is.True);
    }

    [TestCase("Adresse : 1234 rue Principale, Montréal (Québec) H2X 1Y4", "H2X 1Y4")]
    [TestCase("Mailing address: 10 King St, Toronto ON M5H2N2", "M5H2N2")]
    [TestCase("code postal g1v 0a6", "g1v 0a6")]
    [TestCase("Code postal : J8T-4V2", "J8T-4V2")]
    public void Detect_ValidPostalCode_ReportsIt(string body, string expected)
    {
        var evidence = Found(body, IdentifierKind.PostalCode);
        Assert.That(evidence.Select(e => e.Text), Is.EqualTo(new[] { expected }));
    }

    [TestCase("Code D2X 1Y4 (D interdit)")]
    [TestCase("Code W2X 1Y4 (W jamais en premier)")]
    [TestCase("Code Z2X 1Y4 (Z jamais en premier)")]
    [TestCase("Code H2O 1Y4 (O interdit)")]
    [TestCase("Code H2X 1U4 (U interdit)")]
    [TestCase("Vitamine B12 et D3 chaque jour")]
    [TestCase("Code H2X 1Y45 trop long")]
    public void Detect_InvalidPostalCode_IgnoresIt(string body)
    {
        Assert.That(Found(body, IdentifierKind.PostalCode), Is.Empty);
    }

    [Test]
    public void Detect_SecondPositionW_IsValidPostalCode()
    {
        Assert.That(Found("Code H0W 1Z4", IdentifierKind.PostalCode).Select(e => e.Text), Is.EqualTo(new[] { "H0W 1Z4" }));
    }

    [Test]
    public void Detect_SeveralKinds_GroupsEvidenceByKindWithParts()
    {
        var text = CheckedText.FromParts(
            "Dossier TREM 8512 2512",
            "Bonjour,\n\nNée le 25 décembre 1985, NAS 130 692 544, cell 514 555-0187, H2X 1Y4.",
            "",
            ["trem85122512.pdf"]);
        var findings = IdentifierDetector.Default.Detect(text);
        Assert.That(findings.Select(f => f.Kind), Is.EqualTo(new[]
        {
            IdentifierKind.Ramq, IdentifierKind.Sin, IdentifierKind.DateOfBirth, IdentifierKind.Phone, IdentifierKind.PostalCode,
        }));
        var ramq = findings[0].Evidence;
        Assert.That(ramq.Select(e => e.Part), Is.EqualTo(new[] { TextPart.Subject, TextPart.AttachmentName }));
    }

    [Test]
    public void Detect_PlainClinicalText_FindsNothing()
    {
        const string Body = "Bonjour M. Girard,\n\nVos neutrophiles sont à 1,1 aujourd'hui, donc le 4e cycle est reporté au 14 mars. "
            + "Si vous faites 38,3 °C ou plus, allez à l'urgence. Facture no 2025-00412.\n\nDre Marie-Ève Dion";
        Assert.That(IdentifierDetector.Default.Detect(CheckedText.FromParts("Analyses", Body)), Is.Empty);
    }

    [Test]
    public void Detect_HostileDigitsAndSeparators_IsFastAndDoesNotThrow()
    {
        var hostile = string.Concat(Enumerable.Repeat("1 2-3.4 (5) ", 50_000)) + string.Concat(Enumerable.Repeat("née le ", 20_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.DoesNotThrow(() => IdentifierDetector.Default.Detect(CheckedText.FromParts("", hostile)));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }
}
