using System.CommandLine;
using System.Globalization;
using ClinicMail.Core.Crypto;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Secure;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Spectre.Console;

namespace ClinicMail.Cli.Commands;

/// <summary><c>clinicmail keys rewrap</c>: after a key rotation, re-wraps every secure-message data
/// key under the current key version without touching any ciphertext. Resumable: it works in
/// committed batches and a rerun continues with what is left. The key provider is configured like
/// the app's: a Key Vault key (<c>--vault-uri</c>, <c>--key-name</c>) or, for development only
/// (<c>--development</c>), a local key file.</summary>
internal static class KeysCommand
{
    public static Command Create(CliIo io)
    {
        var db = new Option<string>("--db") { Description = "The SQLite file holding the secure messages.", DefaultValueFactory = _ => Path.Combine(".data", "clinicmail.db") };
        var keyFile = new Option<string?>("--key-file") { Description = "Development only: the local key file (its retired keys are read next to it)." };
        var development = new Option<bool>("--development") { Description = "Allow a local key file (refused otherwise)." };
        var vaultUri = new Option<Uri?>("--vault-uri") { Description = "Azure Key Vault URI, e.g. https://clinic-kv.vault.azure.net/." };
        var keyName = new Option<string?>("--key-name") { Description = "The key's name in the vault." };
        var batch = new Option<int>("--batch-size") { Description = "Key rows per committed batch.", DefaultValueFactory = _ => 500 };
        var parallelism = new Option<int>("--parallelism") { Description = "Concurrent unwrap/wrap calls.", DefaultValueFactory = _ => 8 };
        var rewrap = new Command("rewrap", "Re-wrap every data key not under the current key version (ciphertexts untouched; resumable).")
        {
            db, keyFile, development, vaultUri, keyName, batch, parallelism,
        };
        rewrap.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(db)!;
            if (!File.Exists(path))
            {
                await io.Error.WriteLineAsync(Messages.DatabaseNotFound(path)).ConfigureAwait(false);
                return ExitCodes.NoInput;
            }

            var options = new KeyProviderOptions { VaultUri = parse.GetValue(vaultUri), KeyName = parse.GetValue(keyName) };
            if (parse.GetValue(keyFile) is { } file)
            {
                if (options.VaultUri is not null)
                {
                    await io.Error.WriteLineAsync("clinicmail: --key-file et --vault-uri s'excluent / --key-file and --vault-uri are exclusive.").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }

                if (!parse.GetValue(development))
                {
                    await io.Error.WriteLineAsync("clinicmail: un fichier de clé local est une clé de développement, refusée sans --development / "
                        + "a local key file is a development key, refused outside development: add --development (production: --vault-uri and --key-name).").ConfigureAwait(false);
                    return ExitCodes.Unavailable;
                }

                options.LocalKeyPath = file;
                options.AllowDevelopmentKeys = true;
            }
            else if (options.VaultUri is null)
            {
                await io.Error.WriteLineAsync("clinicmail: indiquez --vault-uri et --key-name (ou --key-file --development) / give --vault-uri and --key-name (or --key-file --development).").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            IKeyEncryptionKey kek;
            try
            {
                kek = await KeyProviderFactory.CreateAsync(options, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (KeyProviderException ex)
            {
                await io.Error.WriteLineAsync("clinicmail: " + ex.Message).ConfigureAwait(false);
                return ExitCodes.Unavailable;
            }

            try
            {
                var database = new SqliteDatabase(path);
                await database.MigrateAsync(ct).ConfigureAwait(false);
                await using var audit = new BatchingAuditWriter(new AuditStore(database), TimeProvider.System);
                var rewrapper = new KeyRewrapper(new SecureMessageStore(database), new EnvelopeEncryptor(kek), kek, audit);
                var actor = "cli:" + Environment.UserName;
                RewrapResult result;
                if (io.Interactive)
                {
                    result = await AnsiConsole.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                        .StartAsync(async context =>
                        {
                            var task = context.AddTask("rewrap", maxValue: 1);
                            var progress = new Progress<RewrapProgress>(p =>
                            {
                                task.MaxValue = Math.Max(1, p.Total);
                                task.Value = p.Done + p.Failed;
                            });
                            return await rewrapper.RunAsync(parse.GetValue(batch), parse.GetValue(parallelism), progress, actor, ct).ConfigureAwait(false);
                        }).ConfigureAwait(false);
                }
                else
                {
                    var progress = new SynchronousProgress(p => io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rewrap: {p.Done + p.Failed}/{p.Total}")));
                    result = await rewrapper.RunAsync(parse.GetValue(batch), parse.GetValue(parallelism), progress, actor, ct).ConfigureAwait(false);
                }

                await io.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"rewrap: {result.Rewrapped} re-wrapped, {result.Failed} not unwrappable, of {result.Total} under an older key; current key {kek.KeyId}.")).ConfigureAwait(false);
                return result.Failed == 0 ? ExitCodes.Allow : ExitCodes.Warn;
            }
            catch (KeyProviderException ex)
            {
                // Batches already committed stay committed: a rerun continues from there.
                await io.Error.WriteLineAsync("clinicmail: " + ex.Message + " (relancez pour reprendre / rerun to resume)").ConfigureAwait(false);
                return ExitCodes.Unavailable;
            }
            finally
            {
                (kek as IDisposable)?.Dispose();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        });

        return new Command("keys", "Key-encryption key maintenance.") { rewrap };
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<RewrapProgress> report) : IProgress<RewrapProgress>
    {
        public void Report(RewrapProgress value) => report(value);
    }
}
