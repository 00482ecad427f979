using System.Security.Cryptography;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Filing;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The filing outbox contract, one class run on SQLite and on PostgreSQL (the one store class
/// over System.Data.Common): the secure-message trigger records in the store's own transaction, claims
/// lease rows so two workers never take the same one, retries and failures, the to-confirm list,
/// the not-registered counter and retention.</summary>
[TestFixture("Sqlite")]
[TestFixture("Postgres")]
public sealed class FilingOutboxStoreContractTests(string provider)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private TempSqliteDatabase? _sqlite;
    private TempPostgresDatabase? _postgres;
    private StorageBackend _backend = null!;
    private IFilingOutboxStore _outbox = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        if (provider == "Sqlite")
        {
            _sqlite = await TempSqliteDatabase.CreateMigratedAsync();
            _backend = StorageBackend.ForSqlite(_sqlite.Database);
        }
        else
        {
            _postgres = await TempPostgresDatabase.CreateAsync();
            _backend = StorageBackend.ForPostgres(_postgres.Database);
        }

        _outbox = _backend.FilingOutbox;
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        _sqlite?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private static FilingOutboxEntry Entry(string source, string state = FilingStates.Pending, DateTimeOffset? created = null) => new()
    {
        Id = "fil-sent-mail-" + source,
        SourceKind = ExchangeSources.SentMail,
        SourceId = source,
        Direction = ExchangeDirection.Outgoing,
        State = state,
        PatientId = state == FilingStates.Pending ? "pat_1" : null,
        Candidates = state == FilingStates.ToConfirm ? ["pat_1", "pat_2"] : [],
        ConfirmReason = state == FilingStates.ToConfirm ? ConfirmReasons.SharedAddress : null,
        CreatedAt = created ?? Now,
        NextAttemptAt = created ?? Now,
        Payload = [1, 2, 3],
        PayloadKey = "{\"k\":1}",
    };

    [Test]
    public async Task TryEnqueueAsync_SameSourceTwice_RecordedOnce()
    {
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await _outbox.TryEnqueueAsync(Entry("a")), Is.True);
            Assert.That(await _outbox.TryEnqueueAsync(Entry("a") with { Id = "other-id" }), Is.False, "same source kind and id");
        });
        var stored = await _outbox.GetAsync("fil-sent-mail-a");
        Assert.Multiple(() =>
        {
            Assert.That(stored!.State, Is.EqualTo(FilingStates.Pending));
            Assert.That(stored.PatientId, Is.EqualTo("pat_1"));
            Assert.That(stored.Payload, Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(stored.CreatedAt, Is.EqualTo(Now));
        });
    }

    [Test]
    public async Task SecureMessageCreated_TriggerRecordsMessageAndReply_InTheStoresTransaction()
    {
        using var folder = new TempFolder();
        using var kek = LocalKeyFileKek.OpenOrCreate(Path.Combine(folder.Path, "kek.pem"), allowDevelopmentKeys: true);
        var encryptor = new EnvelopeEncryptor(kek);
        var secure = _backend.SecureMessagesWith(new PatientAddressProtector(new OneTimeCodeKey(RandomNumberGenerator.GetBytes(32)), kek, new AddressKeyStore(_backend.Database)));
        var id = "sm_" + Guid.NewGuid().ToString("N");
        var message = new SecureMessage
        {
            Id = id,
            OwnerTenantId = "tid",
            OwnerObjectId = "oid",
            CheckId = "chk_1",
            CreatedAt = Now,
            ExpiresAt = Now.AddDays(30),
            Recipients = ["marie.cote@example.ca"],
        };
        var access = new SecureAccess { Id = "sa_" + Guid.NewGuid().ToString("N"), MessageId = id, Address = "marie.cote@example.ca", PatientIds = ["pat_1"], Language = "fr" };
        var content = new EnvelopeContent { Subject = "Résultats", Body = "Vos résultats sont normaux.", Format = BodyFormat.Text };
        await secure.CreateAsync(message, await encryptor.EncryptAsync(content, new EnvelopeBinding { MessageId = id, Recipients = message.Recipients }), [access], [RandomNumberGenerator.GetBytes(32)]);
        var replyId = "sr_" + Guid.NewGuid().ToString("N");
        await secure.AddReplyAsync(
            new SecureReply { Id = replyId, MessageId = id, AccessId = access.Id, CreatedAt = Now.AddHours(1) },
            await encryptor.EncryptAsync(content, new EnvelopeBinding { MessageId = replyId, Recipients = [message.OwnerBinding] }));

        var claimed = await _outbox.ClaimDueAsync(Now, Now.AddMinutes(2), 10);
        Assert.That(claimed.Select(c => (c.Id, c.SourceKind, c.SourceId, c.Direction)), Is.EquivalentTo(new[]
        {
            ("fil-" + id, ExchangeSources.SecureMessage, id, ExchangeDirection.Outgoing),
            ("fil-" + replyId, ExchangeSources.SecureReply, id + "/" + replyId, ExchangeDirection.Incoming),
        }));
        Assert.That(claimed.All(c => c.Attempts == 1 && c.Payload is null), Is.True, "secure rows hold ids only");
    }

    [Test]
    public async Task ClaimDueAsync_LeasedRow_NotClaimedAgainUntilLeaseEnds()
    {
        await _outbox.TryEnqueueAsync(Entry("a"));
        var first = await _outbox.ClaimDueAsync(Now, Now.AddMinutes(2), 10);
        var whileLeased = await _outbox.ClaimDueAsync(Now.AddMinutes(1), Now.AddMinutes(3), 10);
        var afterLease = await _outbox.ClaimDueAsync(Now.AddMinutes(3), Now.AddMinutes(5), 10);
        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Count.EqualTo(1));
            Assert.That(whileLeased, Is.Empty, "another worker must not take a leased row");
            Assert.That(afterLease.Single().Attempts, Is.EqualTo(2), "a dead worker's row is claimed again, attempt counted");
        });
    }

    [Test]
    public async Task ClaimDueAsync_ConcurrentWorkers_EachRowClaimedOnce()
    {
        for (var i = 0; i < 40; i++)
        {
            await _outbox.TryEnqueueAsync(Entry("c" + i));
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            IReadOnlyList<FilingOutboxEntry> batch;
            while ((batch = await _outbox.ClaimDueAsync(Now, Now.AddMinutes(2), 3)).Count > 0)
            {
                mine.AddRange(batch.Select(b => b.Id));
            }

            return mine;
        })));
        var all = claims.SelectMany(c => c).ToList();
        Assert.That(all, Has.Count.EqualTo(40));
        Assert.That(all.Distinct().Count(), Is.EqualTo(40), "no row claimed twice");
    }

    [Test]
    public async Task MarkDeliveredAsync_DropsPayload_CountsDelivered()
    {
        await _outbox.TryEnqueueAsync(Entry("a"));
        await _outbox.ClaimDueAsync(Now, Now.AddMinutes(2), 10);
        await _outbox.MarkDeliveredAsync("fil-sent-mail-a", new FilingDelivery("local", new string('a', 64), new string('b', 64), Now.AddSeconds(1)));
        var row = await _outbox.GetAsync("fil-sent-mail-a");
        var counts = await _outbox.CountAsync();
        Assert.Multiple(() =>
        {
            Assert.That(row!.State, Is.EqualTo(FilingStates.Delivered));
            Assert.That(row.Payload, Is.Null, "content shredded once filed");
            Assert.That(row.PayloadKey, Is.Null);
            Assert.That(row.RenditionSha256, Is.EqualTo(new string('a', 64)));
            Assert.That(counts.Delivered, Is.EqualTo(1));
            Assert.That(counts.Pending, Is.Zero);
        });
    }

    [Test]
    public async Task MarkFailedAsync_RetryThenGiveUp_VisibleAsFailedThenRetriable()
    {
        await _outbox.TryEnqueueAsync(Entry("a"));
        await _outbox.ClaimDueAsync(Now, Now.AddMinutes(2), 10);
        await _outbox.MarkFailedAsync("fil-sent-mail-a", "destination_unreachable", Now.AddSeconds(10));
        Assert.That(await _outbox.ClaimDueAsync(Now.AddSeconds(5), Now.AddMinutes(2), 10), Is.Empty, "not before the backoff");
        Assert.That(await _outbox.ClaimDueAsync(Now.AddSeconds(11), Now.AddMinutes(2), 10), Has.Count.EqualTo(1));
        await _outbox.MarkFailedAsync("fil-sent-mail-a", "destination_rejected", null);
        var failed = await _outbox.ListAsync(FilingStates.Failed, 10);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(failed.Single().LastError, Is.EqualTo("destination_rejected"));
            Assert.That((await _outbox.CountAsync()).Failed, Is.EqualTo(1));
            Assert.That(await _outbox.RetryAsync("fil-sent-mail-a", Now.AddMinutes(1)), Is.True);
            Assert.That(await _outbox.RetryAsync("fil-sent-mail-a", Now.AddMinutes(1)), Is.False, "no longer failed");
        });
    }

    [Test]
    public async Task ResolveAsync_ToConfirm_ChosenPatientPendingOrDismissedShredded()
    {
        await _outbox.TryEnqueueAsync(Entry("a", FilingStates.ToConfirm));
        await _outbox.TryEnqueueAsync(Entry("b", FilingStates.ToConfirm));
        Assert.That(await _outbox.ClaimDueAsync(Now, Now.AddMinutes(2), 10), Is.Empty, "to-confirm rows are not delivered");
        Assert.That((await _outbox.ListAsync(FilingStates.ToConfirm, 10)).Single(e => e.Id == "fil-sent-mail-a").Candidates, Is.EqualTo(new[] { "pat_1", "pat_2" }));

        Assert.That(await _outbox.ResolveAsync("fil-sent-mail-a", "pat_2", Now), Is.True);
        Assert.That(await _outbox.ResolveAsync("fil-sent-mail-b", null, Now), Is.True);
        Assert.That(await _outbox.ResolveAsync("fil-sent-mail-b", "pat_1", Now), Is.False, "already dismissed");
        var a = await _outbox.GetAsync("fil-sent-mail-a");
        var b = await _outbox.GetAsync("fil-sent-mail-b");
        Assert.Multiple(() =>
        {
            Assert.That((a!.State, a.PatientId), Is.EqualTo((FilingStates.Pending, "pat_2")));
            Assert.That((b!.State, b.Payload), Is.EqualTo((FilingStates.Dismissed, (byte[]?)null)));
        });
    }

    [Test]
    public async Task CountNotRegisteredAsync_CountsWithoutStoringRows()
    {
        await _outbox.CountNotRegisteredAsync(ExchangeDirection.Outgoing);
        await _outbox.CountNotRegisteredAsync(ExchangeDirection.Outgoing);
        await _outbox.CountNotRegisteredAsync(ExchangeDirection.Incoming);
        var counts = await _outbox.CountAsync();
        Assert.Multiple(() =>
        {
            Assert.That(counts.NotRegistered, Is.EqualTo(3));
            Assert.That(counts.Pending + counts.ToConfirm + counts.Failed + counts.Delivered, Is.Zero);
        });
    }

    [Test]
    public async Task ExpireAsync_OldUndelivered_ExpiredAndShredded_OldDeliveredDeleted()
    {
        await _outbox.TryEnqueueAsync(Entry("old", created: Now.AddDays(-100)));
        await _outbox.TryEnqueueAsync(Entry("olddone", created: Now.AddDays(-100)));
        await _outbox.TryEnqueueAsync(Entry("new"));
        await _outbox.ClaimDueAsync(Now.AddDays(-100), Now.AddDays(-100).AddMinutes(2), 1);
        await _outbox.MarkDeliveredAsync("fil-sent-mail-old", new FilingDelivery("local", "x", "y", Now.AddDays(-100)));
        await _outbox.TryEnqueueAsync(Entry("old2", created: Now.AddDays(-95)));

        var touched = await _outbox.ExpireAsync(Now.AddDays(-90));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(touched, Is.EqualTo(3));
            Assert.That(await _outbox.GetAsync("fil-sent-mail-old"), Is.Null, "delivered and past retention: deleted");
            Assert.That((await _outbox.GetAsync("fil-sent-mail-olddone"))!.State, Is.EqualTo(FilingStates.Expired));
            Assert.That((await _outbox.GetAsync("fil-sent-mail-olddone"))!.Payload, Is.Null);
            Assert.That((await _outbox.GetAsync("fil-sent-mail-new"))!.State, Is.EqualTo(FilingStates.Pending));
        });
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("clinicmail-filing-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
