using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>Mutual TLS to an EMR's FHIR endpoint: the client certificate from configuration
/// (<c>RecordFiling:Fhir:ClientCertificate</c>, base64 PKCS#12 with its private key — what a Key Vault
/// certificate reference yields) and the HTTP handler that presents it.</summary>
public static class FhirClientCertificate
{
    /// <exception cref="FormatException">Not base64, not a PKCS#12, a wrong password, or no private key
    /// (the message names the problem, never the value).</exception>
    public static X509Certificate2 Load(string base64Pkcs12, string? password)
    {
        ArgumentNullException.ThrowIfNull(base64Pkcs12);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64Pkcs12.Trim());
        }
        catch (FormatException exception)
        {
            throw new FormatException("The FHIR client certificate is not base64.", exception);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12(bytes, string.IsNullOrEmpty(password) ? null : password);
        }
        catch (CryptographicException exception)
        {
            throw new FormatException("The FHIR client certificate is not a PKCS#12 this password opens.", exception);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new FormatException("The FHIR client certificate has no private key.");
        }

        return certificate;
    }

    /// <summary>The handler of the FHIR destination's client: TLS 1.2+, the client certificate (when
    /// given) offered to the server, the server's certificate checked by the platform as usual.</summary>
    public static SocketsHttpHandler Handler(X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = { EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13 },
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            // Offer it whatever CA list the server announces (EMR gateways often announce none).
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        return handler;
    }
}
