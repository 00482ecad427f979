using System.CommandLine;

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
            await io.Error.WriteLineAsync("demo-seed: lands with the recipients branch").ConfigureAwait(false);
            return ExitCodes.Software;
        });
        return command;
    }
}
