using System.CommandLine;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Storage.Shared;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Cli.Commands;

/// <summary><c>clinicmail demo-seed --db PATH</c>: creates (or tops up) the fictional demo registry.</summary>
internal static class DemoSeedCommand
{
    public static Command Create(CliIo io)
    {
        var db = new Option<string>("--db") { Description = "The SQLite file to create or update.", Required = true };
        var command = new Command("demo-seed", "Create the fictional demo registry (docs/demo-registry.md). Safe to run twice.") { db };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(db)!;
            var database = new SqliteDatabase(path);
            await database.MigrateAsync(ct).ConfigureAwait(false);
            var summary = await DemoRegistry.SeedAsync(new PatientStore(database), ct).ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await io.Out.WriteLineAsync($"demo-seed: {DemoRegistry.Patients.Count} demo patients in {path} (inserted {summary.Inserted}, updated {summary.Updated}, unchanged {summary.Unchanged}).").ConfigureAwait(false);
            return ExitCodes.Allow;
        });
        return command;
    }
}
