using System.Text;
using ClinicMail.Core.Attachments;
using ClinicMail.Infrastructure.Attachments;
using ClinicMail.Infrastructure.Tests.Scenarios;

namespace ClinicMail.Infrastructure.Tests.Attachments;

/// <summary>Issue 17, defect 10: attachments are read — PDF (PdfPig), Word (Open XML SDK) and plain text — within
/// limits, and anything that cannot be read says why instead of throwing. Real files built in memory.</summary>
public sealed class DocumentAttachmentReaderTests
{
    private static AttachmentText Read(string name, byte[] bytes, string? type = null, AttachmentLimits? limits = null) =>
        new DocumentAttachmentReader(limits).Read(name, type, bytes, CancellationToken.None);

    [Test]
    public void Pdf_WithTextLayer_TextInReadingOrderAndPageCount()
    {
        var text = Read("resultat.pdf", ScenarioFiles.Pdf("Resultat de biopsie\nLesion benigne, suivi dans 6 mois", pages: 2));
        Assert.That(text.Unreadable, Is.Null);
        Assert.That(text.Pages, Is.EqualTo(2));
        Assert.That(text.Text, Does.Contain("Resultat de biopsie"));
        Assert.That(text.Text!.IndexOf("Resultat", StringComparison.Ordinal), Is.LessThan(text.Text.IndexOf("Lesion", StringComparison.Ordinal)), "top line first");
    }

    [Test]
    public void Pdf_NamedAnythingOrTypedAnything_ReadFromItsSignature()
    {
        var text = Read("scan0001", ScenarioFiles.Pdf("Chlamydia positive"), "application/octet-stream");
        Assert.That(text.Text, Does.Contain("Chlamydia positive"));
    }

    [Test]
    public void Pdf_ScanWithoutTextLayer_NoTextLayerWithPages()
    {
        var text = Read("scan0001.pdf", ScenarioFiles.Pdf(null, pages: 3));
        Assert.That(text.Unreadable, Is.EqualTo(UnreadableReason.NoTextLayer));
        Assert.That(text.Text, Is.Null);
        Assert.That(text.Pages, Is.EqualTo(3));
    }

    [Test]
    public void Pdf_MorePagesThanTheLimit_TooLarge()
    {
        var text = Read("dossier.pdf", ScenarioFiles.Pdf("page", pages: 3), limits: new AttachmentLimits { MaxPages = 2 });
        Assert.That(text.Unreadable, Is.EqualTo(UnreadableReason.TooLarge));
    }

    [Test]
    public void Pdf_Damaged_DamagedNotThrown()
    {
        var bytes = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ngarbage without xref");
        var text = Read("abime.pdf", bytes);
        Assert.That(text.Unreadable, Is.EqualTo(UnreadableReason.Damaged));
    }

    [Test]
    public void AnyFile_OverTheByteLimit_TooLargeBeforeParsing()
    {
        var text = Read("gros.txt", Encoding.UTF8.GetBytes(new string('a', 2048)), "text/plain", new AttachmentLimits { MaxBytes = 1024 });
        Assert.That(text.Unreadable, Is.EqualTo(UnreadableReason.TooLarge));
    }

    [Test]
    public void Docx_ParagraphsOnTheirOwnLines_AccentsKept()
    {
        var text = Read("lettre.docx", ScenarioFiles.Docx("Résultat : hémoglobine basse\nÀ recontrôler dans un mois"));
        Assert.That(text.Unreadable, Is.Null);
        Assert.That(text.Text, Does.Contain("Résultat : hémoglobine basse\nÀ recontrôler"));
    }

    [Test]
    public void Docx_ByContentTypeWithoutExtension_Read()
    {
        var text = Read("piece-jointe", ScenarioFiles.Docx("Follow-up needed"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        Assert.That(text.Text, Does.Contain("Follow-up needed"));
    }

    [Test]
    public void Docx_Empty_NotText()
    {
        Assert.That(Read("vide.docx", ScenarioFiles.Docx("")).Unreadable, Is.EqualTo(UnreadableReason.NotText));
    }

    [Test]
    public void Zip_NotWord_NotText()
    {
        Assert.That(Read("archive.zip", ScenarioFiles.Docx("cache")).Unreadable, Is.EqualTo(UnreadableReason.NotText));
    }

    [Test]
    public void PlainText_Utf8AndLatin1_Decoded()
    {
        var utf8 = Read("note.txt", Encoding.UTF8.GetBytes("Glycémie élevée"), "text/plain");
        var latin1 = Read("note.txt", Encoding.Latin1.GetBytes("Glycémie élevée"), "text/plain");
        Assert.That(utf8.Text, Is.EqualTo("Glycémie élevée"));
        Assert.That(latin1.Text, Is.EqualTo("Glycémie élevée"));
    }

    [Test]
    public void PlainText_OverTheCharacterLimit_Truncated()
    {
        var text = Read("long.csv", Encoding.UTF8.GetBytes(new string('x', 500)), "text/csv", new AttachmentLimits { MaxChars = 100 });
        Assert.That(text.Unreadable, Is.Null);
        Assert.That(text.Text, Has.Length.EqualTo(100));
    }

    [TestCase("photo.jpg", "image/jpeg")]
    [TestCase("photo", null)]
    public void Image_NotText(string name, string? type)
    {
        Assert.That(Read(name, ScenarioFiles.Opaque(4096), type).Unreadable, Is.EqualTo(UnreadableReason.NotText));
    }

    [Test]
    public void Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            DocumentAttachmentReader.Default.Read("r.pdf", null, ScenarioFiles.Pdf("x"), cancelled.Token));
    }
}
