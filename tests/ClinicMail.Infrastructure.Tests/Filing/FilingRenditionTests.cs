using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Filing;
using Hl7.Fhir.Model;
using UglyToad.PdfPig;

namespace ClinicMail.Infrastructure.Tests.Filing;

/// <summary>The rendition (PDFsharp) and the FHIR resource (Firely SDK) of a filed exchange, read back
/// with real parsers: PdfPig for the PDF's text, the Firely profile validator for the resource.</summary>
public sealed class FilingRenditionTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 14, 30, 0, TimeSpan.Zero);
    private static readonly FhirResourceValidator Validator = new();

    internal static FiledExchange Exchange() => new()
    {
        Direction = ExchangeDirection.Outgoing,
        SourceKind = ExchangeSources.SentMail,
        From = "dre.gagnon@clinique.example.ca",
        To = ["marie.cote@example.ca"],
        Subject = "Vos résultats d'analyse",
        At = At,
        MessageId = "<abc@clinique.example.ca>",
        BodyText = "Bonjour Madame Côté,\n\nVos résultats de glycémie sont normaux. " + string.Concat(Enumerable.Repeat("Nous en reparlerons au prochain rendez-vous. ", 200)),
        Attachments = [new FiledAttachment("résultats.pdf", "application/pdf", Encoding.UTF8.GetBytes("%PDF-1.4 test"))],
        Check = new FiledCheck("chk_123", "warn", [new FiledReason("SECURE_DELIVERY_RECOMMENDED", "avertissement / warning")]),
    };

    [Test]
    public void Render_Exchange_PdfHoldsHeadersBodyAttachmentsAndDecision()
    {
        var pdf = new FilingPdfRenderer().Render(Exchange(), "fil-1", "MRN-000412", At);

        using var document = PdfDocument.Open(pdf);
        var text = string.Join("\n", document.GetPages().Select(p => p.Text));
        Assert.Multiple(() =>
        {
            Assert.That(document.NumberOfPages, Is.GreaterThan(1), "a long body flows onto more pages");
            Assert.That(text, Does.Contain("MRN-000412"));
            Assert.That(text, Does.Contain("marie.cote@example.ca"));
            Assert.That(text, Does.Contain("Vos résultats d'analyse"));
            Assert.That(text, Does.Contain("glycémie"));
            Assert.That(text, Does.Contain("résultats.pdf"));
            Assert.That(text, Does.Contain(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("%PDF-1.4 test")))[..20]));
            Assert.That(text, Does.Contain("SECURE_DELIVERY_RECOMMENDED"));
            Assert.That(text, Does.Contain("warn"));
            Assert.That(Encoding.ASCII.GetString(pdf), Does.Contain("pdfaid:part"), "PDF/A identification in the XMP metadata");
        });
    }

    [Test]
    public void Build_Exchange_DocumentReferenceValidatesWithTheFirelyValidator()
    {
        var pdf = new FilingPdfRenderer().Render(Exchange(), "fil-1", "MRN-000412", At);
        var resource = FhirFilingResource.Build(Exchange(), "fil-1", "MRN-000412", "urn:clinicmail:clinic-patient-id", pdf, At, inline: false);

        Assert.Multiple(() =>
        {
            Assert.That(Validator.Errors(resource), Is.Empty);
            Assert.That(resource.Subject?.Identifier?.Value, Is.EqualTo("MRN-000412"));
            Assert.That(resource.Content, Has.Count.EqualTo(2), "rendition and one attachment");
            Assert.That(resource.Content[0].Attachment.SizeUnsignedInt, Is.EqualTo(pdf.Length));
            Assert.That(resource.Content[0].Attachment.Hash, Is.EqualTo(SHA1.HashData(pdf)));
            Assert.That(resource.Content[0].Attachment.Extension.Single().Value?.ToString(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(pdf))));
        });
    }

    [Test]
    public void Errors_ResourceMissingRequiredElements_Reported()
    {
        var broken = new DocumentReference(); // status and content are required (1..1, 1..*)
        Assert.That(Validator.Errors(broken), Is.Not.Empty);
    }

    [Test]
    public async System.Threading.Tasks.Task LocalFolderDestination_FileTwice_OneOwnerOnlyCopy()
    {
        var root = Directory.CreateTempSubdirectory("clinicmail-record-");
        try
        {
            var destination = new LocalFolderDestination(root.FullName);
            var pdf = new FilingPdfRenderer().Render(Exchange(), "fil-1", "MRN/../000412", At);
            var document = new FilingDocument("fil-1", "MRN/../000412", pdf, "{}"u8.ToArray(), Exchange().Attachments);
            var first = await destination.FileAsync(document);
            var second = await destination.FileAsync(document with { Rendition = [1, 2, 3] });

            var folder = destination.FilingFolder("MRN/../000412", "fil-1");
            Assert.Multiple(() =>
            {
                Assert.That(folder, Does.StartWith(root.FullName + Path.DirectorySeparatorChar), "a patient id never climbs out of the folder");
                Assert.That(File.ReadAllBytes(Path.Combine(folder, "rendition.pdf")), Is.EqualTo(pdf), "the second delivery changed nothing");
                Assert.That(second, Is.EqualTo(first), "a repeated delivery reports the stored copy's hashes");
                Assert.That(first.RenditionSha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(pdf))));
                Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "resource.json", "rendition.pdf", "attachment-01-r_sultats.pdf" }));
                Assert.That(Directory.GetDirectories(Path.GetDirectoryName(folder)!), Has.Length.EqualTo(1), "no partial folder left");
                if (!OperatingSystem.IsWindows())
                {
                    Assert.That(File.GetUnixFileMode(Path.Combine(folder, "rendition.pdf")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
                    Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
                }
            });
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
