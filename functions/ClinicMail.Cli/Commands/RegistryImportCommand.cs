using System.CommandLine;
using ClinicMail.Infrastructure.Registry;
using Spectre.Console;

namespace ClinicMail.Cli.Commands;

/// <summary><c>clinicmail registry import FILE [--db PATH | --postgres CONNSTRING] [--dry-run]</c>:
/// imports an EMR export (docs/registry-import.md). All or nothing; every error is printed with its
/// line, column and reason (French then English); exit 0 imported, 65 the file has errors.</summary>
internal static class RegistryImportCommand
{
    /// <summary>The actor recorded in the registry history and the audit chain for a CLI import.</summary>
    public const string ActorId = "system:cli-import";

    public static Command Create(CliIo io)
    {
        var file = new Argument<string>("FILE") { Description = "The CSV file (UTF-8, ',' or ';')." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and count, write nothing." };
        var (db, postgres) = StorageOptions.Create();
        var import = new Command("import", "Import patients from an EMR export (CSV). Upsert by clinic_patient_id; the same file twice changes nothing.")
        {
            file, db, postgres, dryRun,
        };
        import.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                await io.Error.WriteLineAsync(Messages.FileNotFound(path)).ConfigureAwait(false);
                return ExitCodes.NoInput;
            }

            await using var backend = await StorageOptions.OpenAsync(parse, db, postgres, io, create: true).ConfigureAwait(false);
            if (backend is null)
            {
                return ExitCodes.Usage;
            }

            await backend.MigrateAsync(ct).ConfigureAwait(false);
            var importer = new RegistryImporter(backend.Patients);
            var dry = parse.GetValue(dryRun);
            await using var stream = File.OpenRead(path);
            var result = io.Interactive
                ? await WithProgressAsync(importer, stream, dry, ct).ConfigureAwait(false)
                : await importer.ImportAsync(stream, ActorId, dry, cancellationToken: ct).ConfigureAwait(false);

            foreach (var error in result.Errors)
            {
                await io.Error.WriteLineAsync($"{path}:{error.Line}: {error.Column}: {error.Reason.Fr} / {error.Reason.En}").ConfigureAwait(false);
            }

            if (result.Errors.Count > 0)
            {
                var summary = ImportErrors.Summary(result.Errors.Count);
                await io.Error.WriteLineAsync($"registry import: {summary.Fr} / {summary.En}").ConfigureAwait(false);
                return ExitCodes.DataError;
            }

            if (result.Written)
            {
                await backend.Audit.AppendBatchAsync([RegistryImporter.AuditEntry(result, null, ActorId)], DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            }

            await io.Out.WriteLineAsync(
                $"registry import{(dry ? " (dry run: rien n'est écrit / nothing written)" : "")}: {result.Rows} lignes/rows, {result.Patients} patients; " +
                $"ajoutés/inserted {result.Inserted}, modifiés/updated {result.Updated}, inchangés/unchanged {result.Unchanged}.").ConfigureAwait(false);
            return ExitCodes.Allow;
        });
        return new Command("registry", "Patient registry administration.") { import };
    }

    private static Task<ImportResult> WithProgressAsync(RegistryImporter importer, Stream stream, bool dryRun, CancellationToken ct) =>
        AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
        {
            var reading = context.AddTask("Lecture / reading", maxValue: Math.Max(1, stream.Length));
            var writing = context.AddTask(dryRun ? "Comparaison / comparing" : "Écriture / writing", autoStart: false);
            var progress = new Progress<(ImportPhase Phase, int Done, int Total)>(p =>
            {
                if (p.Phase == ImportPhase.Reading)
                {
                    reading.Value = stream.CanSeek ? stream.Position : reading.Value;
                }
                else
                {
                    reading.Value = reading.MaxValue;
                    writing.StartTask();
                    writing.MaxValue = Math.Max(1, p.Total);
                    writing.Value = p.Done;
                }
            });
            var result = await importer.ImportAsync(stream, ActorId, dryRun, progress, ct).ConfigureAwait(false);
            reading.Value = reading.MaxValue;
            writing.Value = writing.MaxValue;
            return result;
        });
}
