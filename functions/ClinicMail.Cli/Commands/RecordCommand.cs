using System.CommandLine;
using System.Security.Cryptography;
using ClinicMail.Application.Filing;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Cli.Commands;

/// <summary><c>clinicmail record verify FILE --db PATH</c> (or <c>--postgres</c>): hashes a filed document
/// (rendition, resource or attachment) and looks for that SHA-256 in the audit log's filing records.
/// Exit 0 when it matches a filing, 3 when no filing record has that hash (altered, or never filed).
/// Read-only: it writes nothing to the chain (the compliance page's action records its verification).</summary>
internal static class RecordCommand
{
    public static Command Create(CliIo io)
    {
        var file = new Argument<FileInfo>("file") { Description = "The filed document (e.g. .data/record-filing/<patient>/<filing>/rendition.pdf)." };
        var db = new Option<string>("--db") { Description = "The SQLite file (default .data/clinicmail.db).", DefaultValueFactory = _ => Path.Combine(".data", "clinicmail.db") };
        var postgres = new Option<string?>("--postgres") { Description = "Production: an Npgsql connection string instead of --db (or CLINICMAIL_VERIFY_POSTGRES)." };
        var verify = new Command("verify", "Compare a filed document's SHA-256 with the audit log. Exit 0 match, 3 no match.") { file, db, postgres };
        verify.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(file)!;
            var connection = parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("CLINICMAIL_VERIFY_POSTGRES");
            var path = parse.GetValue(db)!;
            if (!target.Exists)
            {
                await io.Error.WriteLineAsync($"clinicmail: fichier introuvable / file not found: {target.FullName}").ConfigureAwait(false);
                return ExitCodes.NoInput;
            }

            if (connection is null && !File.Exists(path))
            {
                await io.Error.WriteLineAsync(Messages.DatabaseNotFound(path)).ConfigureAwait(false);
                return ExitCodes.NoInput;
            }

            string sha256;
            await using (var stream = target.OpenRead())
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
            }

            FilingVerification result;
            if (connection is null)
            {
                result = await FilingVerifier.VerifyAsync(new AuditStore(new SqliteDatabase(path)), sha256, ct).ConfigureAwait(false);
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
            else
            {
                await using var database = new PostgresDatabase(connection);
                result = await FilingVerifier.VerifyAsync(new AuditStore(database), sha256, ct).ConfigureAwait(false);
            }

            if (!result.Matched)
            {
                await io.Out.WriteLineAsync($"NO MATCH  sha256 {sha256}: aucun classement du journal d'audit n'a cette empreinte / no filing in the audit log has this hash").ConfigureAwait(false);
                return ExitCodes.AuditBroken;
            }

            await io.Out.WriteLineAsync($"MATCH  sha256 {sha256} = {result.Part} of filing {result.FilingId} (audit record {result.AuditSequence}, {result.RecordedAt:O})").ConfigureAwait(false);
            return ExitCodes.Allow;
        });
        return new Command("record", "The patient record filings (issue 19).") { verify };
    }
}
