using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Filing;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace ClinicMail.Infrastructure.Tests.Filing;

/// <summary>The FHIR destination against a local FHIR-shaped server that validates what it receives with
/// the Firely SDK (<see cref="FhirEndpointServer"/>): a valid transaction Bundle with a conditional
/// create, bearer authentication, idempotency across a repeated delivery, mutual TLS with a client
/// certificate made in the test and loaded from its configuration form, and the refusals.</summary>
public sealed class FhirEndpointDestinationTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 14, 30, 0, TimeSpan.Zero);

    private static FilingDocument Document(string filingId)
    {
        var exchange = FilingRenditionTests.Exchange();
        var pdf = new FilingPdfRenderer().Render(exchange, filingId, "MRN-000412", At);
        var resource = FhirFilingResource.Build(exchange, filingId, "MRN-000412", "urn:clinicmail:clinic-patient-id", pdf, At, inline: true);
        return new FilingDocument(filingId, "MRN-000412", pdf, FhirFilingResource.ToJsonBytes(resource), exchange.Attachments);
    }

    [Test]
    public async Task File_Twice_ValidTransactionBundleWithConditionalCreate_OneDocumentStored()
    {
        await using var server = await FhirEndpointServer.StartAsync();
        using var http = server.Client(null);
        var destination = new FhirEndpointDestination(http, server.BaseUri, "emr-token");
        var document = Document("fil-sent-mail-1");

        var receipt = await destination.FileAsync(document);
        await destination.FileAsync(document);

        var first = server.Requests[0];
        var bundle = first.Bundle!;
        var entry = bundle.Entry.Single();
        var request = entry.Request!;
        Assert.Multiple(() =>
        {
            Assert.That(server.Requests.Select(r => r.Status), Is.EqualTo(new[] { 200, 200 }));
            Assert.That(first.Errors, Is.Empty, "the Firely validator accepts the Bundle");
            Assert.That(first.ContentType, Does.StartWith("application/fhir+json"));
            Assert.That(first.Authorization, Is.EqualTo("Bearer emr-token"));
            Assert.That(bundle.Type, Is.EqualTo(Bundle.BundleType.Transaction));
            Assert.That(request.Method, Is.EqualTo(Bundle.HTTPVerb.POST));
            Assert.That(request.Url, Is.EqualTo("DocumentReference"));
            Assert.That(request.IfNoneExist, Is.EqualTo("identifier=" + Uri.EscapeDataString(FhirFilingResource.FilingSystem + "|fil-sent-mail-1")));
            Assert.That(entry.FullUrl, Does.StartWith("urn:uuid:"));
            Assert.That(((DocumentReference)entry.Resource!).Content.First().Attachment.Data, Is.Not.Null.And.Not.Empty, "the rendition inline");
            Assert.That(server.Stored, Has.Count.EqualTo(1), "the repeated delivery created nothing");
            Assert.That(receipt.RenditionSha256, Is.EqualTo(document.RenditionSha256));
        });
    }

    [Test]
    public async Task File_MutualTls_ClientCertificateFromConfigurationForm_Accepted()
    {
        using var client = Certificates.SelfSigned("CN=clinicmail-filing", serverAuth: false);
        using var loaded = FhirClientCertificate.Load(Certificates.Pkcs12Base64(client, "p@ss-test"), "p@ss-test");
        await using var server = await FhirEndpointServer.StartAsync(trustedClient: client);
        using var http = server.Client(loaded);

        await new FhirEndpointDestination(http, server.BaseUri, bearerToken: null).FileAsync(Document("fil-sent-mail-2"));

        Assert.Multiple(() =>
        {
            Assert.That(server.Requests.Single().ClientCertificateThumbprint, Is.EqualTo(client.Thumbprint));
            Assert.That(server.Requests.Single().Authorization, Is.Null, "no bearer configured");
            Assert.That(server.Stored, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task File_MutualTlsRequired_NoOrWrongCertificate_UnreachableNotFiled()
    {
        using var trusted = Certificates.SelfSigned("CN=clinicmail-filing", serverAuth: false);
        using var other = Certificates.SelfSigned("CN=someone-else", serverAuth: false);
        await using var server = await FhirEndpointServer.StartAsync(trustedClient: trusted);
        using var none = server.Client(null);
        using var wrong = server.Client(other);

        var withoutCertificate = Assert.ThrowsAsync<FilingDestinationException>(() => new FhirEndpointDestination(none, server.BaseUri, null).FileAsync(Document("fil-sent-mail-3")));
        var withWrongCertificate = Assert.ThrowsAsync<FilingDestinationException>(() => new FhirEndpointDestination(wrong, server.BaseUri, null).FileAsync(Document("fil-sent-mail-3")));

        Assert.Multiple(() =>
        {
            Assert.That(withoutCertificate!.Code, Is.EqualTo("destination_unreachable"));
            Assert.That(withWrongCertificate!.Code, Is.EqualTo("destination_unreachable"));
            Assert.That(server.Stored, Is.Empty);
        });
    }

    [Test]
    public async Task File_ServerRejectsTheBundle_PermanentFailure()
    {
        await using var server = await FhirEndpointServer.StartAsync();
        using var http = server.Client(null);
        // Breaks invariant att-1 (an attachment with data has a contentType): parses, but does not validate.
        var invalid = Document("fil-sent-mail-4") with { ResourceJson = """{"resourceType":"DocumentReference","status":"current","content":[{"attachment":{"data":"AAAA"}}]}"""u8.ToArray() };

        var failure = Assert.ThrowsAsync<FilingDestinationException>(() => new FhirEndpointDestination(http, server.BaseUri, null).FileAsync(invalid));

        Assert.Multiple(() =>
        {
            Assert.That(server.Requests.Single().Errors, Is.Not.Empty, "the server's Firely validator found the errors");
            Assert.That(failure!.Code, Is.EqualTo("destination_rejected"));
            Assert.That(failure.Transient, Is.False);
        });
    }

    [TestCase("not base64!")]
    [TestCase("AAAA")]
    public void Load_NotAPkcs12_FormatExceptionNamingNoValue(string value)
    {
        var failure = Assert.Throws<FormatException>(() => FhirClientCertificate.Load(value, null));

        Assert.That(failure!.Message, Does.Not.Contain(value));
    }

    [Test]
    public void Load_WrongPassword_FormatException()
    {
        using var client = Certificates.SelfSigned("CN=clinicmail-filing", serverAuth: false);

        Assert.Throws<FormatException>(() => FhirClientCertificate.Load(Certificates.Pkcs12Base64(client, "right"), "wrong"));
    }

    [Test]
    public void Load_CertificateWithoutPrivateKey_Refused()
    {
        using var client = Certificates.SelfSigned("CN=clinicmail-filing", serverAuth: false);
        using var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(client.RawData);
        var pfx = Convert.ToBase64String(publicOnly.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12));

        Assert.That(() => FhirClientCertificate.Load(pfx, null), Throws.TypeOf<FormatException>().With.Message.Contains("private key"));
    }
}
