using ClinicMail.Application.Filing;
using ClinicMail.Application.Secure;
using ClinicMail.Core.Filing;
using ClinicMail.Functions.Routes;
using ClinicMail.Functions.Tests.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests.Filing;

/// <summary>The filing outbox's retention runs with the secure purge on both hosts: the local host's purge
/// service and the worker's purge timer. Rows older than <c>Secure:MaxExpiryDays</c> are expired (their
/// sealed payload shredded) when undelivered, removed when delivered; recent rows are left alone.</summary>
[NonParallelizable]
public sealed class FilingRetentionTests
{
    private static FilingOutboxEntry Entry(string id, string state, DateTimeOffset created) => new()
    {
        Id = id,
        SourceKind = ExchangeSources.SentMail,
        SourceId = id,
        Direction = ExchangeDirection.Outgoing,
        State = state,
        PatientId = "1",
        CreatedAt = created,
        NextAttemptAt = created.AddYears(1),
        Payload = [1, 2, 3],
        PayloadKey = "wrapped-key",
    };

    /// <summary>Old pending, old failed, old delivered (marked), and a recent pending row.</summary>
    private static async Task SeedAsync(IFilingOutboxStore outbox, DateTimeOffset now)
    {
        var old = now.AddDays(-91);
        await outbox.TryEnqueueAsync(Entry("fil-old-pending", FilingStates.Pending, old));
        await outbox.TryEnqueueAsync(Entry("fil-old-delivered", FilingStates.Pending, old));
        await outbox.MarkDeliveredAsync("fil-old-delivered", new FilingDelivery("local", "a", "b", old));
        await outbox.TryEnqueueAsync(Entry("fil-recent", FilingStates.Pending, now.AddDays(-2)));
    }

    private static async Task AssertRetainedAsync(IFilingOutboxStore outbox)
    {
        var expired = await outbox.GetAsync("fil-old-pending");
        var recent = await outbox.GetAsync("fil-recent");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(expired!.State, Is.EqualTo(FilingStates.Expired));
            Assert.That(expired.Payload, Is.Null, "shredded");
            Assert.That(expired.PayloadKey, Is.Null, "shredded");
            Assert.That(await outbox.GetAsync("fil-old-delivered"), Is.Null, "a delivered row past retention is removed");
            Assert.That(recent!.State, Is.EqualTo(FilingStates.Pending));
            Assert.That(recent.PayloadKey, Is.EqualTo("wrapped-key"));
        });
    }

    [Test]
    public async Task LocalHost_PurgeService_RunsTheFilingRetention()
    {
        using var factory = new ClinicMailFactory(new Dictionary<string, string?> { ["RecordFiling:BackgroundDelivery"] = "false" });
        var services = factory.Services;
        var outbox = services.GetRequiredService<IFilingOutboxStore>();
        await SeedAsync(outbox, services.GetRequiredService<TimeProvider>().GetUtcNow());

        // A fresh instance of the host's purge service: its first round runs at start.
        using var purge = ActivatorUtilities.CreateInstance<PurgeBackgroundService>(services);
        await purge.StartAsync(CancellationToken.None);
        await WaitAsync(async () => (await outbox.GetAsync("fil-old-pending"))?.State == FilingStates.Expired);
        await purge.StopAsync(CancellationToken.None);

        await AssertRetainedAsync(outbox);
    }

    [Test]
    public async Task Worker_PurgeTimer_RunsTheFilingRetention()
    {
        using var worker = await WorkerHarness.StartAsync();
        var services = worker.Host.Services;
        var outbox = services.GetRequiredService<IFilingOutboxStore>();
        await SeedAsync(outbox, services.GetRequiredService<TimeProvider>().GetUtcNow());

        await ActivatorUtilities.CreateInstance<TimerFunctions>(services).PurgeAsync(null!, CancellationToken.None);

        await AssertRetainedAsync(outbox);
    }

    [Test]
    public async Task Retention_FollowsSecureMaxExpiryDays()
    {
        using var factory = new ClinicMailFactory(new Dictionary<string, string?> { ["RecordFiling:BackgroundDelivery"] = "false", ["Secure:MaxExpiryDays"] = "120", ["Secure:DefaultExpiryDays"] = "30" });
        var outbox = factory.Services.GetRequiredService<IFilingOutboxStore>();
        await SeedAsync(outbox, factory.Services.GetRequiredService<TimeProvider>().GetUtcNow());

        var touched = await factory.Services.GetRequiredService<FilingRetention>().RunAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(touched, Is.Zero, "91 days is within a 120-day retention");
            Assert.That((await outbox.GetAsync("fil-old-pending"))!.State, Is.EqualTo(FilingStates.Pending));
        });
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the purge round did not run");
            await Task.Delay(100);
        }
    }
}
