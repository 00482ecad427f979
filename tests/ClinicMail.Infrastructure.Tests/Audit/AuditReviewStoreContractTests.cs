using System.Globalization;
using ClinicMail.Core.Audit;

namespace ClinicMail.Infrastructure.Tests.Audit;

/// <summary>The reviewer's store contract (search, paging, aggregates) run unchanged on every store, so
/// a filter means the same on SQLite and PostgreSQL. The expected sets are computed from the entries
/// written here, never typed in.</summary>
[TestFixtureSource(typeof(Storage.StorageProviders), nameof(Storage.StorageProviders.All))]
public sealed class AuditReviewStoreContractTests(Storage.StorageProvider provider)
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private IAuditTestDatabase _db = null!;

    private Task<IAuditTestDatabase> CreateDatabaseAsync() => AuditTestDatabases.CreateAsync(provider);

    [SetUp]
    public async Task SetUpAsync()
    {
        _db = await CreateDatabaseAsync();
        // Checks 1-12 (one a day from March 2nd at 10:00; actor oid-(i mod 3)), an override of check 4
        // by oid-1 (13) and a refused one of check 6 (14), then a registry event about patient P-0003 (15).
        for (var i = 1; i <= 12; i++)
        {
            await _db.Store.AppendBatchAsync([Check(i)], At.AddDays(i - 1));
        }

        await _db.Store.AppendBatchAsync([Override(4, AuditEventType.OverrideRecorded, "overriddenCodes"), Override(6, AuditEventType.OverrideRefused, "refusedCodes")], At.AddDays(12));
        await _db.Store.AppendBatchAsync([new AuditEntry { Event = AuditEventType.PatientUpdated, ActorTenantId = "tenant-1", ActorObjectId = "admin", SubjectId = "P-0003" }], At.AddDays(12));
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [Test]
    public async Task Search_EachFilter_SelectsExactlyTheMatchingRecords()
    {
        Assert.That(await SequencesAsync(new AuditFilter { PatientId = "P-0003" }), Is.EqualTo(new long[] { 3, 15 }));
        Assert.That(await SequencesAsync(new AuditFilter { ReasonCode = "CONSENT_MISSING" }), Is.EqualTo(new long[] { 2, 4, 6, 8, 10, 12, 13 }));
        Assert.That(await SequencesAsync(new AuditFilter { ReasonCode = "TOPIC_SENSITIVE" }), Is.EqualTo(new long[] { 14 }));
        Assert.That(await SequencesAsync(new AuditFilter { Category = "mental_health" }), Is.EqualTo(new long[] { 5, 10 }));
        Assert.That(await SequencesAsync(new AuditFilter { Decision = "block" }), Is.EqualTo(Enumerable.Range(1, 12).Where(i => i % 3 == 2).Select(i => (long)i)));
        Assert.That(await SequencesAsync(new AuditFilter { ActorObjectId = "oid-1", ActorTenantId = "tenant-1" }), Is.EqualTo(Enumerable.Range(1, 12).Where(i => i % 3 == 1).Select(i => (long)i).Append(13)));
        Assert.That(await SequencesAsync(new AuditFilter { Override = true }), Is.EqualTo(new long[] { 4, 13, 14 }));
        Assert.That(await SequencesAsync(new AuditFilter { Override = false }), Has.Count.EqualTo(12).And.Not.Contains(4L));
        Assert.That(await SequencesAsync(new AuditFilter { Events = [AuditEventType.PatientUpdated, AuditEventType.OverrideRefused] }), Is.EqualTo(new long[] { 14, 15 }));
        // From inclusive, To exclusive, even with sub-millisecond noise on the bound.
        Assert.That(await SequencesAsync(new AuditFilter { From = At.AddDays(2).AddTicks(5), To = At.AddDays(5) }), Is.EqualTo(new long[] { 3, 4, 5 }));
        Assert.That(await SequencesAsync(new AuditFilter { PatientId = "P-0003", ReasonCode = "CONSENT_MISSING" }), Is.Empty);
    }

    [Test]
    public async Task Search_NewestFirstPages_CoverEveryMatchOnceInOrder()
    {
        var seen = new List<long>();
        long? cursor = null;
        do
        {
            var page = await _db.Review.SearchAsync(new AuditFilter { Events = [AuditEventType.CheckPerformed] }, cursor, 5, newestFirst: true);
            seen.AddRange(page.Records.Select(r => r.Sequence));
            cursor = page.NextAfter;
        }
        while (cursor is not null);

        Assert.That(seen, Is.EqualTo(Enumerable.Range(1, 12).Reverse().Select(i => (long)i)));
    }

    [Test]
    public async Task Statistics_CountDecisionsReasonsOverridesAndCategories()
    {
        var stats = await _db.Review.StatisticsAsync(new AuditFilter(), top: 5);

        Assert.That(stats.DecisionsPerDay, Has.Count.EqualTo(12));
        Assert.That(stats.DecisionsPerDay[0], Is.EqualTo(new DayDecisions("2026-03-02", 0, 1, 0)));
        Assert.That(stats.TopReasons, Is.EqualTo(new[] { new CodeCount("CONSENT_MISSING", 6) }));
        Assert.That(stats.OverridesByPhysician, Is.EqualTo(new[] { new CodeCount("tenant-1/oid-1", 1) }));
        Assert.That(stats.CategoriesPerDay, Is.EqualTo(new[] { new DayCategory("2026-03-06", "mental_health", 1), new DayCategory("2026-03-11", "mental_health", 1) }));
    }

    [Test]
    public async Task LastSequenceBefore_ReturnsTheNewestOlderRecordOrZero()
    {
        Assert.That(await _db.Review.LastSequenceBeforeAsync(At.AddDays(3)), Is.EqualTo(3));
        Assert.That(await _db.Review.LastSequenceBeforeAsync(At), Is.Zero);
        Assert.That((await _db.Review.ReadHeadAsync())!.Sequence, Is.EqualTo(15));
    }

    private async Task<List<long>> SequencesAsync(AuditFilter filter)
    {
        var streamed = new List<long>();
        await foreach (var record in _db.Review.StreamAsync(filter))
        {
            streamed.Add(record.Sequence);
        }

        var page = await _db.Review.SearchAsync(filter, null, 100, newestFirst: false);
        Assert.That(page.Records.Select(r => r.Sequence), Is.EqualTo(streamed), "search and stream agree");
        return streamed;
    }

    private static string Id(int i) => i.ToString("0000", CultureInfo.InvariantCulture);

    private static AuditEntry Check(int i) => new()
    {
        Event = AuditEventType.CheckPerformed,
        ActorTenantId = "tenant-1",
        ActorObjectId = "oid-" + (i % 3).ToString(CultureInfo.InvariantCulture),
        CheckId = "chk_" + Id(i),
        Decision = (i % 3) switch { 0 => "allow", 1 => "warn", _ => "block" },
        Data = new Dictionary<string, object?>
        {
            ["patientIds"] = new[] { "P-" + Id(i) },
            ["reasonCodes"] = i % 2 == 0 ? new[] { "CONSENT_MISSING" } : Array.Empty<string>(),
            ["categories"] = i % 5 == 0 ? new[] { "mental_health" } : Array.Empty<string>(),
        },
    };

    private static AuditEntry Override(int check, AuditEventType type, string codesKey) => new()
    {
        Event = type,
        ActorTenantId = "tenant-1",
        ActorObjectId = "oid-" + (check % 3).ToString(CultureInfo.InvariantCulture),
        CheckId = "chk_" + Id(check),
        Data = new Dictionary<string, object?> { [codesKey] = new[] { type == AuditEventType.OverrideRecorded ? "CONSENT_MISSING" : "TOPIC_SENSITIVE" } },
    };
}
