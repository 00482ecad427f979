using ClinicMail.Core.Filing;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>Where the Sent Items sweep resumes, per mailbox (migration 0015): one class, run on SQLite
/// and on a real PostgreSQL server.</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public sealed class SentItemsCursorStoreContractTests(StorageProvider provider)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
    private TestStorage _storage = null!;
    private ISentItemsCursorStore _cursors = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _storage = await TestStorage.CreateAsync(provider);
        _cursors = _storage.Backend.SentItemsCursors;
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    [Test]
    public async Task Get_NeverSwept_IsNull() =>
        Assert.That(await _cursors.GetAsync("dre.gagnon@clinique.med"), Is.Null);

    [Test]
    public async Task Save_ThenSaveAgain_KeepsTheLatestLinkPerMailbox()
    {
        await _cursors.SaveAsync("dre.gagnon@clinique.med", "https://graph.microsoft.com/v1.0/delta?$skiptoken=1", Now);
        await _cursors.SaveAsync("DRE.Gagnon@Clinique.med", "https://graph.microsoft.com/v1.0/delta?$deltatoken=2", Now.AddMinutes(5));
        await _cursors.SaveAsync("accueil@clinique.med", "https://graph.microsoft.com/v1.0/delta?$deltatoken=9", Now);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await _cursors.GetAsync("dre.gagnon@clinique.med"), Does.EndWith("$deltatoken=2"), "one row per mailbox, whatever its case");
            Assert.That(await _cursors.GetAsync("accueil@clinique.med"), Does.EndWith("$deltatoken=9"));
        });
    }

    [Test]
    public async Task Reset_ForgetsOnlyThatMailbox()
    {
        await _cursors.SaveAsync("dre.gagnon@clinique.med", "https://graph.microsoft.com/v1.0/delta?$deltatoken=2", Now);
        await _cursors.SaveAsync("accueil@clinique.med", "https://graph.microsoft.com/v1.0/delta?$deltatoken=9", Now);

        await _cursors.ResetAsync("dre.gagnon@clinique.med");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await _cursors.GetAsync("dre.gagnon@clinique.med"), Is.Null);
            Assert.That(await _cursors.GetAsync("accueil@clinique.med"), Is.Not.Null);
        });
    }
}
