using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Storage.InformedConsent;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>Seals the addresses of rows written before migration 0013 (issue 22 item 10): the SQL
/// migration can only add the columns, hashing and sealing need the server secret and the
/// key-encryption key, so the app does it at startup. Each row is updated only while still unsealed
/// (several instances may run it at once), its clear column blanked; on SQLite the file is then
/// rewritten (VACUUM, WAL truncated) so the clear text is not left in free pages.</summary>
public static class LegacyAddressProtection
{
    private const int Batch = 200;

    /// <returns>How many rows were sealed (0 once everything is).</returns>
    public static async Task<int> SealAsync(IStorageDatabase database, PatientAddressProtector protector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(protector);
        var sealedRows = 0;
        sealedRows += await SealTableAsync(database, "SELECT id, address FROM secure_access WHERE address_sealed IS NULL LIMIT $1",
            async (id, address) => [protector.LookupHash(address), await protector.SealAsync(address, SecureMessageStore.AccessContext(id), cancellationToken).ConfigureAwait(false)],
            "UPDATE secure_access SET address = '', address_hash = $1, address_sealed = $2 WHERE id = $3 AND address_sealed IS NULL", cancellationToken).ConfigureAwait(false);
        sealedRows += await SealTableAsync(database, "SELECT id, recipients FROM secure_messages WHERE recipients_sealed IS NULL LIMIT $1",
            async (id, recipients) => [await protector.SealAsync(recipients, SecureMessageStore.RecipientsContext(id), cancellationToken).ConfigureAwait(false)],
            "UPDATE secure_messages SET recipients = '[]', recipients_sealed = $1 WHERE id = $2 AND recipients_sealed IS NULL", cancellationToken).ConfigureAwait(false);
        sealedRows += await SealTableAsync(database, "SELECT id, address FROM consent_invitations WHERE address_sealed IS NULL LIMIT $1",
            async (id, address) => [protector.LookupHash(address), await protector.SealAsync(address, InformedConsentStore.AddressContext(id), cancellationToken).ConfigureAwait(false)],
            "UPDATE consent_invitations SET address = '', address_hash = $1, address_sealed = $2 WHERE id = $3 AND address_sealed IS NULL", cancellationToken).ConfigureAwait(false);
        if (sealedRows > 0 && database.Dialect.Name == "Sqlite")
        {
            // An UPDATE leaves the old bytes in free pages and in the WAL: rebuild the file and empty the WAL.
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(null, database.Dialect, "VACUUM", cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(null, database.Dialect, "PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken).ConfigureAwait(false);
        }

        return sealedRows;
    }

    private static async Task<int> SealTableAsync(IStorageDatabase database, string select, Func<string, string, Task<object[]>> protect, string update, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var rows = await database.QueryAsync(select, r => (Id: r.GetString(0), Clear: r.GetString(1)), cancellationToken, Batch).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                return total;
            }

            foreach (var (id, clear) in rows)
            {
                var values = await protect(id, clear).ConfigureAwait(false);
                total += await database.ExecuteAsync(update, cancellationToken, [.. values, id]).ConfigureAwait(false);
            }
        }
    }
}
