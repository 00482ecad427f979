using System.Globalization;
using System.Security.Cryptography;
using ClinicMail.Core.Filing;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>The FHIR R4 resource that describes one filed exchange: a <c>DocumentReference</c>
/// (docs/record-filing.md says why not <c>Communication</c>). Its subject is the patient by the
/// clinic's own patient id (an identifier, not a server reference: the EMR resolves it); its first
/// content is the PDF rendition, then one content per attachment, each with size, SHA-1 (the R4
/// <c>Attachment.hash</c>) and SHA-256 (extension).</summary>
public static class FhirFilingResource
{
    /// <summary>The identifier system of ClinicMail filings (the outbox id: the idempotency key).</summary>
    public const string FilingSystem = "urn:clinicmail:filing";

    /// <summary>The code system of the exchange kinds (<see cref="ExchangeSources"/>).</summary>
    public const string ExchangeKindSystem = "urn:clinicmail:exchange-kind";

    public const string Sha256Extension = "urn:clinicmail:fhir:attachment-sha256";

    public const string DirectionExtension = "urn:clinicmail:fhir:exchange-direction";

    public const string DecisionExtension = "urn:clinicmail:fhir:check-decision";

    /// <summary>The file name of the rendition beside the resource (embedded folder, blob prefix).</summary>
    public const string RenditionName = "rendition.pdf";

    /// <summary>The SDK's System.Text.Json converters for R4 (also used to parse resources back).</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = new System.Text.Json.JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector).Pretty();

    /// <param name="exchange">The exchange.</param>
    /// <param name="filingId">The outbox id.</param>
    /// <param name="clinicPatientId">The clinic's own patient id.</param>
    /// <param name="patientIdSystem">The identifier system of clinic patient ids (configuration).</param>
    /// <param name="rendition">The PDF rendition's bytes.</param>
    /// <param name="filedAt">When it is filed.</param>
    /// <param name="inline">True: the rendition and attachments travel inside the resource (FHIR endpoint);
    /// false: they are files beside it, named by the attachment URLs.</param>
    public static DocumentReference Build(FiledExchange exchange, string filingId, string clinicPatientId, string patientIdSystem, byte[] rendition, DateTimeOffset filedAt, bool inline)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(rendition);
        var resource = new DocumentReference
        {
            MasterIdentifier = new Identifier(FilingSystem, filingId),
            Status = DocumentReferenceStatus.Current,
            DocStatus = CompositionStatus.Final,
            Type = new CodeableConcept(ExchangeKindSystem, exchange.SourceKind, KindDisplay(exchange.SourceKind)),
            Subject = new ResourceReference { Identifier = new Identifier(patientIdSystem, clinicPatientId) },
            Date = filedAt.ToUniversalTime(),
            Author = [new ResourceReference { Display = exchange.From }],
            Description = exchange.Subject.Length == 0 ? null : exchange.Subject,
            Context = new DocumentReference.ContextComponent { Period = new Period { StartElement = new FhirDateTime(exchange.At.ToUniversalTime()) } },
        };
        resource.Extension.Add(new Extension(DirectionExtension, new Code(exchange.Direction == ExchangeDirection.Outgoing ? "outgoing" : "incoming")));
        if (exchange.Check is not null)
        {
            resource.Extension.Add(new Extension(DecisionExtension, new Code(exchange.Check.Decision)));
        }

        resource.Content.Add(Content("application/pdf", RenditionName, rendition, exchange.At, inline, "fr"));
        for (var i = 0; i < exchange.Attachments.Count; i++)
        {
            var attachment = exchange.Attachments[i];
            resource.Content.Add(Content(attachment.ContentType, AttachmentFileName(i, attachment.Name), attachment.Content, exchange.At, inline, null, attachment.Name));
        }

        return resource;
    }

    public static byte[] ToJsonBytes(Resource resource) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(resource, Json);

    /// <summary>The file name an attachment is stored under beside the resource: its position and a
    /// name reduced to safe characters (the original name stays in the attachment's title).</summary>
    public static string AttachmentFileName(int index, string name)
    {
        var safe = new string([.. (name ?? "").Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]).Trim('.');
        if (safe.Length == 0)
        {
            safe = "attachment";
        }

        return string.Create(CultureInfo.InvariantCulture, $"attachment-{index + 1:D2}-{(safe.Length > 60 ? safe[..60] : safe)}");
    }

    private static DocumentReference.ContentComponent Content(string contentType, string fileName, byte[] bytes, DateTimeOffset at, bool inline, string? language, string? title = null)
    {
        var attachment = new Attachment
        {
            ContentType = string.IsNullOrWhiteSpace(contentType) ? "application/octet-stream" : contentType,
            Language = language,
            SizeUnsignedInt = bytes.Length,
            Hash = SHA1.HashData(bytes),
            Title = title ?? fileName,
            CreationElement = new FhirDateTime(at.ToUniversalTime()),
        };
        if (inline)
        {
            attachment.Data = bytes;
        }
        else
        {
            attachment.Url = fileName;
        }

        attachment.Extension.Add(new Extension(Sha256Extension, new FhirString(Convert.ToHexStringLower(SHA256.HashData(bytes)))));
        return new DocumentReference.ContentComponent { Attachment = attachment };
    }

    private static string KindDisplay(string kind) => kind switch
    {
        ExchangeSources.SecureMessage => "Message sécurisé / Secure message",
        ExchangeSources.SecureReply => "Réponse sécurisée / Secure reply",
        ExchangeSources.SentMail => "Courriel envoyé / Sent mail",
        ExchangeSources.IncomingMail => "Courriel reçu / Incoming mail",
        ExchangeSources.Acknowledgement => "Accusé de réception / Acknowledgement",
        ExchangeSources.ConsentNote => "Note au dossier : consentement / Record note: consent",
        _ => kind,
    };
}
