using System.CommandLine;
using System.Text.Json;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Json;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Cli.Commands;

/// <summary><c>clinicmail audit verify --db PATH</c>: recomputes the audit chain, checks the signed
/// checkpoints with the key that made them and the head row, and reports the first broken link.
/// Read-only: it can run on a copy or a backup of the database, and writes nothing to the chain.</summary>
internal static class AuditCommand
{
    public static Command Create(CliIo io)
    {
        var db = new Option<string>("--db") { Description = "The SQLite file (default .data/clinicmail.db).", DefaultValueFactory = _ => Path.Combine(".data", "clinicmail.db") };
        var key = new Option<string?>("--key") { Description = "The local key file that signed the checkpoints (default: keys/kek.pem beside the database)." };
        var vault = new Option<Uri?>("--vault-uri") { Description = "Production: the Azure Key Vault holding the signing key (with --key-name)." };
        var keyName = new Option<string?>("--key-name") { Description = "Production: the key's name in the vault." };
        var maxUnsigned = new Option<long?>("--max-unsigned") { Description = "Most records allowed after the newest checkpoint (default: 2 × Audit:CheckpointEvery + 256 = 2256)." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var verify = new Command("verify", "Verify the audit log: hash chain, signed checkpoints, head. Exit 0 intact, 3 tampered.") { db, key, vault, keyName, maxUnsigned, json };
        verify.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(db)!;
            if (!File.Exists(path))
            {
                await io.Error.WriteLineAsync(Messages.DatabaseNotFound(path)).ConfigureAwait(false);
                return ExitCodes.NoInput;
            }

            var keyPath = parse.GetValue(key) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "keys", "kek.pem");
            var vaultUri = parse.GetValue(vault);
            if (vaultUri is null && !File.Exists(keyPath))
            {
                // Never create a key here: a new key would make every genuine signature look forged.
                await io.Error.WriteLineAsync($"clinicmail: clé de signature introuvable / signing key not found: {keyPath} (--key PATH, ou/or --vault-uri et/and --key-name)").ConfigureAwait(false);
                return ExitCodes.NoInput;
            }

            var database = new SqliteDatabase(path);
            try
            {
                await database.MigrateAsync(ct).ConfigureAwait(false);
                var provider = await KeyProviderFactory.CreateAsync(new KeyProviderOptions
                {
                    VaultUri = vaultUri,
                    KeyName = parse.GetValue(keyName),
                    LocalKeyPath = keyPath,
                    AllowDevelopmentKeys = vaultUri is null,
                }, cancellationToken: ct).ConfigureAwait(false);
                try
                {
                    var limit = parse.GetValue(maxUnsigned) ?? new AuditOptions().EffectiveMaxUnsignedRecords;
                    var result = await new AuditVerifier(new SqliteAuditStore(database), provider, limit).VerifyAsync(ct).ConfigureAwait(false);
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
                finally
                {
                    (provider as IDisposable)?.Dispose();
                }
            }
            catch (KeyProviderException ex)
            {
                await io.Error.WriteLineAsync($"clinicmail: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Unavailable;
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        });

        return new Command("audit", "The audit log (docs/audit.md).") { verify };
    }
}
