using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ClinicMail.Core.Filing;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>Production: one blob per file under <c>{clinic patient id}/{filing id}/</c> in a container
/// with versioning and a time-based immutability (WORM) policy (infra/, docs/record-filing.md), reached
/// with the Function App's managed identity; encrypted at rest by Storage Service Encryption. Each blob
/// is written with <c>If-None-Match: *</c>: a repeated delivery gets 409 and writes nothing (a WORM
/// container would refuse the overwrite anyway), so a filing is never duplicated or changed.</summary>
public sealed class BlobFilingDestination(BlobContainerClient container) : IFilingDestination
{
    public string Kind => "blob";

    public async Task<FilingReceipt> FileAsync(FilingDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var prefix = LocalFolderDestination.SafeName(document.ClinicPatientId) + "/" + LocalFolderDestination.SafeName(document.FilingId) + "/";
        try
        {
            // The resource last: its presence says the filing is complete.
            for (var i = 0; i < document.Attachments.Count; i++)
            {
                await UploadAsync(prefix + FhirFilingResource.AttachmentFileName(i, document.Attachments[i].Name), document.Attachments[i].Content, document.Attachments[i].ContentType, document.FilingId, cancellationToken).ConfigureAwait(false);
            }

            var rendition = await UploadAsync(prefix + FhirFilingResource.RenditionName, document.Rendition, "application/pdf", document.FilingId, cancellationToken).ConfigureAwait(false);
            var resource = await UploadAsync(prefix + LocalFolderDestination.ResourceName, document.ResourceJson, "application/fhir+json", document.FilingId, cancellationToken).ConfigureAwait(false);
            return new FilingReceipt(rendition, resource);
        }
        catch (RequestFailedException exception)
        {
            var transient = exception.Status is 0 or 408 or 429 or >= 500;
            throw new FilingDestinationException(transient ? "destination_unreachable" : "destination_rejected", transient,
                "Blob Storage answered " + exception.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) + " (" + exception.ErrorCode + ").", exception);
        }
    }

    /// <returns>The SHA-256 of the blob as stored (this content's, or the earlier attempt's, from its metadata).</returns>
    private async Task<string> UploadAsync(string name, byte[] content, string contentType, string filingId, CancellationToken cancellationToken)
    {
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        var blob = container.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(new BinaryData(content), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Metadata = new Dictionary<string, string> { ["filingid"] = filingId, ["sha256"] = sha256 },
            }, cancellationToken).ConfigureAwait(false);
            return sha256;
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412)
        {
            // BlobAlreadyExists: written by an earlier attempt of the same filing; its hash is in its metadata.
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.Metadata.TryGetValue("sha256", out var stored) ? stored : sha256;
        }
    }
}
