using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Secure;
using ClinicMail.Core.Tests.Builders;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.InformedConsent;
using ClinicMail.Infrastructure.Storage.Shared;
using ClinicMail.Infrastructure.Storage.Sqlite;
using ClinicMail.Infrastructure.Tests.Storage;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Tests.Secure;

/// <summary>Issue 22 item 10: patients' addresses are not in the secure-message and consent-invitation
/// tables in clear. A marker address is written through the stores (and, for rows written before
/// migration 0013, the old way then sealed by <see cref="LegacyAddressProtection"/>); then every byte
/// of the SQLite file (and its WAL) / every row of the PostgreSQL tables is searched for it, and the
/// stores still read it back unchanged.</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public sealed class ProtectedAddressTests(StorageProvider provider)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);

    private DirectoryInfo _folder = null!;
    private LocalKeyFileKek _kek = null!;
    private TestStorage _storage = null!;
    private PatientAddressProtector _protector = null!;
    private string _marker = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _folder = Directory.CreateTempSubdirectory("clinicmail-addresses-");
        _kek = LocalKeyFileKek.OpenOrCreate(Path.Combine(_folder.FullName, "kek.pem"), allowDevelopmentKeys: true);
        _storage = await TestStorage.CreateAsync(provider);
        _protector = new PatientAddressProtector(new OneTimeCodeKey(RandomNumberGenerator.GetBytes(32)), _kek, new AddressKeyStore(_storage.Database));
        _marker = "zq" + Guid.NewGuid().ToString("N")[..12];
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        // SetUp may have stopped early (PostgreSQL absent: the case is ignored).
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        _kek?.Dispose();
        _folder?.Delete(recursive: true);
    }

    [Test]
    public async Task Create_SecureMessageAndInvitation_AddressNotInClear_ReadBackUnchanged()
    {
        var store = _storage.Backend.SecureMessagesWith(_protector);
        var (message, access) = await CreateMessageAsync(store);
        var invitation = await CreateInvitationAsync(InformedConsentStore.For(_storage.Backend.Database, _protector));

        await AssertNotInClearAsync();
        var read = await store.GetAccessAsync(access.Id);
        var readMessage = await store.GetMessageAsync(message.Id);
        var readInvitation = await InformedConsentStore.For(_storage.Backend.Database, _protector).InvitationAsync(invitation.Id);
        Assert.Multiple(() =>
        {
            Assert.That(read!.Address, Is.EqualTo(access.Address));
            Assert.That(readMessage!.Recipients, Is.EqualTo(message.Recipients));
            Assert.That(readInvitation!.Address, Is.EqualTo(invitation.Address));
        });
        var hashes = await _storage.Database.QueryAsync("SELECT address_hash FROM secure_access WHERE id = $1", r => r.GetFieldValue<byte[]>(0), default, access.Id);
        Assert.That(hashes[0], Is.EqualTo(_protector.LookupHash(access.Address.ToUpperInvariant())), "a keyed look-up hash, case-insensitive");
    }

    [Test]
    public async Task RowsWrittenBeforeMigration0013_Sealed_AddressGoneFromTheFile_ReadBackUnchanged()
    {
        var address = $"{_marker}.old@example.ca";
        var messageId = "sm_" + Guid.CreateVersion7().ToString("N");
        var accessId = "sa_" + Guid.CreateVersion7().ToString("N");
        var patient = PatientBuilder.Patient(NewPatientId()).ClinicId(NewPatientId()).Named("Éloïse", "Test").Build();
        await _storage.Backend.Patients.WriteAsync([patient], "actor-test");
        var invitationId = ConsentInvitation.NewId();
        // As the stores wrote them before 0013: the address in clear, nothing sealed.
        var at = _storage.Database.Dialect.Instant(Now);
        await _storage.Database.ExecuteAsync(
            "INSERT INTO secure_messages (id, owner_tid, owner_oid, check_id, created_at, expires_at, status, recipients) VALUES ($1, 't', 'o', 'chk', $2, $2, 'active', $3)",
            default, messageId, at, $"[\"{address}\"]");
        await _storage.Database.ExecuteAsync(
            "INSERT INTO secure_access (id, message_id, token_hash, address, patient_ids, language) VALUES ($1, $2, $3, $4, '[]', 'fr')",
            default, accessId, messageId, RandomNumberGenerator.GetBytes(32), address);
        await _storage.Database.ExecuteAsync(
            "INSERT INTO consent_invitations (id, token_hash, patient_id, address, language, created_at, created_by, expires_at) VALUES ($1, $2, $3, $4, 'fr', 0, 'tenant/actor', 1)",
            default, invitationId, RandomNumberGenerator.GetBytes(32), patient.Id, address);
        Assert.That(await ContainsMarkerAsync(), Is.True, "the old rows hold the address in clear (the test can see it)");

        Assert.That(await LegacyAddressProtection.SealAsync(_storage.Database, _protector), Is.EqualTo(3));
        Assert.That(await LegacyAddressProtection.SealAsync(_storage.Database, _protector), Is.Zero, "idempotent");

        await AssertNotInClearAsync();
        var store = _storage.Backend.SecureMessagesWith(_protector);
        Assert.That((await store.GetAccessAsync(accessId))!.Address, Is.EqualTo(address));
        Assert.That((await store.GetMessageAsync(messageId))!.Recipients, Is.EqualTo(new[] { address }));
        Assert.That((await InformedConsentStore.For(_storage.Backend.Database, _protector).InvitationAsync(invitationId))!.Address, Is.EqualTo(address));
    }

    [Test]
    public async Task SealedAddress_MovedToAnotherRow_DoesNotOpen()
    {
        var store = _storage.Backend.SecureMessagesWith(_protector);
        var (first, _) = await CreateMessageAsync(store);
        var (second, secondAccess) = await CreateMessageAsync(store);
        await _storage.Database.ExecuteAsync(
            "UPDATE secure_access SET address_sealed = (SELECT address_sealed FROM secure_access WHERE message_id = $1) WHERE id = $2", default, first.Id, secondAccess.Id);

        Assert.That(async () => await store.GetAccessAsync(secondAccess.Id), Throws.InstanceOf<EnvelopeIntegrityException>());
        Assert.That((await store.GetMessageAsync(second.Id))!.Recipients, Has.Count.EqualTo(1));
    }

    [Test]
    public void StoreWithoutProtector_RefusesToWriteAnAddress()
    {
        Assert.That(async () => await CreateMessageAsync(_storage.Backend.SecureMessages), Throws.InvalidOperationException);
    }

    private async Task<(SecureMessage Message, SecureAccess Access)> CreateMessageAsync(ISecureMessageStore store)
    {
        var id = "sm_" + Guid.CreateVersion7().ToString("N");
        var address = $"{_marker}.{id[^6..]}@example.ca";
        var message = new SecureMessage { Id = id, OwnerTenantId = "t", OwnerObjectId = "o", CheckId = "chk", CreatedAt = Now, ExpiresAt = Now.AddDays(30), Recipients = [address] };
        var access = new SecureAccess { Id = "sa_" + Guid.CreateVersion7().ToString("N"), MessageId = id, Address = address, PatientIds = ["p1"], Language = "fr" };
        var envelope = await new EnvelopeEncryptor(_kek).EncryptAsync(
            new EnvelopeContent { Subject = "s", Body = "b", Format = BodyFormat.Text }, new EnvelopeBinding { MessageId = id, Recipients = message.Recipients });
        await store.CreateAsync(message, envelope, [access], [RandomNumberGenerator.GetBytes(32)]);
        return (message, access);
    }

    private async Task<ConsentInvitation> CreateInvitationAsync(InformedConsentStore store)
    {
        var patient = PatientBuilder.Patient(NewPatientId()).ClinicId(NewPatientId()).Named("Éloïse", "Test").Build();
        await _storage.Backend.Patients.WriteAsync([patient], "actor-test");
        var invitation = new ConsentInvitation
        {
            Id = ConsentInvitation.NewId(),
            PatientId = patient.Id,
            Address = $"{_marker}.invitation@example.ca",
            Language = "fr",
            CreatedAt = Now,
            CreatedBy = "tenant/actor",
            ExpiresAt = Now.AddDays(14),
        };
        await store.CreateInvitationAsync(invitation, SecretTokens.Hash(SecretTokens.NewLinkToken()));
        return invitation;
    }

    /// <summary>Registry ids without the marker: only addresses carry it.</summary>
    private static string NewPatientId() => "pt" + Guid.NewGuid().ToString("N")[..12];

    private async Task AssertNotInClearAsync() =>
        Assert.That(await ContainsMarkerAsync(), Is.False, provider == StorageProvider.Sqlite
            ? "a patient address is in the SQLite file (or its WAL) in clear"
            : "a patient address is in a PostgreSQL row in clear");

    /// <summary>SQLite: every byte of the database file and its WAL. PostgreSQL: every column of every row
    /// of the secure-message and consent-invitation tables, as text.</summary>
    private async Task<bool> ContainsMarkerAsync()
    {
        if (_storage.Database is SqliteDatabase sqlite)
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { sqlite.DatabasePath, sqlite.DatabasePath + "-wal" }.Where(File.Exists))
            {
                if (Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)).Contains(_marker, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var table in new[] { "secure_messages", "secure_access", "consent_invitations" })
        {
            var rows = await _storage.Database.QueryAsync($"SELECT t::text FROM {table} t", r => r.GetString(0), default);
            if (rows.Any(row => row.Contains(_marker, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
