using System.CommandLine;
using System.Text.Json;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Json;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Cli.Commands;

/// <summary><c>clinicmail audit verify --db PATH</c> (or <c>--postgres</c>): recomputes the audit chain from
/// the first record, checks the signed checkpoints with the signing key, the chain of checkpoints, the
/// copy of the checkpoints kept outside the database and the head row, and reports the first broken link.
/// Read-only: it can run on a copy or a backup of the database, and writes nothing to the chain.</summary>
internal static class AuditCommand
{
    public static Command Create(CliIo io)
    {
        var db = new Option<string>("--db") { Description = "The SQLite file (default .data/clinicmail.db).", DefaultValueFactory = _ => Path.Combine(".data", "clinicmail.db") };
        var postgres = new Option<string?>("--postgres") { Description = "Production: an Npgsql connection string instead of --db (or CLINICMAIL_VERIFY_POSTGRES)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "The folder holding keys/ and audit-checkpoints.jsonl (default: the database's folder, .data with --postgres)." };
        var signingKey = new Option<string?>("--signing-key") { Description = "The local key file that signs the checkpoints (default: keys/audit-signing.pem in the data folder)." };
        var key = new Option<string?>("--key") { Description = "The key-encryption key file that signed version-1 checkpoints (default: keys/kek.pem in the data folder, when present)." };
        var copy = new Option<string?>("--checkpoint-copy") { Description = "The copy of the checkpoints kept outside the database (default: audit-checkpoints.jsonl in the data folder)." };
        var vault = new Option<Uri?>("--vault-uri") { Description = "Production: the Azure Key Vault holding the signing key (with --signing-key-name)." };
        var signingKeyName = new Option<string?>("--signing-key-name") { Description = "Production: the signing key's name in the vault." };
        var keyName = new Option<string?>("--key-name") { Description = "Production: the key-encryption key's name (version-1 checkpoints only)." };
        var maxUnsigned = new Option<long?>("--max-unsigned") { Description = "Most records allowed after the newest checkpoint (default: 2 × Audit:CheckpointEvery + 256 = 2256)." };
        var maxAge = new Option<TimeSpan?>("--max-unsigned-age") { Description = "Oldest a record not covered by a checkpoint may be (default: 2 × Audit:CheckpointInterval + 1 min = 00:31:00)." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var verify = new Command("verify", "Verify the audit log: hash chain, signed checkpoints and their copy, head. Exit 0 intact, 3 tampered.")
        {
            db, postgres, dataDir, signingKey, key, copy, vault, signingKeyName, keyName, maxUnsigned, maxAge, json,
        };
        verify.SetAction(async (parse, ct) =>
        {
            var connection = parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("CLINICMAIL_VERIFY_POSTGRES");
            var path = parse.GetValue(db)!;
            if (connection is null && !File.Exists(path))
            {
                await io.Error.WriteLineAsync(Messages.DatabaseNotFound(path)).ConfigureAwait(false);
                return ExitCodes.NoInput;
            }

            var folder = parse.GetValue(dataDir) ?? (connection is null ? Path.GetDirectoryName(Path.GetFullPath(path))! : ".data");
            var signingPath = parse.GetValue(signingKey) ?? Path.Combine(folder, "keys", "audit-signing.pem");
            var legacyPath = parse.GetValue(key) ?? Path.Combine(folder, "keys", "kek.pem");
            var vaultUri = parse.GetValue(vault);
            if (vaultUri is null && (!File.Exists(signingPath) || (parse.GetValue(key) is not null && !File.Exists(legacyPath))))
            {
                // Never create a key here: a new key would make every genuine signature look forged.
                var missing = File.Exists(signingPath) ? legacyPath : signingPath;
                await io.Error.WriteLineAsync($"clinicmail: clé de signature introuvable / signing key not found: {missing} (--signing-key PATH, --key PATH, ou/or --vault-uri et/and --signing-key-name)").ConfigureAwait(false);
                return ExitCodes.NoInput;
            }

            await using var backend = connection is null ? StoreOf(new SqliteDatabase(path)) : StoreOf(new PostgresDatabase(connection));
            IAuditSigningKey? signer = null;
            IKeyEncryptionKey? legacy = null;
            using var checkpointCopy = new FileAuditCheckpointCopy(parse.GetValue(copy) ?? Path.Combine(folder, "audit-checkpoints.jsonl"));
            try
            {
                await backend.MigrateAsync(ct).ConfigureAwait(false);
                signer = new ProviderAuditSigningKey(await KeyProviderFactory.CreateAsync(new KeyProviderOptions
                {
                    VaultUri = vaultUri,
                    KeyName = parse.GetValue(signingKeyName),
                    LocalKeyPath = signingPath,
                    AllowDevelopmentKeys = vaultUri is null,
                }, cancellationToken: ct).ConfigureAwait(false));
                if ((vaultUri is not null && parse.GetValue(keyName) is not null) || (vaultUri is null && File.Exists(legacyPath)))
                {
                    legacy = await KeyProviderFactory.CreateAsync(new KeyProviderOptions
                    {
                        VaultUri = vaultUri,
                        KeyName = parse.GetValue(keyName),
                        LocalKeyPath = legacyPath,
                        AllowDevelopmentKeys = vaultUri is null,
                    }, cancellationToken: ct).ConfigureAwait(false);
                }

                var defaults = new AuditOptions();
                var verifier = new AuditVerifier(backend.Store, signer, parse.GetValue(maxUnsigned) ?? defaults.EffectiveMaxUnsignedRecords)
                {
                    Copy = checkpointCopy,
                    LegacyKey = legacy,
                    MaxUnsignedAge = parse.GetValue(maxAge) ?? defaults.EffectiveMaxUnsignedAge,
                };
                var result = await verifier.VerifyAsync(ct).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    await io.Out.WriteLineAsync(JsonSerializer.Serialize(result, ClinicMailJson.Indented)).ConfigureAwait(false);
                }
                else
                {
                    var text = AuditVerificationMessages.Summary(result);
                    await io.Out.WriteLineAsync($"audit verify: {text.Fr}").ConfigureAwait(false);
                    await io.Out.WriteLineAsync($"audit verify: {text.En}").ConfigureAwait(false);
                    if (!result.Ok)
                    {
                        await io.Out.WriteLineAsync($"audit verify: brokenAt={result.BrokenAt} problem={result.Problem} detail={result.Detail}").ConfigureAwait(false);
                    }
                }

                return result.Ok ? ExitCodes.Allow : ExitCodes.AuditBroken;
            }
            catch (KeyProviderException ex)
            {
                await io.Error.WriteLineAsync($"clinicmail: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Unavailable;
            }
            finally
            {
                (signer as IDisposable)?.Dispose();
                (legacy as IDisposable)?.Dispose();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        });

        return new Command("audit", "The audit log (docs/audit.md).") { verify };
    }

    private static VerifiedStore StoreOf(SqliteDatabase database) => new(new AuditStore(database), async ct => await database.MigrateAsync(ct).ConfigureAwait(false), null);

    private static VerifiedStore StoreOf(PostgresDatabase database) => new(new AuditStore(database), async ct => await database.MigrateAsync(ct).ConfigureAwait(false), database);

    /// <summary>The store under verification and how to bring its schema up to date.</summary>
    private sealed class VerifiedStore(IAuditReviewStore store, Func<CancellationToken, Task> migrate, IAsyncDisposable? owner) : IAsyncDisposable
    {
        public IAuditReviewStore Store => store;

        public Task MigrateAsync(CancellationToken cancellationToken) => migrate(cancellationToken);

        public ValueTask DisposeAsync() => owner?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
