using System.Security.Cryptography;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Tests.Storage;

namespace ClinicMail.Infrastructure.Tests.Secure;

/// <summary>The secure-message store contract, run on SQLite and PostgreSQL with real envelopes
/// (a local RSA key file as key-encryption key): round trips, code attempts and lock (also under
/// concurrent wrong codes), opening, replies, crypto-shredding on close, the purge's candidates and
/// the rewrap listing and update.</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public sealed class SecureMessageStoreContractTests(StorageProvider provider)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 14, 5, 30, 250, TimeSpan.Zero);

    private DirectoryInfo _folder = null!;
    private string _kekPath = null!;
    private LocalKeyFileKek _kek = null!;
    private EnvelopeEncryptor _encryptor = null!;
    private ISecureMessageStore _store = null!;

    private TestStorage _storage = null!;

    private async Task<ISecureMessageStore> CreateStoreAsync()
    {
        _storage = await TestStorage.CreateAsync(provider);
        return _storage.Backend.SecureMessagesWith(new PatientAddressProtector(new OneTimeCodeKey(RandomNumberGenerator.GetBytes(32)), _kek, new AddressKeyStore(_storage.Backend.Database)));
    }

    // Null when SetUp was ignored (no PostgreSQL server configured): nothing to release then.
    private async Task ReleaseStoreAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    [SetUp]
    public async Task SetUpAsync()
    {
        _folder = Directory.CreateTempSubdirectory("clinicmail-securestore-");
        _kekPath = Path.Combine(_folder.FullName, "kek.pem");
        _kek = LocalKeyFileKek.OpenOrCreate(_kekPath, allowDevelopmentKeys: true);
        _encryptor = new EnvelopeEncryptor(_kek);
        _store = await CreateStoreAsync();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await ReleaseStoreAsync();
        _kek.Dispose();
        _folder.Delete(recursive: true);
    }

    private static string NewId(string prefix) => prefix + Guid.CreateVersion7().ToString("N");

    private static EnvelopeBinding Binding(string messageId) => new() { MessageId = messageId, Recipients = ["marie.cote@example.ca", "famille.tremblay@example.ca"] };

    private static EnvelopeContent Content() => new()
    {
        Subject = "Résultats",
        Body = "Bonjour, vos résultats sont normaux.",
        Format = BodyFormat.Text,
    };

    /// <summary>A message with two access records; returns it, its accesses and their token hashes.</summary>
    private async Task<(SecureMessage Message, IReadOnlyList<SecureAccess> Accesses, IReadOnlyList<byte[]> TokenHashes)> CreateMessageAsync(DateTimeOffset? expiresAt = null)
    {
        var id = NewId("sm_");
        var message = new SecureMessage
        {
            Id = id,
            OwnerTenantId = "tid-clinic",
            OwnerObjectId = "oid-gagnon",
            CheckId = NewId("chk_"),
            CreatedAt = Now,
            ExpiresAt = expiresAt ?? Now.AddDays(14),
            Recipients = ["marie.cote@example.ca", "famille.tremblay@example.ca"],
            NotifyAddress = "dre.gagnon@clinique.example.ca",
        };
        SecureAccess[] accesses =
        [
            new() { Id = NewId("sa_"), MessageId = id, Address = "marie.cote@example.ca", PatientIds = ["p-000412"], Language = "fr" },
            new() { Id = NewId("sa_"), MessageId = id, Address = "famille.tremblay@example.ca", PatientIds = ["p-000977", "p-000978"], Language = "en" },
        ];
        byte[][] hashes = [RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)];
        var envelope = await _encryptor.EncryptAsync(Content(), Binding(id));
        await _store.CreateAsync(message, envelope, accesses, hashes);
        return (message, accesses, hashes);
    }

    private async Task<SecureReply> AddReplyAsync(SecureMessage message, SecureAccess access)
    {
        var reply = new SecureReply { Id = NewId("smr_"), MessageId = message.Id, AccessId = access.Id, CreatedAt = Now.AddHours(2) };
        var envelope = await _encryptor.EncryptAsync(Content(), new EnvelopeBinding { MessageId = reply.Id, Recipients = [message.OwnerBinding] });
        await _store.AddReplyAsync(reply, envelope);
        return reply;
    }

    [Test]
    public async Task CreateAsync_ThenRead_MessageAccessesAndEnvelopeRoundTrip()
    {
        var (message, accesses, hashes) = await CreateMessageAsync();

        var stored = await _store.GetMessageAsync(message.Id);
        var byToken = await _store.FindAccessByTokenHashAsync(hashes[1]);
        var all = await _store.GetAccessesAsync(message.Id);
        var envelope = await _store.GetEnvelopeAsync(message.Id);

        Assert.Multiple(() =>
        {
            Assert.That(stored, Is.Not.Null);
            Assert.That(stored!.Id, Is.EqualTo(message.Id));
            Assert.That(stored.OwnerTenantId, Is.EqualTo("tid-clinic"));
            Assert.That(stored.OwnerObjectId, Is.EqualTo("oid-gagnon"));
            Assert.That(stored.CheckId, Is.EqualTo(message.CheckId));
            Assert.That(stored.CreatedAt, Is.EqualTo(Now));
            Assert.That(stored.ExpiresAt, Is.EqualTo(Now.AddDays(14)));
            Assert.That(stored.Status, Is.EqualTo(SecureMessageStatus.Active));
            Assert.That(stored.ClosedAt, Is.Null);
            Assert.That(stored.Recipients, Is.EqualTo(message.Recipients));
            Assert.That(stored.NotifyAddress, Is.EqualTo(message.NotifyAddress));
            Assert.That(byToken?.Id, Is.EqualTo(accesses[1].Id));
            Assert.That(byToken?.PatientIds, Is.EqualTo(new[] { "p-000977", "p-000978" }));
            Assert.That(byToken?.Language, Is.EqualTo("en"));
            Assert.That(byToken?.CodesSent, Is.Zero);
            Assert.That(all.Select(a => a.Id), Is.EquivalentTo(accesses.Select(a => a.Id)));
            Assert.That(envelope, Is.Not.Null);
        });
        var content = await _encryptor.DecryptAsync(envelope!, Binding(message.Id));
        Assert.That(content.Body, Is.EqualTo(Content().Body));
    }

    [Test]
    public async Task FindAccessByTokenHashAsync_UnknownHashOrMessage_Null()
    {
        await CreateMessageAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await _store.FindAccessByTokenHashAsync(RandomNumberGenerator.GetBytes(32)), Is.Null);
            Assert.That(await _store.GetMessageAsync("sm_absent"), Is.Null);
            Assert.That(await _store.GetEnvelopeAsync("sm_absent"), Is.Null);
        });
    }

    [Test]
    public async Task BeginCodeAttemptAsync_ReachesMax_NoFurtherAttemptAndLocksOnce()
    {
        var (_, accesses, _) = await CreateMessageAsync();
        var access = accesses[0].Id;
        await _store.SaveCodeAsync(access, RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(16), Now.AddMinutes(10));

        var attempts = new List<int?>();
        for (var i = 0; i < 4; i++)
        {
            attempts.Add((await _store.BeginCodeAttemptAsync(access, 3, Now.AddSeconds(i)))?.Attempt);
        }

        var locked = await _store.LockIfExhaustedAsync(access, 3, Now.AddSeconds(5));
        var again = await _store.LockIfExhaustedAsync(access, 3, Now.AddSeconds(6));
        var stored = await _store.GetAccessAsync(access);

        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(new int?[] { 1, 2, 3, null }), "the fourth attempt is refused before any comparison");
            Assert.That((locked, again), Is.EqualTo((true, false)), "locked once");
            Assert.That(stored!.LockedAt, Is.EqualTo(Now.AddSeconds(5)));
            Assert.That(stored.CodeHash, Is.Null);
            Assert.That(stored.FailedAttempts, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task BeginCodeAttemptAsync_TenConcurrentAttempts_NeverMoreThanTheLimit()
    {
        // Issue 22: ten concurrent attempts pushed failed_attempts to 6 of 5.
        const int Attempts = 24;
        var (_, accesses, _) = await CreateMessageAsync();
        var access = accesses[1].Id;
        await _store.SaveCodeAsync(access, RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(16), Now.AddMinutes(10));

        var results = await Task.WhenAll(Enumerable.Range(0, Attempts).Select(_ => Task.Run(() => _store.BeginCodeAttemptAsync(access, 5, Now))));
        var stored = await _store.GetAccessAsync(access);

        Assert.Multiple(() =>
        {
            Assert.That(results.Where(r => r is not null).Select(r => r!.Attempt).Order(), Is.EqualTo(Enumerable.Range(1, 5)), "exactly five attempts, each number once");
            Assert.That(stored!.FailedAttempts, Is.EqualTo(5));
        });
    }

    [Test]
    public async Task ConsumeCodeAsync_ConcurrentRightCodes_OneWins()
    {
        var (_, accesses, _) = await CreateMessageAsync();
        var access = accesses[0].Id;
        var hash = RandomNumberGenerator.GetBytes(32);
        await _store.SaveCodeAsync(access, hash, RandomNumberGenerator.GetBytes(16), Now.AddMinutes(10));

        var wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _store.ConsumeCodeAsync(access, hash, Now))));
        var stored = await _store.GetAccessAsync(access);

        Assert.Multiple(() =>
        {
            Assert.That(wins.Count(w => w), Is.EqualTo(1));
            Assert.That(stored!.OpenCount, Is.EqualTo(1));
            Assert.That(stored.CodeHash, Is.Null);
        });
    }

    [Test]
    public async Task ConsumeCodeAsync_AfterLock_Refused()
    {
        var (_, accesses, _) = await CreateMessageAsync();
        var access = accesses[0].Id;
        var hash = RandomNumberGenerator.GetBytes(32);
        await _store.SaveCodeAsync(access, hash, RandomNumberGenerator.GetBytes(16), Now.AddMinutes(10));
        for (var i = 0; i < 5; i++)
        {
            await _store.BeginCodeAttemptAsync(access, 5, Now);
        }

        await _store.LockIfExhaustedAsync(access, 5, Now);

        Assert.That(await _store.ConsumeCodeAsync(access, hash, Now), Is.False);
    }

    [Test]
    public async Task ConsumeCodeAsync_TwiceAfterFailures_OpenedOnceCountedTwiceCodeCleared()
    {
        var (_, accesses, _) = await CreateMessageAsync();
        var access = accesses[0].Id;
        await _store.SaveCodeAsync(access, RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(16), Now.AddMinutes(10));
        await _store.BeginCodeAttemptAsync(access, 5, Now);

        Assert.That(await _store.ConsumeCodeAsync(access, (await _store.GetAccessAsync(access))!.CodeHash!, Now.AddMinutes(1)), Is.True);
        var second = RandomNumberGenerator.GetBytes(32);
        await _store.SaveCodeAsync(access, second, RandomNumberGenerator.GetBytes(16), Now.AddHours(1));
        Assert.That(await _store.ConsumeCodeAsync(access, second, Now.AddHours(1)), Is.True);
        var stored = await _store.GetAccessAsync(access);

        Assert.Multiple(() =>
        {
            Assert.That(stored!.OpenedAt, Is.EqualTo(Now.AddMinutes(1)));
            Assert.That(stored.OpenCount, Is.EqualTo(2));
            Assert.That(stored.FailedAttempts, Is.Zero);
            Assert.That(stored.CodeHash, Is.Null);
            Assert.That(stored.CodeSalt, Is.Null);
            Assert.That(stored.CodeExpiresAt, Is.Null);
            Assert.That(stored.CodesSent, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task FindSessionAsync_LiveAndExpired_AccessIdThenNull()
    {
        var (_, accesses, _) = await CreateMessageAsync();
        var session = RandomNumberGenerator.GetBytes(32);
        await _store.CreateSessionAsync(session, accesses[0].Id, Now.AddMinutes(30));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await _store.FindSessionAsync(session, Now), Is.EqualTo(accesses[0].Id));
            Assert.That(await _store.FindSessionAsync(session, Now.AddMinutes(31)), Is.Null);
            Assert.That(await _store.FindSessionAsync(RandomNumberGenerator.GetBytes(32), Now), Is.Null);
        });
    }

    [Test]
    public async Task AddReplyAsync_Stored_ListedWithReadableEnvelope()
    {
        var (message, accesses, _) = await CreateMessageAsync();

        var reply = await AddReplyAsync(message, accesses[1]);
        var replies = await _store.GetRepliesAsync(message.Id);
        var envelope = await _store.GetEnvelopeAsync(reply.Id);

        Assert.That(replies, Is.EqualTo(new[] { reply }));
        var content = await _encryptor.DecryptAsync(envelope!, new EnvelopeBinding { MessageId = reply.Id, Recipients = [message.OwnerBinding] });
        Assert.That(content.Subject, Is.EqualTo(Content().Subject));
    }

    [Test]
    public async Task CloseAndShredAsync_Revoked_KeyRowsOfMessageAndRepliesDeleted()
    {
        var (message, accesses, hashes) = await CreateMessageAsync();
        var reply = await AddReplyAsync(message, accesses[0]);
        var session = RandomNumberGenerator.GetBytes(32);
        await _store.CreateSessionAsync(session, accesses[0].Id, Now.AddMinutes(30));
        await _store.SaveCodeAsync(accesses[1].Id, RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(16), Now.AddMinutes(10));
        var other = await CreateMessageAsync();

        var destroyed = await _store.CloseAndShredAsync(message.Id, SecureMessageStatus.Revoked, Now.AddHours(3));
        var again = await _store.CloseAndShredAsync(message.Id, SecureMessageStatus.Expired, Now.AddHours(4));
        var stored = await _store.GetMessageAsync(message.Id);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(destroyed, Is.EqualTo(2), "the message's key row and its reply's");
            Assert.That(again, Is.Null, "closed once");
            Assert.That(stored!.Status, Is.EqualTo(SecureMessageStatus.Revoked));
            Assert.That(stored.ClosedAt, Is.EqualTo(Now.AddHours(3)));
            Assert.That(stored.ShreddedAt, Is.EqualTo(Now.AddHours(3)));
            Assert.That(await _store.GetEnvelopeAsync(message.Id), Is.Null);
            Assert.That(await _store.GetEnvelopeAsync(reply.Id), Is.Null);
            Assert.That(await _store.CountKeysNotUnderAsync("no-such-kek"), Is.EqualTo(1), "only the other message's key row is left");
            Assert.That(await _store.FindSessionAsync(session, Now), Is.Null);
            Assert.That((await _store.FindAccessByTokenHashAsync(hashes[1]))!.CodeHash, Is.Null);
            Assert.That(await _store.UpdateExpiryAsync(message.Id, Now.AddDays(30)), Is.False);
            Assert.That(await _store.GetEnvelopeAsync(other.Message.Id), Is.Not.Null, "another message is untouched");
        });
    }

    [Test]
    public async Task CloseAndShredAsync_ConcurrentCloses_ExactlyOneShreds()
    {
        var (message, _, _) = await CreateMessageAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            _store.CloseAndShredAsync(message.Id, i % 2 == 0 ? SecureMessageStatus.Revoked : SecureMessageStatus.Expired, Now))));

        Assert.That(results.Count(r => r is not null), Is.EqualTo(1));
        Assert.That(results.Single(r => r is not null), Is.EqualTo(1));
    }

    [Test]
    public async Task CloseAndShredAsync_Active_Throws()
    {
        var (message, _, _) = await CreateMessageAsync();

        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.CloseAndShredAsync(message.Id, SecureMessageStatus.Active, Now));
        Assert.That(await _store.GetEnvelopeAsync(message.Id), Is.Not.Null);
    }

    [Test]
    public async Task FindExpiredAsync_PastExpiry_ActiveOnlyOldestFirst()
    {
        var later = await CreateMessageAsync(Now.AddDays(-1));
        var earlier = await CreateMessageAsync(Now.AddDays(-3));
        var closed = await CreateMessageAsync(Now.AddDays(-5));
        var extended = await CreateMessageAsync(Now.AddDays(-2));
        await CreateMessageAsync(Now.AddDays(1));
        await _store.CloseAndShredAsync(closed.Message.Id, SecureMessageStatus.Revoked, Now);
        var updated = await _store.UpdateExpiryAsync(extended.Message.Id, Now.AddDays(7));

        var due = await _store.FindExpiredAsync(Now, 10);
        var limited = await _store.FindExpiredAsync(Now, 1);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(updated, Is.True);
            Assert.That((await _store.GetMessageAsync(extended.Message.Id))!.ExpiresAt, Is.EqualTo(Now.AddDays(7)));
            Assert.That(due, Is.EqualTo(new[] { earlier.Message.Id, later.Message.Id }));
            Assert.That(limited, Is.EqualTo(new[] { earlier.Message.Id }));
        });
    }

    [Test]
    public async Task ReadKeysNotUnderAsync_AfterRotation_PagesInOrderAndReplaceKeysRewraps()
    {
        var first = await CreateMessageAsync();
        var second = await CreateMessageAsync();
        var shredded = await CreateMessageAsync();
        var reply = await AddReplyAsync(first.Message, first.Accesses[0]);
        var oldKeyId = _kek.KeyId;
        LocalKeyFileKek.Rotate(_kekPath, allowDevelopmentKeys: true);
        using var rotated = LocalKeyFileKek.OpenOrCreate(_kekPath, allowDevelopmentKeys: true);
        var encryptor = new EnvelopeEncryptor(rotated);

        var pending = await _store.CountKeysNotUnderAsync(rotated.KeyId);
        var page1 = await _store.ReadKeysNotUnderAsync(rotated.KeyId, null, 3);
        var page2 = await _store.ReadKeysNotUnderAsync(rotated.KeyId, page1[^1].EnvelopeId, 3);
        var listed = page1.Concat(page2).ToList();
        var rewrapped = new List<StoredKey>();
        foreach (var key in listed)
        {
            rewrapped.Add(new StoredKey(key.EnvelopeId, await encryptor.RewrapAsync(key.Key)));
        }

        // One message is revoked between listing and writing: its key row must stay deleted.
        await _store.CloseAndShredAsync(shredded.Message.Id, SecureMessageStatus.Revoked, Now);
        await _store.ReplaceKeysAsync(rewrapped);

        var expectedIds = new[] { first.Message.Id, second.Message.Id, shredded.Message.Id, reply.Id }.Order(StringComparer.Ordinal);
        var envelope = await _store.GetEnvelopeAsync(second.Message.Id);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(pending, Is.EqualTo(4));
            Assert.That(page1, Has.Count.EqualTo(3));
            Assert.That(listed.Select(k => k.EnvelopeId), Is.EqualTo(expectedIds), "byte order, no row twice or missed");
            Assert.That(listed.All(k => k.Key.WrappedKey.KeyId == oldKeyId), Is.True);
            Assert.That(await _store.CountKeysNotUnderAsync(rotated.KeyId), Is.Zero);
            Assert.That(await _store.CountKeysNotUnderAsync(oldKeyId), Is.EqualTo(3), "three live rows, all under the new key");
            Assert.That(await _store.GetEnvelopeAsync(shredded.Message.Id), Is.Null);
            Assert.That(await _store.ReadKeysNotUnderAsync(rotated.KeyId, null, 10), Is.Empty);
            Assert.That(encryptor.IsCurrent(envelope!.Key), Is.True);
        });
        var content = await encryptor.DecryptAsync(envelope!, Binding(second.Message.Id));
        Assert.That(content.Body, Is.EqualTo(Content().Body));
    }
}
