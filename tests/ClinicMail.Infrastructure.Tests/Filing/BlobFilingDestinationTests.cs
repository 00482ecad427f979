using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Filing;
using ClinicMail.Infrastructure.Tests.Audit;

namespace ClinicMail.Infrastructure.Tests.Filing;

/// <summary>The production destination against Azurite (ignored without <c>CLINICMAIL_TEST_AZURITE</c>):
/// one blob per file under the patient's and the filing's prefix, each carrying its SHA-256; a repeated
/// delivery writes nothing new and reports the stored copy's hashes, even when the new rendition differs
/// (renditions are not byte-for-byte reproducible).</summary>
public sealed class BlobFilingDestinationTests
{
    private static FilingDocument Document(string rendition) => new(
        "fil-sent-mail-0a1b2c",
        "MRN/000412",
        Encoding.UTF8.GetBytes(rendition),
        Encoding.UTF8.GetBytes("""{"resourceType":"DocumentReference"}"""),
        [new FiledAttachment("résultats.pdf", "application/pdf", Encoding.UTF8.GetBytes("%PDF-1.4 attachment"))]);

    [Test]
    public async Task File_ThenFileAgain_OneCopyWithItsHashesAndTheFirstCopysReceipt()
    {
        var container = await AzuriteContainer.CreateAsync();
        var destination = new BlobFilingDestination(container);
        var first = Document("%PDF-1.4 first rendition");

        var receipt = await destination.FileAsync(first);
        var again = await destination.FileAsync(Document("%PDF-1.4 second rendition, other font tag"));

        var blobs = new List<(string Name, string ContentType, IDictionary<string, string> Metadata)>();
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = Azure.Storage.Blobs.Models.BlobTraits.Metadata }))
        {
            blobs.Add((blob.Name, blob.Properties.ContentType, blob.Metadata));
        }

        var stored = (await container.GetBlobClient(blobs.Single(b => b.Name.EndsWith("rendition.pdf", StringComparison.Ordinal)).Name).DownloadContentAsync()).Value.Content.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(receipt.RenditionSha256, Is.EqualTo(first.RenditionSha256));
            Assert.That(receipt.ResourceSha256, Is.EqualTo(first.ResourceSha256));
            Assert.That(again, Is.EqualTo(receipt), "the repeated delivery names the copy already stored");
            Assert.That(blobs, Has.Count.EqualTo(3), "rendition, resource, one attachment: nothing duplicated");
            Assert.That(blobs.Select(b => b.Name.Split('/')[0]).Distinct().Single(), Is.EqualTo(LocalFolderDestination.SafeName("MRN/000412")), "the patient id is never a path");
            Assert.That(blobs.All(b => b.Name.Split('/')[1] == "fil-sent-mail-0a1b2c"), Is.True);
            Assert.That(blobs.Single(b => b.Name.EndsWith(LocalFolderDestination.ResourceName, StringComparison.Ordinal)).ContentType, Is.EqualTo("application/fhir+json"));
            Assert.That(blobs.All(b => b.Metadata["filingid"] == "fil-sent-mail-0a1b2c"), Is.True);
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(stored)), Is.EqualTo(first.RenditionSha256), "the first rendition stayed");
            Assert.That(blobs.Single(b => b.Name.Contains("attachment", StringComparison.Ordinal)).Metadata["sha256"],
                Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("%PDF-1.4 attachment")))));
        });
    }

    [Test]
    public async Task File_ContainerGone_TransientFailureWithACodeAndNoContent()
    {
        var container = await AzuriteContainer.CreateAsync();
        await container.DeleteAsync();
        var destination = new BlobFilingDestination(container);

        var failure = Assert.ThrowsAsync<FilingDestinationException>(() => destination.FileAsync(Document("%PDF-1.4 x")));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Code, Is.EqualTo("destination_rejected"), "404 ContainerNotFound is not retried into success");
            Assert.That(failure.Transient, Is.False);
            Assert.That(failure.Message, Does.Not.Contain("MRN"));
        });
    }
}
