using ClinicMail.Core.Incoming;
using ClinicMail.Infrastructure.Storage;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>What <see cref="IncomingMailStore"/> must do, on a real SQLite file and a real PostgreSQL
/// server, from one fixture source. Each test uses its own ids, so none depends on another's data.</summary>
[TestFixtureSource(nameof(Providers))]
public sealed class IncomingMailStoreContractTests(string provider)
{
    public static readonly string[] Providers = ["Sqlite", "Postgres"];

    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
    private TempSqliteDatabase? _sqlite;
    private TempPostgresDatabase? _postgres;
    private IncomingMailStore _store = null!;
    private string _p = null!;

    [OneTimeSetUp]
    public async Task CreateAsync()
    {
        if (provider == "Sqlite")
        {
            _sqlite = await TempSqliteDatabase.CreateMigratedAsync();
            _store = new IncomingMailStore(_sqlite.Database);
        }
        else
        {
            _postgres = await TempPostgresDatabase.CreateAsync();
            _store = new IncomingMailStore(_postgres.Database);
        }
    }

    [OneTimeTearDown]
    public async Task ReleaseAsync()
    {
        _sqlite?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [SetUp]
    public void UniquePrefix() => _p = "t" + Guid.NewGuid().ToString("N")[..10];

    private string Box => $"box.{_p}@clinique.example";

    private AwaitingAnswer Awaiting(string id, string conversation, DateTimeOffset received, DateTimeOffset due, bool urgent = false) => new()
    {
        Mailbox = Box,
        MessageId = $"{_p}-{id}",
        ConversationId = $"{_p}-{conversation}",
        PatientId = "pat_" + id,
        Sender = SenderClass.PatientWithConsent,
        Urgent = urgent,
        ReceivedAt = received,
        DueAt = due,
    };

    [Test]
    public async Task TryClaimMessage_OnceUntilReleasedOrStale()
    {
        var id = _p + "-m";
        var timeout = TimeSpan.FromMinutes(5);

        Assert.That(await _store.TryClaimMessageAsync(id, T0, timeout), Is.True);
        Assert.That(await _store.TryClaimMessageAsync(id, T0.AddMinutes(1), timeout), Is.False, "claimed by a live worker");
        Assert.That(await _store.TryClaimMessageAsync(id, T0.AddMinutes(6), timeout), Is.True, "a crashed worker's claim expires");
        await _store.ReleaseMessageAsync(id);
        Assert.That(await _store.TryClaimMessageAsync(id, T0.AddMinutes(7), timeout), Is.True, "released after a failure");
        await _store.CompleteMessageAsync(id, "Acknowledged", T0.AddMinutes(7));
        Assert.That(await _store.TryClaimMessageAsync(id, T0.AddDays(30), timeout), Is.False, "done is done, however late the duplicate");
    }

    [Test]
    public async Task TryRecordAcknowledgement_OncePerKeyAndPeriod()
    {
        var until = T0.AddDays(2);

        Assert.That(await _store.TryRecordAcknowledgementAsync(Box, "conversation:c", T0, until), Is.True);
        Assert.That(await _store.TryRecordAcknowledgementAsync(Box, "conversation:c", T0.AddHours(5), T0.AddDays(3)), Is.False);
        Assert.That(await _store.TryRecordAcknowledgementAsync(Box, "conversation:other", T0.AddHours(5), until), Is.True);
        Assert.That(await _store.TryRecordAcknowledgementAsync(Box, "conversation:c", until, T0.AddDays(4)), Is.True, "a new period");
        await _store.ForgetAcknowledgementAsync(Box, "conversation:other");
        Assert.That(await _store.TryRecordAcknowledgementAsync(Box, "conversation:other", T0.AddHours(6), until), Is.True, "forgotten after a failed send");
    }

    [Test]
    public async Task Awaiting_ListedByDeadline_AnsweredByConversation()
    {
        await _store.AddAwaitingAsync(Awaiting("a", "c1", T0, T0.AddDays(2)));
        await _store.AddAwaitingAsync(Awaiting("b", "c2", T0.AddHours(1), T0.AddDays(1), urgent: true));
        await _store.AddAwaitingAsync(Awaiting("c", "c1", T0.AddHours(2), T0.AddDays(3)));
        await _store.AddAwaitingAsync(Awaiting("a", "c1", T0, T0.AddDays(9)));

        var before = await _store.ListAwaitingAsync([Box], 10);
        var answered = await _store.MarkAnsweredAsync(Box, $"{_p}-c1", T0.AddHours(1));
        var after = await _store.ListAwaitingAsync([Box], 10);
        var since = await _store.ListReceivedSinceAsync([Box], T0);

        Assert.Multiple(() =>
        {
            Assert.That(before.Select(a => a.MessageId), Is.EqualTo(new[] { $"{_p}-b", $"{_p}-a", $"{_p}-c" }), "earliest deadline first; a duplicate add is ignored");
            Assert.That(before[0].Urgent, Is.True);
            Assert.That(before[0].PatientId, Is.EqualTo("pat_b"));
            Assert.That(before[0].DueAt, Is.EqualTo(T0.AddDays(1)));
            Assert.That(answered, Is.EqualTo(1), "only messages received before the answer");
            Assert.That(after.Select(a => a.MessageId), Is.EqualTo(new[] { $"{_p}-b", $"{_p}-c" }));
            Assert.That(since.Single(a => a.MessageId == $"{_p}-a").AnsweredAt, Is.EqualTo(T0.AddHours(1)));
        });
    }

    [Test]
    public async Task ListAwaiting_FiltersByMailbox()
    {
        await _store.AddAwaitingAsync(Awaiting("x", "cx", T0, T0.AddDays(1)));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await _store.ListAwaitingAsync([$"other.{_p}@clinique.example"], 10), Is.Empty);
            Assert.That(await _store.ListAwaitingAsync([], 10), Is.Empty);
            Assert.That((await _store.ListAwaitingAsync(null, 500)).Select(a => a.MessageId), Does.Contain($"{_p}-x"));
        });
    }

    [Test]
    public async Task Queue_LeaseRetryAndPoison()
    {
        // The queue is shared by the fixture: drain what earlier tests left (none enqueue) and use our own payloads.
        await _store.EnqueueAsync(_p + "-first", T0);
        await _store.EnqueueAsync(_p + "-second", T0.AddMilliseconds(1));

        var first = await _store.DequeueAsync(T0.AddSeconds(1), TimeSpan.FromMinutes(2));
        var second = await _store.DequeueAsync(T0.AddSeconds(1), TimeSpan.FromMinutes(2));
        var none = await _store.DequeueAsync(T0.AddSeconds(1), TimeSpan.FromMinutes(2));
        await _store.DeleteAsync(first!.Id);
        await _store.FailAsync(second!.Id, T0.AddSeconds(10), poison: false);
        var early = await _store.DequeueAsync(T0.AddSeconds(5), TimeSpan.FromMinutes(2));
        var retried = await _store.DequeueAsync(T0.AddSeconds(11), TimeSpan.FromMinutes(2));
        await _store.FailAsync(retried!.Id, T0.AddSeconds(20), poison: true);
        var afterPoison = await _store.DequeueAsync(T0.AddDays(1), TimeSpan.FromMinutes(2));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first.Payload, Is.EqualTo(_p + "-first"));
            Assert.That(first.Attempts, Is.EqualTo(1));
            Assert.That(second.Payload, Is.EqualTo(_p + "-second"));
            Assert.That(none, Is.Null, "leased items are invisible");
            Assert.That(early, Is.Null, "not before the retry time");
            Assert.That(retried.Attempts, Is.EqualTo(2));
            Assert.That(afterPoison, Is.Null, "a poisoned item is never delivered again");
            Assert.That(await _store.CountAsync(poisoned: true), Is.EqualTo(1));
        });
    }
}
