using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ClinicMail.Application.Incoming;
using ClinicMail.Core.Incoming;
using ClinicMail.Functions.Tests.Graph;
using ClinicMail.Infrastructure.Mail;
using ClinicMail.Infrastructure.Mail.Incoming;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests.Incoming;

/// <summary>The production path end to end in the real local host, against a local Graph-shaped server
/// (WireMock.Net on loopback) that answers as Graph documents: subscriptions created and renewed by the
/// SDK, the validation handshakes, a notification → the queue → the message GET → the reply → the PATCH of
/// categories and flag, duplicates processed once, a lost notification recovered by <c>missed</c> and a
/// delta round, the other lifecycle events, and a poison message. The queue here is the database one (the
/// Storage Queue path is <c>StorageQueueIncomingQueueTests</c> against Azurite); the processing is the same.
/// Every request the SDK sent is asserted on its shape.</summary>
[NonParallelizable]
public sealed class GraphEndToEndTests
{
    private const string Box = "dr.tremblay@clinique.med";
    private const string UserId = "7f1c2a9e-0000-4000-8000-000000000001";
    private const string Token = "graph-token-e2e";
    private const string NotificationUrl = "https://clinicmail.example/api/v1/mail/notifications";
    private const string LifecycleUrl = "https://clinicmail.example/api/v1/mail/lifecycle";

    private GraphServer _graph = null!;
    private GraphFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _graph = new GraphServer(Token)
            .MapUser(UserId, Box)
            .MapMessage("AAMk1", GraphServer.Message("AAMk1", "conv-1", "marie.roy@example.com", "Bonjour, une question sur mon rendez-vous."), Mime("AAMk1"))
            .MapMessage("AAMkLost", GraphServer.Message("AAMkLost", "conv-lost", "john.smith@example.com", "Hello, a question about my appointment."), Mime("AAMkLost"))
            .MapMessage("AAMkAnswer", GraphServer.Message("AAMkAnswer", "conv-1", Box, "Voici la réponse."), Mime("AAMkAnswer"))
            .MapMessageError("AAMkPoison", 500)
            .MapReplyAndPatch()
            .MapSubscriptions()
            // The Inbox's delta: the first round (from the subscription's creation) finds the message whose
            // notification was lost, the one already handled, and a removed one; later rounds follow the link.
            .MapDelta(Box, "inbox", token => token switch
            {
                null => new DeltaPage(["AAMk1", "AAMkLost"], ["AAMkDeleted"], DeltaToken: "round2"),
                "round2" => DeltaPage.Last("round3"),
                _ => DeltaPage.Last("round4"),
            });
        _factory = new GraphFactory(new Dictionary<string, string?>
        {
            ["ClinicMail:SeedDemoRegistry"] = "false",
            ["IncomingMail:RunBackground"] = "false",
            ["IncomingMail:ClinicPhone"] = "514 555-0199",
            ["IncomingMail:MaxAttempts"] = "2",
            ["IncomingMail:Mailboxes:0:Address"] = Box,
            ["IncomingMail:Graph:NotificationUrl"] = NotificationUrl,
            ["IncomingMail:Graph:LifecycleNotificationUrl"] = LifecycleUrl,
            ["IncomingMail:Graph:ClientStateKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            ["IncomingMail:Graph:BaseUri"] = _graph.BaseUrl,
        }, _graph, Box);
        _client = _factory.CreateClient();

        // The first upkeep pass creates the Inbox and Sent Items subscriptions.
        var pass = await Keeper.MaintainAsync(CancellationToken.None);
        Assert.That(pass.Created, Is.EqualTo(2));
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _factory.Dispose();
        _graph.Dispose();
    }

    private MailSubscriptionKeeper Keeper => _factory.Services.GetRequiredService<MailSubscriptionKeeper>();

    private IMailSubscriptionStore Store => _factory.Services.GetRequiredService<IMailSubscriptionStore>();

    private async Task<MailSubscription> SubscriptionAsync(string folder) =>
        (await Store.ListAsync()).Single(s => s.Mailbox == Box && s.Folder == folder);

    private IEnumerable<WireMock.Logging.ILogEntry> Requests(string method, string pathEnd) => _graph.Requests(method, pathEnd);

    private static JsonElement Body(WireMock.Logging.ILogEntry entry) => GraphServer.Body(entry);

    private static string Mime(string id) => $"Message-ID: <{id}@example.com>\r\nSubject: Question\r\n\r\nBonjour.\r\n";

    private async Task DrainAsync() => await _factory.Services.GetRequiredService<DatabaseQueueWorker>().DrainAsync(CancellationToken.None);

