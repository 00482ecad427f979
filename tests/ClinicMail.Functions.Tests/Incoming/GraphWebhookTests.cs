using System.Net;
using System.Text;
using ClinicMail.Application.Incoming;
using ClinicMail.Core.Incoming;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests.Incoming;

/// <summary><c>POST /api/v1/mail/notifications</c> in the real local host, as Graph calls it: the
/// validation handshake, the clientState check against the stored subscription's keyed hash, and the enqueue (the database queue, not drained here:
/// <c>IncomingMail:RunBackground=false</c>, so what the webhook queued is read back as it was written).</summary>
[NonParallelizable]
public sealed class GraphWebhookTests
{
    private const string ClientState = "test-client-state-8f2b";
    private ClinicMailFactory _factory = null!;
    private HttpClient _graph = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _factory = new ClinicMailFactory(new Dictionary<string, string?>
        {
            ["IncomingMail:RunBackground"] = "false",
            ["IncomingMail:Graph:NotificationUrl"] = "https://clinicmail.example/api/v1/mail/notifications",
            ["IncomingMail:Graph:LifecycleNotificationUrl"] = "https://clinicmail.example/api/v1/mail/lifecycle",
            ["IncomingMail:Graph:ClientStateKey"] = Convert.ToBase64String(new byte[32]),
            ["IncomingMail:Graph:BaseUri"] = "http://127.0.0.1:9/",
        });
        _graph = _factory.CreateClient();
        // The subscription ClinicMail created with this secret: only its keyed hash is stored.
        var states = _factory.Services.GetRequiredService<SubscriptionClientStates>();
        await _factory.Services.GetRequiredService<IMailSubscriptionStore>().SaveAsync(new MailSubscription
        {
            SubscriptionId = "sub-1",
            Mailbox = "dr.tremblay@clinique.med",
            Folder = WatchedFolders.Inbox,
            ClientStateHash = states.Hash(ClientState),
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(2),
            CreatedAt = DateTimeOffset.UtcNow,
        });
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _graph.Dispose();
        _factory.Dispose();
    }

    private static StringContent Notification(string clientState, string messageId) => new(
        $$"""{"value":[{"subscriptionId":"sub-1","clientState":"{{clientState}}","changeType":"created","resource":"Users/7f1c2a9e-0000-4000-8000-000000000001/Messages/{{messageId}}","resourceData":{"id":"{{messageId}}"},"tenantId":"t"}]}""",
        Encoding.UTF8, "application/json");

    [Test]
    public async Task ValidationToken_EchoedAsPlainText()
    {
        var response = await _graph.PostAsync("/api/v1/mail/notifications?validationToken=Validation%3A%20Testing%20client%20application%20reachability", null);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/plain"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Validation: Testing client application reachability"));
        });
    }

    [Test]
    public async Task Notification_RightClientState_EnqueuedAnd202()
    {
        var queue = _factory.Services.GetRequiredService<IDatabaseQueue>();
        var id = "AAMk" + Guid.NewGuid().ToString("N");

        var response = await _graph.PostAsync("/api/v1/mail/notifications", Notification(ClientState, id));
        QueuedItem? queued = null;
        while (await queue.DequeueAsync(DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromMinutes(5)) is { } item)
        {
            queued = WorkItemJson.Read(item.Payload)?.MessageId == id ? item : queued;
        }

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(queued, Is.Not.Null, "the notification's message is on the queue");
        Assert.That(WorkItemJson.Read(queued!.Payload), Is.EqualTo(new IncomingWorkItem("7f1c2a9e-0000-4000-8000-000000000001", id, "graph")));
    }

    [Test]
    public async Task Notification_WrongClientState_RefusedAndNotEnqueued()
    {
        var queue = _factory.Services.GetRequiredService<IDatabaseQueue>();
        var before = await queue.CountAsync(poisoned: false);

        var response = await _graph.PostAsync("/api/v1/mail/notifications", Notification("forged", "AAMkForged"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await queue.CountAsync(poisoned: false), Is.EqualTo(before));
    }

    [Test]
    public async Task Notification_UnknownSubscription_Refused()
    {
        using var content = Notification(ClientState, "AAMkOther");
        var body = (await content.ReadAsStringAsync()).Replace("sub-1", "sub-unknown", StringComparison.Ordinal);

        var response = await _graph.PostAsync("/api/v1/mail/notifications", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Notification_Malformed_ProblemDetails400()
    {
        var response = await _graph.PostAsync("/api/v1/mail/notifications", new StringContent("{\"value\":", Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
