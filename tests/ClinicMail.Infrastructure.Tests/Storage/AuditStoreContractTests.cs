using ClinicMail.Core.Audit;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The audit chain store contract, run on SQLite and PostgreSQL (one class, <see cref="StorageProviders"/>): records come back exactly
/// as hashed, the chain verifies, and concurrent appenders never fork it.</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public sealed class AuditStoreContractTests(StorageProvider provider)
{
    private TestStorage _storage = null!;

    private static readonly DateTimeOffset At = new(2025, 6, 1, 12, 30, 15, 123, TimeSpan.Zero);

    private IAuditStore _store = null!;

    [SetUp]
    public async Task CreateAsync()
    {
        _storage = await TestStorage.CreateAsync(provider);
        _store = _storage.Backend.Audit;
    }

    [TearDown]
    public async Task ReleaseAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    private static AuditEntry Entry(int i) => new()
    {
        Event = i % 2 == 0 ? AuditEventType.CheckPerformed : AuditEventType.PatientUpdated,
        ActorTenantId = "tid-1",
        ActorObjectId = "oid-" + i,
        CheckId = i % 2 == 0 ? "chk_" + i : null,
        SubjectId = i % 2 == 1 ? "patient-" + i : null,
        Decision = i % 2 == 0 ? "allow" : null,
        Data = new Dictionary<string, object?> { ["fields"] = new[] { "family_name" }, ["count"] = i, ["flag"] = true },
    };

    [Test]
    public async Task AppendBatchAsync_ThenReadAll_ChainVerifiesAndRoundTrips()
    {
        var first = await _store.AppendBatchAsync([Entry(0), Entry(1)], At);
        var second = await _store.AppendBatchAsync([Entry(2)], At.AddSeconds(1));

        var all = new List<AuditRecord>();
        await foreach (var record in _store.ReadAllAsync())
        {
            all.Add(record);
        }

        Assert.Multiple(() =>
        {
            Assert.That(all, Is.EqualTo(first.Concat(second)), "every field comes back as hashed");
            Assert.That(all.Select(r => r.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }));
            Assert.That(AuditChain.Verify(all).Ok, Is.True);
        });
    }

    [Test]
    public async Task FindByCheckIdAsync_Stored_Found()
    {
        await _store.AppendBatchAsync([Entry(0), Entry(1), Entry(4)], At);

        var found = await _store.FindByCheckIdAsync("chk_4", AuditEventType.CheckPerformed);
        var absent = await _store.FindByCheckIdAsync("chk_4", AuditEventType.OverrideRecorded);

        Assert.Multiple(() =>
        {
            Assert.That(found?.Sequence, Is.EqualTo(3));
            Assert.That(absent, Is.Null);
        });
    }

    [Test]
    public async Task AppendBatchAsync_ConcurrentWriters_OneUnbrokenChain()
    {
        const int Writers = 8;
        const int PerWriter = 10;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                await _store.AppendBatchAsync([Entry((w * PerWriter) + i)], At);
            }
        })));

        var all = new List<AuditRecord>();
        await foreach (var record in _store.ReadAllAsync())
        {
            all.Add(record);
        }

        Assert.Multiple(() =>
        {
            Assert.That(all, Has.Count.EqualTo(Writers * PerWriter));
            Assert.That(AuditChain.Verify(all).Ok, Is.True);
        });
    }

    [Test]
    public async Task PingAsync_Migrated_True() => Assert.That(await _store.PingAsync(), Is.True);
}
