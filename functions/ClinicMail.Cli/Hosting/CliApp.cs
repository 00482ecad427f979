using System.CommandLine;
using ClinicMail.Cli.Commands;

namespace ClinicMail.Cli.Hosting;

/// <summary>The <c>clinicmail</c> command line: one sub-command per file under Commands/.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliIo io, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("ClinicMail: checks a physician's e-mail draft against the Collège des médecins du Québec rules.")
        {
            CheckCommand.Create(io),
            DemoSeedCommand.Create(io),
            TokenCommand.Create(io),
            AuditCommand.Create(io),
            KeysCommand.Create(io),
            RegistryImportCommand.Create(io),
            DbMigrateCommand.Create(io),
            RecordCommand.Create(io),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await io.Error.WriteLineAsync($"clinicmail: {error.Message}").ConfigureAwait(false);
            }

            await io.Error.WriteLineAsync("Run 'clinicmail --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = io.Out, Error = io.Error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Software;
        }
#pragma warning disable CA1031 // Last line of defence: a generic message, never a stack trace with draft data in it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await io.Error.WriteLineAsync($"clinicmail: internal error ({ex.GetType().Name}). Nothing was decided.").ConfigureAwait(false);
            return ExitCodes.Software;
        }
    }
}