    private async Task<HttpResponseMessage> NotifyAsync(MailSubscription subscription, string messageId, string? clientState = null) =>
        await _client.PostAsync("/api/v1/mail/notifications", Json(new
        {
            value = new[]
            {
                new
                {
                    subscriptionId = subscription.SubscriptionId,
                    clientState = clientState ?? _graph.ClientStates[subscription.SubscriptionId],
                    changeType = "created",
                    resource = $"Users/{UserId}/Messages/{messageId}",
                    resourceData = new Dictionary<string, string> { ["@odata.type"] = "#Microsoft.Graph.Message", ["id"] = messageId },
                    tenantId = "00000000-0000-4000-8000-0000000000ff",
                },
            },
        }));

    private async Task<HttpResponseMessage> LifecycleAsync(MailSubscription subscription, string lifecycleEvent, string? clientState = null) =>
        await _client.PostAsync("/api/v1/mail/lifecycle", Json(new
        {
            value = new[]
            {
                new
                {
                    subscriptionId = subscription.SubscriptionId,
                    subscriptionExpirationDateTime = subscription.ExpiresAt.ToString("o", CultureInfo.InvariantCulture),
                    tenantId = "00000000-0000-4000-8000-0000000000ff",
                    clientState = clientState ?? _graph.ClientStates[subscription.SubscriptionId],
                    lifecycleEvent,
                },
            },
        }));

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    [Test, Order(1)]
    public async Task Subscriptions_CreatedAsGraphDocuments_SecretStoredOnlyAsKeyedHash()
    {
        var creates = Requests("POST", "/v1.0/subscriptions").Select(Body).ToList();

        Assert.That(creates, Has.Count.EqualTo(2));
        Assert.That(creates.Select(c => c.GetProperty("resource").GetString()),
            Is.EquivalentTo(new[] { $"users/{Box}/mailFolders('inbox')/messages", $"users/{Box}/mailFolders('sentitems')/messages" }));
        foreach (var create in creates)
        {
            var expires = DateTimeOffset.Parse(create.GetProperty("expirationDateTime").GetString()!, CultureInfo.InvariantCulture);
            Assert.Multiple(() =>
            {
                Assert.That(create.GetProperty("changeType").GetString(), Is.EqualTo("created"));
                Assert.That(create.GetProperty("notificationUrl").GetString(), Is.EqualTo(NotificationUrl));
                Assert.That(create.GetProperty("lifecycleNotificationUrl").GetString(), Is.EqualTo(LifecycleUrl));
                Assert.That(create.GetProperty("clientState").GetString(), Has.Length.EqualTo(43), "32 random bytes, base64url");
                Assert.That(expires, Is.LessThanOrEqualTo(DateTimeOffset.UtcNow.AddMinutes(10080)), "Graph's maximum for mail subscriptions");
                Assert.That(expires, Is.GreaterThan(DateTimeOffset.UtcNow.AddHours(69)));
            });
        }

        Assert.That(creates.Select(c => c.GetProperty("clientState").GetString()).Distinct().Count(), Is.EqualTo(2), "one secret per subscription");
        Assert.That(_graph.AllAuthorized(), Is.True);
        var inbox = await SubscriptionAsync(WatchedFolders.Inbox);
        var secret = _graph.ClientStates[inbox.SubscriptionId];
        Assert.That(inbox.ClientStateHash, Is.Not.EqualTo(Encoding.UTF8.GetBytes(secret)).And.Length.EqualTo(32));
        Assert.That(_factory.Logs.Any(l => l.Contains(secret, StringComparison.Ordinal)), Is.False, "the clientState is never logged");
    }

