using System.Net;
using System.Net.Http.Headers;
using ClinicMail.Core.Filing;
using Hl7.Fhir.Model;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>An EMR's FHIR endpoint: a transaction <c>Bundle</c> POSTed to the base URL, holding the
/// DocumentReference (rendition and attachments inline) as a conditional create
/// (<c>ifNoneExist: identifier=urn:clinicmail:filing|{id}</c>), so a repeated delivery creates nothing new.
/// Bearer and/or mutual-TLS authentication from configuration (<see cref="FhirClientCertificate"/>).</summary>
public sealed class FhirEndpointDestination(HttpClient http, Uri endpoint, string? bearerToken) : IFilingDestination
{
    public string Kind => "fhir";

    public async System.Threading.Tasks.Task<FilingReceipt> FileAsync(FilingDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var resource = System.Text.Json.JsonSerializer.Deserialize<DocumentReference>(document.ResourceJson, FhirFilingResource.Json)
            ?? throw new FilingDestinationException("fhir_invalid", false, "Empty resource.");
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + DeterministicGuid(document.FilingId),
            Resource = resource,
            Request = new Bundle.RequestComponent
            {
                Method = Bundle.HTTPVerb.POST,
                Url = "DocumentReference",
                IfNoneExist = "identifier=" + Uri.EscapeDataString(FhirFilingResource.FilingSystem + "|" + document.FilingId),
            },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ByteArrayContent(FhirFilingResource.ToJsonBytes(bundle)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        if (!string.IsNullOrEmpty(bearerToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new FilingDestinationException("destination_unreachable", true, "The FHIR endpoint could not be reached.", exception);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var transient = response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
                throw new FilingDestinationException(transient ? "destination_unreachable" : "destination_rejected", transient,
                    "The FHIR endpoint answered " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
            }
        }

        // The EMR keeps its own copy (conditional create: the first one); these are the hashes sent.
        return new FilingReceipt(document.RenditionSha256, document.ResourceSha256);
    }

    private static Guid DeterministicGuid(string value)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value));
        return new Guid(hash.AsSpan(0, 16));
    }
}
