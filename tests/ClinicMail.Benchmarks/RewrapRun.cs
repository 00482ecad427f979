using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ClinicMail.Core.Crypto;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Secure;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;
using ClinicMail.Infrastructure.Tests.Keys;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Benchmarks;

/// <summary>A one-shot measurement (too long for BenchmarkDotNet's repetitions): rewrap N data keys
/// after a key rotation, against the local Key Vault HTTPS server (real RSA-3072 unwrap and wrap per
/// key, api-version 7.6), through <see cref="KeyRewrapper"/> exactly as <c>clinicmail keys rewrap</c> runs it.
/// Run: dotnet run -c Release --project tests/ClinicMail.Benchmarks -- rewrap 100000 [batch] [parallelism]</summary>
internal static class RewrapRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
        var parallelism = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 16;
        var folder = Directory.CreateTempSubdirectory("clinicmail-rewrap-bench-");
        await using var vault = await FakeKeyVaultServer.StartAsync();
        const string token = "bench-token";
        vault.AcceptedTokens[token] = true;
        var oldKid = vault.CreateKey("clinicmail-kek");
        try
        {
            var database = new SqliteDatabase(Path.Combine(folder.FullName, "clinicmail.db"));
            await database.MigrateAsync();
            var seed = Stopwatch.StartNew();
            await SeedAsync(database, vault.KeyOf(oldKid), oldKid, count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {count} key rows under the old version in {seed.Elapsed.TotalSeconds:F1} s"));

            vault.RotateKey("clinicmail-kek");
            var options = new KeyVaultKekOptions { Transport = vault.CreateTransport() };
            var kek = await KeyVaultKek.CreateAsync(vault.VaultUri, "clinicmail-kek", new FakeEntraCredential(token), options);
            await using var audit = new BatchingAuditWriter(new AuditStore(database), TimeProvider.System);
            var rewrapper = new KeyRewrapper(new SecureMessageStore(database), new EnvelopeEncryptor(kek), kek, audit);
            var clock = Stopwatch.StartNew();
            var result = await rewrapper.RunAsync(batch, parallelism, null, "bench");
            clock.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rewrap: {result.Rewrapped} re-wrapped, {result.Failed} failed, of {result.Total}; {clock.Elapsed.TotalSeconds:F1} s; {result.Rewrapped / clock.Elapsed.TotalSeconds:F0} keys/s; batch {batch}, parallelism {parallelism}, {Environment.ProcessorCount} cores"));
            return result.Failed == 0 && result.Rewrapped == count ? 0 : 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Key rows wrapped with the vault key's public half (what wrapkey would return), in one
    /// transaction; the rewrap never reads ciphertexts, so each envelope is a placeholder blob.</summary>
    private static async Task SeedAsync(SqliteDatabase database, RSA key, string kid, int count)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var message = Command(connection, transaction, "INSERT INTO secure_messages (id, owner_tid, owner_oid, check_id, created_at, expires_at, status, recipients) VALUES ($id, 't', 'o', 'chk', '2025-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z', 'active', '[]')");
        var envelope = Command(connection, transaction, "INSERT INTO secure_envelopes (id, message_id, kind, ciphertext, bytes) VALUES ($id, $id, 'message', x'00', 1)");
        var keyRow = Command(connection, transaction, "INSERT INTO secure_keys (envelope_id, kek_id, record) VALUES ($id, $kek, $record)");
        var dataKey = new byte[32];
        for (var i = 0; i < count; i++)
        {
            var id = "sm_" + Guid.CreateVersion7().ToString("N");
            RandomNumberGenerator.Fill(dataKey);
            var record = new WrappedDataKey
            {
                MessageId = id,
                DataKeyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                WrappedKey = new WrappedKey { KeyId = kid, Algorithm = KeyAlgorithms.RsaOaep256, Value = key.Encrypt(dataKey, RSAEncryptionPadding.OaepSHA256) },
            };
            foreach (var command in new[] { message, envelope, keyRow })
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$id", id);
            }

            keyRow.Parameters.AddWithValue("$kek", kid);
            keyRow.Parameters.AddWithValue("$record", record.ToJson());
            await message.ExecuteNonQueryAsync();
            await envelope.ExecuteNonQueryAsync();
            await keyRow.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Constant SQL of this file.
        command.CommandText = sql;
#pragma warning restore CA2100
        return command;
    }
}
