using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClinicMail.Infrastructure.Filing;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicMail.Infrastructure.Tests.Filing;

/// <summary>A local FHIR-shaped server (Kestrel, HTTPS on loopback) that takes what an EMR's FHIR base
/// takes: <c>POST /</c> of a transaction <c>Bundle</c> (application/fhir+json), each entry validated with
/// the Firely SDK's profile validator, a conditional create honoured by its <c>ifNoneExist</c> identifier
/// (201 the first time, 200 after), and a <c>transaction-response</c> Bundle back. With
/// a trusted client certificate given to <see cref="StartAsync"/>, the TLS handshake requires the one client certificate it trusts.</summary>
internal sealed class FhirEndpointServer : IAsyncDisposable
{
    private static readonly FhirResourceValidator Validator = new();
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, DocumentReference> _stored = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Received> _received = new();

    private FhirEndpointServer(WebApplication app, X509Certificate2 serverCertificate)
    {
        _app = app;
        ServerCertificate = serverCertificate;
    }

    /// <summary>One POST as the server saw it: its bundle, the validator's errors, the answer.</summary>
    public sealed record Received(string ContentType, string? Authorization, Bundle? Bundle, IReadOnlyList<string> Errors, int Status, string? ClientCertificateThumbprint);

    public X509Certificate2 ServerCertificate { get; }

    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<Received> Requests => [.. _received];

    public IReadOnlyDictionary<string, DocumentReference> Stored => _stored;

    /// <param name="trustedClient">The client certificate the TLS handshake requires; null: none asked.</param>
    public static async Task<FhirEndpointServer> StartAsync(X509Certificate2? trustedClient = null)
    {
        var serverCertificate = Certificates.SelfSigned("CN=localhost", serverAuth: true);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = serverCertificate,
            ClientCertificateMode = trustedClient is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
            // Trust exactly the test's client certificate (self-signed, so no chain to check).
            ClientCertificateValidation = (certificate, _, _) => trustedClient is not null && certificate.Thumbprint == trustedClient.Thumbprint,
        })));
        var app = builder.Build();
        var server = new FhirEndpointServer(app, serverCertificate);
        app.MapPost("/", (Delegate)server.TransactionAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>The production handler (with or without a client certificate), trusting this server's certificate only.</summary>
    public HttpClient Client(X509Certificate2? clientCertificate)
    {
        var handler = FhirClientCertificate.Handler(clientCertificate);
        var pinned = ServerCertificate.GetCertHashString(HashAlgorithmName.SHA256);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == pinned;
        return new HttpClient(handler);
    }

    private async Task<IResult> TransactionAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType ?? "";
        var thumbprint = context.Connection.ClientCertificate?.Thumbprint;
        Bundle? bundle = null;
        var errors = new List<string>();
        try
        {
            bundle = await System.Text.Json.JsonSerializer.DeserializeAsync<Bundle>(context.Request.Body, FhirFilingResource.Json);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or DeserializationFailedException)
        {
            errors.Add("unparsable: " + exception.GetType().Name);
        }

        if (bundle is not null)
        {
            errors.AddRange(Validator.Errors(bundle));
            if (bundle.Type != Bundle.BundleType.Transaction)
            {
                errors.Add("not a transaction");
            }
        }

        if (!contentType.StartsWith("application/fhir+json", StringComparison.Ordinal) || bundle is null || errors.Count > 0)
        {
            _received.Enqueue(new Received(contentType, context.Request.Headers.Authorization, bundle, errors, 400, thumbprint));
            return Results.Text("""{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid"}]}""", "application/fhir+json", statusCode: 400);
        }

        var response = new Bundle { Type = Bundle.BundleType.TransactionResponse };
        var status = 200;
        foreach (var entry in bundle.Entry)
        {
            // ifNoneExist: identifier=system|value — a match means "already there, nothing created".
            var identifier = Uri.UnescapeDataString(entry.Request!.IfNoneExist!["identifier=".Length..]);
            var created = _stored.TryAdd(identifier, (DocumentReference)entry.Resource!);
            status = created ? 201 : status;
            response.Entry.Add(new Bundle.EntryComponent { Response = new Bundle.ResponseComponent { Status = created ? "201 Created" : "200 OK" } });
        }

        _received.Enqueue(new Received(contentType, context.Request.Headers.Authorization, bundle, errors, 200, thumbprint));
        return Results.Bytes(FhirFilingResource.ToJsonBytes(response), "application/fhir+json");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        ServerCertificate.Dispose();
    }
}

/// <summary>Certificates made in the test (RSA 2048, valid for a day), exported and re-imported as
/// PKCS#12 the way configuration carries them.</summary>
internal static class Certificates
{
    public static X509Certificate2 SelfSigned(string subject, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new System.Security.Cryptography.Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], critical: false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    /// <summary>The configuration form: base64 PKCS#12 with a password.</summary>
    public static string Pkcs12Base64(X509Certificate2 certificate, string password) =>
        Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12, password));
}
