using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core.Pipeline;
using ClinicMail.Core.Mail;
using ClinicMail.Infrastructure.Mail;
using ClinicMail.Infrastructure.Tests.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicMail.Infrastructure.Tests.Mail;

/// <summary>The Graph sender against a local HTTPS server that speaks the documented
/// <c>POST /v1.0/users/{id}/sendMail</c>: bearer token, JSON message, 202 Accepted; 429 with
/// Retry-After is retried; an error answer becomes a <see cref="MailSendException"/> without content.</summary>
[TestFixture]
public sealed class GraphMailSenderTests
{
    private const string Token = "graph-token";
    private const string Sender = "clinique@clinique.med";

    private WebApplication _server = null!;
    private X509Certificate2 _certificate = null!;
    private Uri _base = null!;
    private readonly ConcurrentQueue<(string Path, string? Authorization, string Body)> _requests = new();
    private readonly ConcurrentQueue<(int Status, int? RetryAfter)> _faults = new();

    [SetUp]
    public async Task SetUpAsync()
    {
        _requests.Clear();
        _faults.Clear();
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=fake-graph", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using (var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1)))
        {
            _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(_certificate)));
        _server = builder.Build();
        _server.MapPost("/v1.0/users/{user}/sendMail", async (string user, HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            _requests.Enqueue((context.Request.Path.Value!, context.Request.Headers.Authorization.ToString(), body));
            if (context.Request.Headers.Authorization != "Bearer " + Token)
            {
                return Results.Json(new { error = new { code = "InvalidAuthenticationToken", message = "Access token is empty." } }, statusCode: 401);
            }

            if (_faults.TryDequeue(out var fault))
            {
                if (fault.RetryAfter is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return Results.Json(new { error = new { code = fault.Status == 429 ? "ApplicationThrottled" : "ErrorInvalidRecipients", message = "fault" } }, statusCode: fault.Status);
            }

            using var json = JsonDocument.Parse(body);
            var message = json.RootElement.GetProperty("message");
            _ = message.GetProperty("subject").GetString();
            _ = message.GetProperty("body").GetProperty("contentType").GetString();
            _ = message.GetProperty("toRecipients")[0].GetProperty("emailAddress").GetProperty("address").GetString();
            return Results.StatusCode(202);
        });
        await _server.StartAsync();
        _base = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/");
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    private GraphMailSender Sender_(string token = Token)
    {
        var pinned = _certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && c.GetCertHashString(HashAlgorithmName.SHA256) == pinned;
        var options = new GraphMailSenderOptions { BaseUri = _base, Transport = new HttpClientTransport(handler) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxRetries = 2;
        return new GraphMailSender(Sender, new FakeEntraCredential(token), options);
    }

    private static OutgoingMail Mail => new()
    {
        To = "marie.tremblay@videotron.ca",
        Subject = "Votre code ClinicMail",
        TextBody = "Votre code ClinicMail : 123456",
        Kind = "secure-code",
    };

    [Test]
    public async Task SendAsync_DocumentedRequest_AcceptedAsync()
    {
        await Sender_().SendAsync(Mail with { HtmlBody = "<p>Avis</p>" });

        var (path, authorization, body) = _requests.Single();
        Assert.That(path, Is.EqualTo("/v1.0/users/clinique%40clinique.med/sendMail").Or.EqualTo("/v1.0/users/clinique@clinique.med/sendMail"));
        Assert.That(authorization, Is.EqualTo("Bearer " + Token));
        using var json = JsonDocument.Parse(body);
        var message = json.RootElement.GetProperty("message");
        Assert.Multiple(() =>
        {
            Assert.That(message.GetProperty("subject").GetString(), Is.EqualTo("Votre code ClinicMail"));
            Assert.That(message.GetProperty("body").GetProperty("contentType").GetString(), Is.EqualTo("HTML"));
            Assert.That(message.GetProperty("body").GetProperty("content").GetString(), Is.EqualTo("<p>Avis</p>"));
            Assert.That(message.GetProperty("toRecipients")[0].GetProperty("emailAddress").GetProperty("address").GetString(), Is.EqualTo("marie.tremblay@videotron.ca"));
            Assert.That(json.RootElement.GetProperty("saveToSentItems").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task SendAsync_ThrottledWithRetryAfter_RetriedAndSentAsync()
    {
        _faults.Enqueue((429, 1));
        var started = DateTimeOffset.UtcNow;

        await Sender_().SendAsync(Mail);

        Assert.That(_requests, Has.Count.EqualTo(2));
        Assert.That(DateTimeOffset.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900)), "waited as Retry-After asked");
    }

    [Test]
    public void SendAsync_ErrorAnswer_MailSendExceptionWithoutContent()
    {
        _faults.Enqueue((400, null));

        var ex = Assert.ThrowsAsync<MailSendException>(() => Sender_().SendAsync(Mail));

        Assert.That(ex!.Message, Does.Contain("400").And.Contain("ErrorInvalidRecipients"));
        Assert.That(ex.Message, Does.Not.Contain("123456").And.Not.Contain("marie"));
    }

    [Test]
    public void SendAsync_TokenRefused_MailSendException()
    {
        var ex = Assert.ThrowsAsync<MailSendException>(() => Sender_("wrong-token").SendAsync(Mail));

        Assert.That(ex!.Message, Does.Contain("401"));
    }
}

/// <summary>The pickup folder writes complete RFC 5322 files a mail client or relay can read.</summary>
public sealed class PickupDirectoryMailSenderTests
{
    [Test]
    public async Task SendAsync_WritesAMimeFileWithReadableCodeAndEncodedSubjectAsync()
    {
        var folder = Directory.CreateTempSubdirectory("clinicmail-pickup-");
        try
        {
            var sender = new PickupDirectoryMailSender(folder.FullName, "clinicmail@clinique.med");
            await sender.SendAsync(new OutgoingMail
            {
                To = "marie.tremblay@videotron.ca",
                Subject = "Votre code : réponse sécurisée",
                TextBody = "Votre code ClinicMail : 654321\r\nÀ bientôt",
                HtmlBody = "<p>Avis sécurisé</p>",
                Kind = "secure-code",
            });

            var file = Directory.GetFiles(folder.FullName).Single();
            var text = await File.ReadAllTextAsync(file);
            Assert.That(Path.GetExtension(file), Is.EqualTo(".eml"));
            Assert.That(text, Does.Contain("To: marie.tremblay@videotron.ca\r\n").And.Contain("From: clinicmail@clinique.med\r\n"));
            Assert.That(text, Does.Contain("Subject: =?utf-8?B?"));
            Assert.That(text, Does.Contain("multipart/alternative").And.Contain("Content-Transfer-Encoding: quoted-printable"));
            Assert.That(text, Does.Contain("654321").And.Contain("=C3=80 bient=C3=B4t"));
            Assert.That(text.All(c => c < 128), Is.True, "7-bit clean");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public void QuotedPrintable_LongLine_SoftBreaksUnder76()
    {
        var encoded = MimeMessage.QuotedPrintable(new string('é', 100));

        Assert.That(encoded.Split("\r\n").All(l => l.Length <= 76), Is.True);
    }

    [Test]
    public async Task SendAsync_HeaderInjectionInSubject_StaysOneHeaderAsync()
    {
        var folder = Directory.CreateTempSubdirectory("clinicmail-pickup-");
        try
        {
            await new PickupDirectoryMailSender(folder.FullName, "clinicmail@clinique.med").SendAsync(new OutgoingMail
            {
                To = "a@example.com",
                Subject = "Code\r\nBcc: victim@example.com",
                TextBody = "x",
                Kind = "secure-code",
            });

            var text = await File.ReadAllTextAsync(Directory.GetFiles(folder.FullName).Single());
            Assert.That(text, Does.Not.Contain("\r\nBcc:"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
