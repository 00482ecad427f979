using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The replica's own rules, with a feed that stands for a store: a failed build leaves no
/// index (the directory then searches the database), a catch-up the feed cannot do rebuilds.</summary>
public sealed class NearMissReplicaTests
{
    /// <summary>Serves rows from a list; the token is the number of rows served so far.</summary>
    private sealed class ListFeed : INearMissFeed<string>
    {
        public List<(long Id, string Address)> Rows { get; } = [];

        public bool Fail { get; set; }

        public bool CanCatchUp { get; set; } = true;

        public int FullLoads { get; private set; }

        public Task<string> LoadAllAsync(NearMissIndex index, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new IOException("store unavailable");
            }

            FullLoads++;
            foreach (var (id, address) in Rows)
            {
                index.Add(id, address, AddressKeys.For(address).Skeleton);
            }

            return Task.FromResult(Rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        public Task<string?> LoadChangesAsync(NearMissIndex index, string since, CancellationToken cancellationToken)
        {
            if (!CanCatchUp)
            {
                return Task.FromResult<string?>(null);
            }

            foreach (var (id, address) in Rows.Skip(int.Parse(since, System.Globalization.CultureInfo.InvariantCulture)))
            {
                index.Add(id, address, AddressKeys.For(address).Skeleton);
            }

            return Task.FromResult<string?>(Rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Test]
    public async Task WaitUntilReadyAsync_FeedFails_ThrowsAndLeavesNoIndex()
    {
        var feed = new ListFeed { Fail = true };
        using var replica = new NearMissReplica<string>(feed);

        Assert.ThrowsAsync<InvalidOperationException>(() => replica.WaitUntilReadyAsync());
        await replica.IdleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(replica.Current, Is.Null, "no index: look-ups search the database");
            Assert.That(replica.Peek, Is.Null);
        });
    }

    [Test]
    public async Task CatchUp_NewRows_AddedToTheSameIndex()
    {
        var feed = new ListFeed();
        feed.Rows.Add((1, "marie.tremblay@gmail.com"));
        using var replica = new NearMissReplica<string>(feed);
        await replica.WaitUntilReadyAsync();
        var built = replica.Current!;

        feed.Rows.Add((2, "jean.gagnon@videotron.ca"));
        replica.CatchUp(built);
        await replica.IdleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(replica.Current!.Index, Is.SameAs(built.Index));
            Assert.That(replica.Current.Token, Is.EqualTo("2"));
            Assert.That(replica.Current.Index.MayBeRegistered("jean.gagnon@videotron.ca"), Is.True);
            Assert.That(feed.FullLoads, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task CatchUp_FeedCannotTellWhatChanged_RebuildsIntoANewIndex()
    {
        var feed = new ListFeed { CanCatchUp = false };
        feed.Rows.Add((1, "marie.tremblay@gmail.com"));
        using var replica = new NearMissReplica<string>(feed);
        await replica.WaitUntilReadyAsync();
        var built = replica.Current!;

        feed.Rows.Add((2, "jean.gagnon@videotron.ca"));
        replica.CatchUp(built);
        await replica.IdleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(replica.Current!.Index, Is.Not.SameAs(built.Index));
            Assert.That(replica.Current.Index.Count, Is.EqualTo(2));
            Assert.That(feed.FullLoads, Is.EqualTo(2));
        });
    }
}