    [TestCase("/api/v1/mail/notifications"), Order(2)]
    [TestCase("/api/v1/mail/lifecycle")]
    public async Task Handshake_TokenEchoedAsPlainText(string path)
    {
        var response = await _client.PostAsync(path + "?validationToken=Validation%3A%20Testing%20client%20application%20reachability%20" + Guid.NewGuid().ToString("N"), null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/plain"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("Validation: Testing client application reachability "));
    }

    [Test, Order(3)]
    public async Task Notification_TwiceThenProcessed_OneGetOneReplyOnePatch()
    {
        var inbox = await SubscriptionAsync(WatchedFolders.Inbox);

        var first = await NotifyAsync(inbox, "AAMk1");
        var duplicate = await NotifyAsync(inbox, "AAMk1");
        await DrainAsync();

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(duplicate.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(Requests("GET", $"/users/{UserId}/messages/AAMk1").Count(), Is.EqualTo(1), "the duplicate is skipped before any Graph call");
        var get = Requests("GET", $"/users/{UserId}/messages/AAMk1").Single().RequestMessage;
        Assert.That(get.Headers!["Prefer"].Single(), Does.Contain("outlook.body-content-type=\"text\""));
        var replies = Requests("POST", $"/users/{Box}/messages/AAMk1/reply").ToList();
        Assert.That(replies, Has.Count.EqualTo(1), "acknowledged once");
        var reply = Body(replies[0]);
        Assert.That(Property(reply, "comment").GetString(), Does.Contain("514 555-0199"));
        Assert.That(Property(Property(reply, "message"), "internetMessageHeaders").EnumerateArray().Select(h => h.GetProperty("name").GetString()),
            Does.Contain(AutoReplySuppression.AcknowledgementHeader));
        var patches = Requests("PATCH", $"/users/{Box}/messages/AAMk1").ToList();
        Assert.That(patches, Has.Count.EqualTo(1));
        var patch = Body(patches[0]);
        Assert.Multiple(() =>
        {
            Assert.That(patch.GetProperty("categories").EnumerateArray().Select(c => c.GetString()), Does.Contain(IncomingMailProcessor.Category));
            Assert.That(patch.GetProperty("flag").GetProperty("flagStatus").GetString(), Is.EqualTo("flagged"));
            Assert.That(patch.GetProperty("flag").GetProperty("dueDateTime").GetProperty("timeZone").GetString(), Is.EqualTo("UTC"));
        });
    }

    [Test, Order(4)]
    public async Task Notification_WrongClientState_RefusedNothingFetched()
    {
        var inbox = await SubscriptionAsync(WatchedFolders.Inbox);

        var response = await NotifyAsync(inbox, "AAMkForged", clientState: "forged-" + Guid.NewGuid().ToString("N"));
        await DrainAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Requests("GET", "/messages/AAMkForged"), Is.Empty);
    }

    [Test, Order(5)]
    public async Task SentItemsNotification_AnswerDetected_NoReply()
    {
        var sent = await SubscriptionAsync(WatchedFolders.SentItems);

        var response = await NotifyAsync(sent, "AAMkAnswer");
        await DrainAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var open = await _factory.Services.GetRequiredService<IIncomingMailStore>().ListAwaitingAsync([Box], 100);
        Assert.That(open.Select(a => a.MessageId), Does.Not.Contain("AAMk1"), "the answer in the conversation closed it");
        Assert.That(Requests("POST", "/messages/AAMkAnswer/reply"), Is.Empty);
    }

    [Test, Order(6)]
    public async Task Missed_DeltaRoundEnqueuesTheLostMessage_ProcessedOnce_LinkKept()
    {
        var inbox = await SubscriptionAsync(WatchedFolders.Inbox);

        var response = await LifecycleAsync(inbox, "missed");
        await DrainAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var delta = Requests("GET", "/mailFolders/inbox/messages/delta()").Single().RequestMessage;
        Assert.Multiple(() =>
        {
            Assert.That(delta.Query!["$select"].Single(), Is.EqualTo("id"));
            Assert.That(delta.Query!["changeType"].Single(), Is.EqualTo("created"));
            Assert.That(delta.Query!["$filter"].Single(), Does.StartWith("receivedDateTime ge " + inbox.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        });
        Assert.That(Requests("POST", $"/users/{Box}/messages/AAMkLost/reply").Count(), Is.EqualTo(1), "the lost message is acknowledged");
        Assert.That(Requests("POST", $"/users/{Box}/messages/AAMk1/reply").Count(), Is.EqualTo(1), "the one already handled is not acknowledged again");
        Assert.That(Requests("GET", "/messages/AAMkDeleted"), Is.Empty, "a removed entry is not fetched");
        Assert.That(await Store.GetDeltaLinkAsync(Box, WatchedFolders.Inbox), Does.EndWith("$deltatoken=round2"));

        // The next missed window starts from the stored link.
        await LifecycleAsync(inbox, "missed");
        Assert.That(_graph.Log.Count(e => e.RequestMessage.Query is { } q && q.TryGetValue("$deltatoken", out var t) && t.Single() == "round2"), Is.EqualTo(1));
        Assert.That(await Store.GetDeltaLinkAsync(Box, WatchedFolders.Inbox), Does.EndWith("$deltatoken=round3"));
    }

    [Test, Order(7)]
    public async Task ReauthorizationRequired_ReauthorizesAndRenews()
    {
        var inbox = await SubscriptionAsync(WatchedFolders.Inbox);

        var response = await LifecycleAsync(inbox, "reauthorizationRequired");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(Requests("POST", $"/v1.0/subscriptions/{inbox.SubscriptionId}/reauthorize").Count(), Is.EqualTo(1));
        var renew = Requests("PATCH", $"/v1.0/subscriptions/{inbox.SubscriptionId}").Last();
        Assert.That(Body(renew).EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "expirationDateTime" }), "a renewal changes only the expiry");
        Assert.That((await SubscriptionAsync(WatchedFolders.Inbox)).SubscriptionId, Is.EqualTo(inbox.SubscriptionId));
    }

    [Test, Order(8)]
    public async Task Renewal_RenewsTheExpiringOne_RecreatesTheOneGraphLost()
    {
        var inbox = await SubscriptionAsync(WatchedFolders.Inbox);
        var sent = await SubscriptionAsync(WatchedFolders.SentItems);
        await Store.SetExpiryAsync(inbox.SubscriptionId, DateTimeOffset.UtcNow.AddHours(2));
        await Store.SetExpiryAsync(sent.SubscriptionId, DateTimeOffset.UtcNow.AddHours(2));
        _graph.Gone[sent.SubscriptionId] = true;
        var patchesBefore = Requests("PATCH", $"/v1.0/subscriptions/{inbox.SubscriptionId}").Count();

        var pass = await Keeper.MaintainAsync(CancellationToken.None);

        Assert.That((pass.Renewed, pass.Recreated, pass.Created, pass.Failed), Is.EqualTo((1, 1, 0, 0)));
        Assert.That(Requests("PATCH", $"/v1.0/subscriptions/{inbox.SubscriptionId}").Count(), Is.EqualTo(patchesBefore + 1));
        Assert.That((await SubscriptionAsync(WatchedFolders.Inbox)).ExpiresAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddHours(69)));
        var newSent = await SubscriptionAsync(WatchedFolders.SentItems);
        Assert.That(newSent.SubscriptionId, Is.Not.EqualTo(sent.SubscriptionId));
        Assert.That(Requests("DELETE", $"/v1.0/subscriptions/{sent.SubscriptionId}").Count(), Is.EqualTo(1), "the lost one is deleted, in case Graph still has it");

        // The lost subscription's secret no longer opens the webhook; the new one's does.
        Assert.That((await NotifyAsync(sent, "AAMkOld", _graph.ClientStates[sent.SubscriptionId])).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test, Order(9)]
    public async Task SubscriptionRemoved_RecreatedAndCaughtUp()
    {
        var inbox = await SubscriptionAsync(WatchedFolders.Inbox);
        var creates = Requests("POST", "/v1.0/subscriptions").Count();

        var response = await LifecycleAsync(inbox, "subscriptionRemoved");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(Requests("POST", "/v1.0/subscriptions").Count(), Is.EqualTo(creates + 1));
        Assert.That(Body(Requests("POST", "/v1.0/subscriptions").Last()).GetProperty("resource").GetString(), Is.EqualTo($"users/{Box}/mailFolders('inbox')/messages"));
        Assert.That((await SubscriptionAsync(WatchedFolders.Inbox)).SubscriptionId, Is.Not.EqualTo(inbox.SubscriptionId));
        Assert.That((await LifecycleAsync(inbox, "missed")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the removed subscription's secret is forgotten");
    }

    [Test, Order(10)]
    public async Task PoisonMessage_RetriedThenPoisoned_NothingSent()
    {
        var inbox = await SubscriptionAsync(WatchedFolders.Inbox);
        var queue = _factory.Services.GetRequiredService<IDatabaseQueue>();
        var poisonedBefore = await queue.CountAsync(poisoned: true);

        await NotifyAsync(inbox, "AAMkPoison");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await queue.CountAsync(poisoned: true) == poisonedBefore && DateTime.UtcNow < deadline)
        {
            await DrainAsync();
            await Task.Delay(250);
        }

        Assert.That(await queue.CountAsync(poisoned: true), Is.EqualTo(poisonedBefore + 1));
        Assert.That(Requests("GET", "/messages/AAMkPoison").Count(), Is.EqualTo(2), "IncomingMail:MaxAttempts");
        Assert.That(Requests("POST", "/messages/AAMkPoison/reply"), Is.Empty);
    }

    /// <summary>Graph reads action bodies case-insensitively; the SDK writes some (reply) in Pascal case.</summary>
    private static JsonElement Property(JsonElement element, string name) =>
        element.EnumerateObject().Single(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The real host with the Graph transport on the loopback server and a fixed token (the Entra seam).</summary>
    private sealed class GraphFactory(IDictionary<string, string?> settings, GraphServer graph, string box) : ClinicMailFactory(settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services =>
                services.AddSingleton(new GraphMailboxTransport(graph.Credential, [box], new GraphMailSenderOptions { BaseUri = graph.BaseUri })));
        }
    }
}
