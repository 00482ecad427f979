using System.Security.Cryptography;
using ClinicMail.Cli.Hosting;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Secure;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Cli.Tests;

/// <summary><c>clinicmail keys rewrap</c> on a real SQLite file with real RSA key files: after a
/// rotation every data key moves to the new key, ciphertexts stay byte-identical, the content
/// still opens, the run is audited, and an interrupted run resumes.</summary>
[TestFixture]
public sealed class KeysRewrapTests
{
    private DirectoryInfo _folder = null!;
    private string _db = null!;
    private string _key = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Directory.CreateTempSubdirectory("clinicmail-rewrap-");
        _db = Path.Combine(_folder.FullName, "clinicmail.db");
        _key = Path.Combine(_folder.FullName, "keys", "kek.pem");
    }

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Test]
    public async Task Rewrap_AfterRotation_MovesEveryKeyAndLeavesCiphertextsAsync()
    {
        var (database, ids) = await SeedAsync(7);
        var before = await CiphertextsAsync(database, ids);
        var newKeyId = LocalKeyFileKek.Rotate(_key, allowDevelopmentKeys: true);
        var output = new StringWriter();
        var io = new CliIo(new StringReader(""), output, new StringWriter(), Interactive: false);

        var exit = await CliApp.RunAsync(["keys", "rewrap", "--db", _db, "--key-file", _key, "--development", "--batch-size", "3"], io);

        Assert.That(exit, Is.Zero, output.ToString());
        Assert.That(output.ToString(), Does.Contain("rewrap: 7 re-wrapped, 0 not unwrappable, of 7"));
        Assert.That(output.ToString(), Does.Contain("rewrap: 3/7").And.Contain("rewrap: 6/7"), "committed in batches of 3");
        var store = new SecureMessageStore(database);
        Assert.That(await store.CountKeysNotUnderAsync(newKeyId), Is.Zero);
        Assert.That(await CiphertextsAsync(database, ids), Is.EqualTo(before), "ciphertexts untouched");

        // Only the new key is needed from now on for the keys: open with the rotated set and check the binding.
        using var kek = LocalKeyFileKek.OpenOrCreate(_key, allowDevelopmentKeys: true);
        var envelope = await store.GetEnvelopeAsync(ids[0]);
        Assert.That(envelope!.Key.WrappedKey.KeyId, Is.EqualTo(newKeyId));
        var content = await new EnvelopeEncryptor(kek).DecryptAsync(envelope, new EnvelopeBinding { MessageId = ids[0], Recipients = ["patient@example.com"] });
        Assert.That(content.Body, Is.EqualTo("Message 0"));

        var audit = new List<AuditRecord>();
        await foreach (var record in new AuditStore(database).ReadAllAsync())
        {
            audit.Add(record);
        }

        var rewrapped = audit.Single(r => r.Event == AuditEventType.SecureKeyRewrapped);
        Assert.That(rewrapped.DataJson, Does.Contain("\"rewrapped\":7").And.Contain("\"failed\":0"));
    }

    [Test]
    public async Task Rewrap_Interrupted_RerunContinuesWhereItStoppedAsync()
    {
        var (database, _) = await SeedAsync(10);
        LocalKeyFileKek.Rotate(_key, allowDevelopmentKeys: true);
        using var kek = LocalKeyFileKek.OpenOrCreate(_key, allowDevelopmentKeys: true);
        var store = new SecureMessageStore(database);
        await using var audit = new BatchingAuditWriter(new AuditStore(database), TimeProvider.System);
        var rewrapper = new KeyRewrapper(store, new EnvelopeEncryptor(kek), kek, audit);
        using var stop = new CancellationTokenSource();

        // Stop after the first committed batch (as Ctrl+C or a crash would).
        var progress = new StopAfter(4, stop);
        var first = await rewrapper.RunAsync(4, 2, progress, "test", stop.Token);
        Assert.That(first.Rewrapped, Is.EqualTo(4));
        var left = await store.CountKeysNotUnderAsync(kek.KeyId);
        Assert.That(left, Is.EqualTo(6), "one batch of 4 committed");

        var resumed = await rewrapper.RunAsync(4, 2, null, "test");

        Assert.That(resumed.Total, Is.EqualTo(6));
        Assert.That(resumed.Rewrapped, Is.EqualTo(6));
        Assert.That(await store.CountKeysNotUnderAsync(kek.KeyId), Is.Zero);
    }

    [Test]
    public async Task Rewrap_LocalKeyWithoutDevelopmentFlag_RefusedAsync()
    {
        await SeedAsync(1);
        var error = new StringWriter();
        var io = new CliIo(new StringReader(""), new StringWriter(), error, Interactive: false);

        var exit = await CliApp.RunAsync(["keys", "rewrap", "--db", _db, "--key-file", _key], io);

        Assert.That(exit, Is.EqualTo(ExitCodes.Unavailable));
        Assert.That(error.ToString(), Does.Contain("refused outside development"));
    }

    private sealed class StopAfter(long done, CancellationTokenSource stop) : IProgress<RewrapProgress>
    {
        public void Report(RewrapProgress value)
        {
            if (value.Done >= done)
            {
                stop.Cancel();
            }
        }
    }

    private async Task<(SqliteDatabase Database, List<string> Ids)> SeedAsync(int count)
    {
        var database = new SqliteDatabase(_db);
        await database.MigrateAsync();
        using var kek = LocalKeyFileKek.OpenOrCreate(_key, allowDevelopmentKeys: true);
        var encryptor = new EnvelopeEncryptor(kek);
        var store = new SecureMessageStore(database, new PatientAddressProtector(new OneTimeCodeKey(RandomNumberGenerator.GetBytes(32)), kek, new AddressKeyStore(database)));
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = "sm_" + Guid.CreateVersion7().ToString("N");
            var envelope = await encryptor.EncryptAsync(
                new EnvelopeContent { Subject = "s", Body = $"Message {i}", Format = BodyFormat.Text },
                new EnvelopeBinding { MessageId = id, Recipients = ["patient@example.com"] });
            var now = DateTimeOffset.UtcNow;
            await store.CreateAsync(
                new SecureMessage { Id = id, OwnerTenantId = "t", OwnerObjectId = "o", CheckId = "chk", CreatedAt = now, ExpiresAt = now.AddDays(30), Recipients = ["patient@example.com"] },
                envelope,
                [new SecureAccess { Id = "sa_" + Guid.CreateVersion7().ToString("N"), MessageId = id, Address = "patient@example.com", PatientIds = ["p1"], Language = "fr" }],
                [SecretTokens.Hash(SecretTokens.NewLinkToken())]);
            ids.Add(id);
        }

        return (database, ids);
    }

    private static async Task<List<byte[]>> CiphertextsAsync(SqliteDatabase database, List<string> ids)
    {
        var store = new SecureMessageStore(database);
        var result = new List<byte[]>();
        foreach (var id in ids)
        {
            result.Add((await store.GetEnvelopeAsync(id))!.Ciphertext);
        }

        return result;
    }
}
