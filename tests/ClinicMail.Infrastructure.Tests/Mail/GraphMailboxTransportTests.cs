using System.Text.Json;
using ClinicMail.Core.Incoming;
using ClinicMail.Infrastructure.Mail;
using ClinicMail.Infrastructure.Mail.Incoming;
using ClinicMail.Infrastructure.Tests.Keys;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ClinicMail.Infrastructure.Tests.Mail;

/// <summary>The incoming-mail Graph transport against a local Graph-shaped server (WireMock.Net) that
/// answers as Graph documents: the user by id, the message GET (text body, internet headers), the reply
/// in the thread, and the PATCH of categories, importance and the follow-up flag.</summary>
[TestFixture]
public sealed class GraphMailboxTransportTests
{
    private const string Token = "graph-token";
    private const string Box = "dr.tremblay@clinique.med";
    private const string UserId = "7f1c2a9e-0000-4000-8000-000000000001";
    private WireMockServer _graph = null!;

    [SetUp]
    public void SetUp()
    {
        _graph = WireMockServer.Start();
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{UserId}").UsingGet().WithHeader("Authorization", "Bearer " + Token))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBodyAsJson(new { mail = "Dr.Tremblay@clinique.med", userPrincipalName = Box }));
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{UserId}/messages/AAMk1").UsingGet().WithHeader("Authorization", "Bearer " + Token))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBodyAsJson(new
            {
                id = "AAMk1",
                conversationId = "AAQk-conv",
                internetMessageId = "<abc@example.com>",
                subject = "Douleur",
                receivedDateTime = "2026-12-07T15:00:00Z",
                from = new { emailAddress = new { address = "Marie.Roy@example.com" } },
                body = new { contentType = "text", content = "J'ai mal à la poitrine." },
                internetMessageHeaders = new[] { new { name = "Auto-Submitted", value = "no" } },
            }));
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{UserId}/messages/AAMk1/$value").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain").WithBody("Message-ID: <abc@example.com>\r\nSubject: Douleur\r\n\r\nJ'ai mal.\r\n"));
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{UserId}/messages/gone").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBodyAsJson(new { error = new { code = "ErrorItemNotFound", message = "Not found." } }));
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{Box}/messages/AAMk1/reply").UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{Box}/messages/AAMk1").UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBodyAsJson(new { id = "AAMk1" }));
    }

    [TearDown]
    public void TearDown() => _graph.Stop();

    private GraphMailboxTransport Transport() =>
        new(new FakeEntraCredential(Token), [Box], new GraphMailSenderOptions { BaseUri = new Uri(_graph.Url!.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/") });

    [Test]
    public async Task GetAsync_ByUserId_ReadsTheMessageAndResolvesTheMailbox()
    {
        var message = await Transport().GetAsync(new IncomingWorkItem(UserId, "AAMk1", "graph"));

        Assert.That(message, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(message!.Mailbox, Is.EqualTo(Box));
            Assert.That(message.From, Is.EqualTo("marie.roy@example.com"));
            Assert.That(message.ConversationId, Is.EqualTo("AAQk-conv"));
            Assert.That(message.Body, Is.EqualTo("J'ai mal à la poitrine."));
            Assert.That(message.Header("Auto-Submitted"), Is.EqualTo("no"));
            Assert.That(message.Header("Message-ID"), Is.EqualTo("<abc@example.com>"));
            Assert.That(message.SentByMailbox, Is.False);
            Assert.That(System.Text.Encoding.ASCII.GetString(message.Mime.Span), Does.StartWith("Message-ID: <abc@example.com>"), "the raw MIME, for record filing");
        });
        var get = _graph.LogEntries.Single(e => e.RequestMessage.Path.EndsWith("/AAMk1", StringComparison.Ordinal)).RequestMessage;
        Assert.That(get.Headers!["Prefer"].Single(), Does.Contain("outlook.body-content-type=\"text\""));
    }

    [Test]
    public async Task GetAsync_DeletedMessage_IsNull() =>
        Assert.That(await Transport().GetAsync(new IncomingWorkItem(Box, "gone", "graph")), Is.Null);

    /// <summary>Graph reads action bodies case-insensitively; the SDK writes some (reply) in Pascal case.</summary>
    private static JsonElement Property(JsonElement element, string name) =>
        element.EnumerateObject().Single(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    [Test]
    public async Task ReplyAndMark_SendWhatGraphDocuments()
    {
        var transport = Transport();
        var message = (await transport.GetAsync(new IncomingWorkItem(UserId, "AAMk1", "graph")))!;
        var due = new DateTimeOffset(2026, 12, 9, 22, 0, 0, TimeSpan.Zero);

        await transport.ReplyInThreadAsync(message, new AcknowledgementMail("s", "Nous avons bien reçu votre courriel.", "fr", "incoming-ack"));
        await transport.MarkAsync(message, new MailboxMarks(["ClinicMail", "ClinicMail : urgent"], true, due));

        using var reply = JsonDocument.Parse(_graph.LogEntries.Single(e => e.RequestMessage.Path.EndsWith("/reply", StringComparison.Ordinal)).RequestMessage.Body!);
        using var patch = JsonDocument.Parse(_graph.LogEntries.Single(e => e.RequestMessage.Method == "PATCH").RequestMessage.Body!);
        Assert.Multiple(() =>
        {
            Assert.That(Property(reply.RootElement, "comment").GetString(), Is.EqualTo("Nous avons bien reçu votre courriel."));
            Assert.That(Property(Property(reply.RootElement, "message"), "internetMessageHeaders").EnumerateArray()
                .Any(h => h.GetProperty("name").GetString() == AutoReplySuppression.AcknowledgementHeader), Is.True, "loop protection header");
            Assert.That(patch.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "ClinicMail", "ClinicMail : urgent" }));
            Assert.That(patch.RootElement.GetProperty("importance").GetString(), Is.EqualTo("high"));
            var flag = patch.RootElement.GetProperty("flag");
            Assert.That(flag.GetProperty("flagStatus").GetString(), Is.EqualTo("flagged"));
            Assert.That(flag.GetProperty("dueDateTime").GetProperty("dateTime").GetString(), Is.EqualTo("2026-12-09T22:00:00"));
            Assert.That(flag.GetProperty("dueDateTime").GetProperty("timeZone").GetString(), Is.EqualTo("UTC"));
            Assert.That(flag.TryGetProperty("startDateTime", out _), Is.True, "Graph requires a start with a due date");
        });
    }
}
