using ClinicMail.Core.Crypto;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>The wrapped address data keys (table <c>address_keys</c>, migration 0013), one
/// implementation for both providers. A row is useless without the key-encryption key.</summary>
public sealed class AddressKeyStore(IStorageDatabase database) : IAddressKeyStore
{
    public async Task<IReadOnlyList<StoredAddressKey>> ReadAllAsync(CancellationToken cancellationToken = default) =>
        await database.QueryAsync("SELECT id, kek_id, algorithm, wrapped FROM address_keys ORDER BY id",
            r => new StoredAddressKey(r.GetString(0), new WrappedKey { KeyId = r.GetString(1), Algorithm = r.GetString(2), Value = r.GetFieldValue<byte[]>(3) }),
            cancellationToken).ConfigureAwait(false);

    public async Task AddAsync(StoredAddressKey key, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await database.ExecuteAsync("INSERT INTO address_keys (id, kek_id, algorithm, wrapped, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
            cancellationToken, key.Id, key.Wrapped.KeyId, key.Wrapped.Algorithm, key.Wrapped.Value, database.Dialect.Instant(createdAt)).ConfigureAwait(false);
    }
}
