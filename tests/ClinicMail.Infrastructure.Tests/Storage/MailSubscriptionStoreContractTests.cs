using ClinicMail.Core.Incoming;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>What <see cref="ClinicMail.Infrastructure.Storage.MailSubscriptionStore"/> must do, on a real
/// SQLite file and a real PostgreSQL server, from the one fixture source. Each test uses its own mailbox.</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public sealed class MailSubscriptionStoreContractTests(StorageProvider provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 15, 0, 0, 123, TimeSpan.Zero);
    private TestStorage _storage = null!;
    private string _box = null!;

    private IMailSubscriptionStore Store => _storage.Backend.MailSubscriptions;

    [OneTimeSetUp]
    public async Task CreateAsync() => _storage = await TestStorage.CreateAsync(provider);

    [OneTimeTearDown]
    public async Task ReleaseAsync() => await _storage.DisposeAsync();

    [SetUp]
    public void UniqueMailbox() => _box = "box." + Guid.NewGuid().ToString("N")[..10] + "@clinique.example";

    private MailSubscription Subscription(string id, string folder, DateTimeOffset expires) => new()
    {
        SubscriptionId = id,
        Mailbox = _box,
        Folder = folder,
        ClientStateHash = [1, 2, 3, (byte)id.Length],
        ExpiresAt = expires,
        CreatedAt = T0,
    };

    [Test]
    public async Task SaveAndFind_RoundTripsEveryField()
    {
        var id = Guid.NewGuid().ToString();
        await Store.SaveAsync(Subscription(id, WatchedFolders.Inbox, T0.AddDays(3)));

        var found = await Store.FindAsync(id);

        Assert.That(found, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(found!.Mailbox, Is.EqualTo(_box));
            Assert.That(found.Folder, Is.EqualTo(WatchedFolders.Inbox));
            Assert.That(found.ClientStateHash, Is.EqualTo(new byte[] { 1, 2, 3, (byte)id.Length }));
            Assert.That(found.ExpiresAt, Is.EqualTo(T0.AddDays(3)));
            Assert.That(found.CreatedAt, Is.EqualTo(T0));
        });
        Assert.That(await Store.FindAsync("unknown-" + id), Is.Null);
    }

    [Test]
    public async Task Save_SameMailboxAndFolder_ReplacesThePrevious()
    {
        var first = Guid.NewGuid().ToString();
        var second = Guid.NewGuid().ToString();
        var sent = Guid.NewGuid().ToString();
        await Store.SaveAsync(Subscription(first, WatchedFolders.Inbox, T0.AddDays(1)));
        await Store.SaveAsync(Subscription(sent, WatchedFolders.SentItems, T0.AddDays(1)));
        await Store.SaveAsync(Subscription(second, WatchedFolders.Inbox, T0.AddDays(2)));

        var mine = (await Store.ListAsync()).Where(s => s.Mailbox == _box).ToList();

        Assert.That(mine.Select(s => (s.Folder, s.SubscriptionId)), Is.EquivalentTo(new[] { (WatchedFolders.Inbox, second), (WatchedFolders.SentItems, sent) }));
        Assert.That(await Store.FindAsync(first), Is.Null);
    }

    [Test]
    public async Task SetExpiryAndDelete_ChangeOnlyThatSubscription()
    {
        var inbox = Guid.NewGuid().ToString();
        var sent = Guid.NewGuid().ToString();
        await Store.SaveAsync(Subscription(inbox, WatchedFolders.Inbox, T0.AddDays(1)));
        await Store.SaveAsync(Subscription(sent, WatchedFolders.SentItems, T0.AddDays(1)));

        await Store.SetExpiryAsync(inbox, T0.AddDays(6));
        await Store.DeleteAsync(sent);

        Assert.That((await Store.FindAsync(inbox))!.ExpiresAt, Is.EqualTo(T0.AddDays(6)));
        Assert.That(await Store.FindAsync(sent), Is.Null);
    }

    [Test]
    public async Task DeltaLink_PerMailboxAndFolder_Upserted()
    {
        Assert.That(await Store.GetDeltaLinkAsync(_box, WatchedFolders.Inbox), Is.Null);

        await Store.SetDeltaLinkAsync(_box, WatchedFolders.Inbox, "https://graph.example/delta?$deltatoken=1", T0);
        await Store.SetDeltaLinkAsync(_box, WatchedFolders.SentItems, "https://graph.example/delta?$deltatoken=s1", T0);
        await Store.SetDeltaLinkAsync(_box, WatchedFolders.Inbox, "https://graph.example/delta?$deltatoken=2", T0.AddMinutes(1));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Store.GetDeltaLinkAsync(_box, WatchedFolders.Inbox), Is.EqualTo("https://graph.example/delta?$deltatoken=2"));
            Assert.That(await Store.GetDeltaLinkAsync(_box, WatchedFolders.SentItems), Is.EqualTo("https://graph.example/delta?$deltatoken=s1"));
        });
    }
}
