using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicMail.Core.Mail;
using ClinicMail.Infrastructure.Mail;
using ClinicMail.Infrastructure.Tests.Keys;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ClinicMail.Infrastructure.Tests.Mail;

/// <summary>The Graph SDK sender against a local Graph-shaped server (WireMock.Net) that answers
/// <c>POST /v1.0/users/{id}/sendMail</c> as Graph documents (202 Accepted, OData errors, 429 with
/// Retry-After) and records what the SDK sent, so the exact request is asserted.</summary>
[TestFixture]
public sealed class GraphMailSenderTests
{
    private const string Token = "graph-token";
    private const string Sender = "clinique@clinique.med";

    private WireMockServer _graph = null!;

    [SetUp]
    public void SetUp()
    {
        _graph = WireMockServer.Start();
        _graph.Given(Request.Create().WithPath("/v1.0/users/*/sendMail").UsingPost())
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBodyAsJson(new { error = new { code = "InvalidAuthenticationToken", message = "Access token is empty." } }));
        _graph.Given(Request.Create().WithPath("/v1.0/users/*/sendMail").UsingPost().WithHeader("Authorization", "Bearer " + Token))
            .AtPriority(5)
            .RespondWith(Response.Create().WithStatusCode(202));
    }

    [TearDown]
    public void TearDown() => _graph.Stop();

    private GraphMailSender Sender_(string token = Token) =>
        new(Sender, new FakeEntraCredential(token), new GraphMailSenderOptions { BaseUri = new Uri(_graph.Url!.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/") });

    private static OutgoingMail Mail => new()
    {
        To = "marie.tremblay@videotron.ca",
        Subject = "Votre code ClinicMail",
        TextBody = "Votre code ClinicMail : 123456",
        Kind = "secure-code",
    };

    /// <summary>The next sendMail with the right token is answered with this fault (once).</summary>
    private void FaultOnce(int status, string code, int? retryAfterSeconds = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBodyAsJson(new { error = new { code, message = "fault" } });
        if (retryAfterSeconds is { } seconds)
        {
            response = response.WithHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        _graph.Given(Request.Create().WithPath("/v1.0/users/*/sendMail").UsingPost().WithHeader("Authorization", "Bearer " + Token))
            .InScenario("fault").WillSetStateTo("done").AtPriority(1)
            .RespondWith(response);
    }

    [Test]
    public async Task SendAsync_HtmlMail_ExactDocumentedRequestAsync()
    {
        await Sender_().SendAsync(Mail with { HtmlBody = "<p>Avis</p>" });

        var request = _graph.LogEntries.Single().RequestMessage;
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/v1.0/users/clinique@clinique.med/sendMail").Or.EqualTo("/v1.0/users/clinique%40clinique.med/sendMail"));
            Assert.That(request.Headers!["Authorization"].Single(), Is.EqualTo("Bearer " + Token));
            Assert.That(request.Headers!["Content-Type"].Single(), Does.StartWith("application/json"));
        });
        // The SDK writes the action's two parameters in PascalCase ("Message", "SaveToSentItems");
        // Graph reads property names case-insensitively. The rest is the documented shape.
        var expected = JsonNode.Parse("""
            {
              "Message": {
                "@odata.type": "#microsoft.graph.message",
                "body": { "content": "<p>Avis</p>", "contentType": "html" },
                "internetMessageHeaders": [ { "name": "X-ClinicMail-Kind", "value": "secure-code" } ],
                "subject": "Votre code ClinicMail",
                "toRecipients": [ { "emailAddress": { "address": "marie.tremblay@videotron.ca" } } ]
              },
              "SaveToSentItems": false
            }
            """);
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(request.Body!), expected), Is.True, request.Body);
    }

    [Test]
    public async Task SendAsync_TextMail_TextBodyAsync()
    {
        await Sender_().SendAsync(Mail);

        using var json = JsonDocument.Parse(_graph.LogEntries.Single().RequestMessage.Body!);
        var body = json.RootElement.GetProperty("Message").GetProperty("body");
        Assert.That(body.GetProperty("contentType").GetString(), Is.EqualTo("text"));
        Assert.That(body.GetProperty("content").GetString(), Is.EqualTo("Votre code ClinicMail : 123456"));
        Assert.That(json.RootElement.GetProperty("SaveToSentItems").GetBoolean(), Is.False);
    }

    [Test]
    public async Task SendAsync_ThrottledWithRetryAfter_RetriedAndSentAsync()
    {
        FaultOnce(429, "ApplicationThrottled", retryAfterSeconds: 1);
        var started = DateTimeOffset.UtcNow;

        await Sender_().SendAsync(Mail);

        Assert.That(_graph.LogEntries.Select(e => e.ResponseMessage.StatusCode), Is.EqualTo(new object[] { 429, 202 }));
        Assert.That(DateTimeOffset.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900)), "waited as Retry-After asked");
    }

    [Test]
    public void SendAsync_ErrorAnswer_MailSendExceptionWithoutContent()
    {
        FaultOnce(400, "ErrorInvalidRecipients");

        var ex = Assert.ThrowsAsync<MailSendException>(() => Sender_().SendAsync(Mail));

        Assert.That(ex!.Message, Does.Contain("400").And.Contain("ErrorInvalidRecipients"));
        Assert.That(ex.Message, Does.Not.Contain("123456").And.Not.Contain("marie"));
    }

    [Test]
    public void SendAsync_TokenRefused_MailSendException()
    {
        var ex = Assert.ThrowsAsync<MailSendException>(() => Sender_("wrong-token").SendAsync(Mail));

        Assert.That(ex!.Message, Does.Contain("401").And.Contain("InvalidAuthenticationToken"));
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
            Assert.That(text, Does.Contain("\r\nTo: marie.tremblay@videotron.ca\r\n").And.Contain("From: clinicmail@clinique.med\r\n"));
            Assert.That(text, Does.Contain("\r\nX-ClinicMail-Kind: secure-code\r\n").And.Contain("\r\nContent-Language: fr\r\n"));
            Assert.That(text, Does.Contain("=?utf-8?"), "the subject as RFC 2047 encoded words");
            Assert.That(text, Does.Contain("multipart/alternative").And.Contain("Content-Transfer-Encoding: quoted-printable"));
            Assert.That(text, Does.Contain("654321").And.Contain("=C3=80 bient=C3=B4t"));
            Assert.That(text.All(c => c < 128), Is.True, "7-bit clean");
            Assert.That(text.Replace("\r\n", "", StringComparison.Ordinal), Does.Not.Contain("\n"), "CRLF line endings only");
            Assert.That(text.Split("\r\n").All(l => l.Length <= 78), Is.True, "lines within RFC 5322's 78");

            // A standard reader gets back exactly what was sent.
            var parsed = await MimeKit.MimeMessage.LoadAsync(file);
            Assert.That(parsed.Subject, Is.EqualTo("Votre code : réponse sécurisée"));
            Assert.That(parsed.TextBody, Is.EqualTo("Votre code ClinicMail : 654321\r\nÀ bientôt").Or.EqualTo("Votre code ClinicMail : 654321\nÀ bientôt"));
            Assert.That(parsed.HtmlBody, Is.EqualTo("<p>Avis sécurisé</p>"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public void Compose_LongAccentedLine_QuotedPrintableSoftBreaksUnder76()
    {
        var message = OutgoingMime.Compose(new OutgoingMail { To = "a@example.com", Subject = "x", TextBody = new string('é', 100), Kind = "secure-code" }, "clinicmail@clinique.med", DateTimeOffset.UnixEpoch);

        var raw = System.Text.Encoding.ASCII.GetString(OutgoingMime.ToBytes(message));

        var body = raw[(raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.That(body.Split("\r\n").All(l => l.Length <= 76), Is.True);
        Assert.That(body, Does.Contain("=C3=A9"));
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
