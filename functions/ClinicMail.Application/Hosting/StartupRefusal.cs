using ClinicMail.Application.Configuration;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Hosting;

/// <summary>What a host's entry point does when its start is refused (a setting the validators reject, a
/// data folder that is a file or cannot be written): one critical log entry, in English and French, naming
/// every setting at fault (never its value), and exit code <see cref="ExitCode"/>. Left unhandled, the same
/// exception aborts the process (exit 134 on Linux, a stack trace in place of the reason).</summary>
public static class StartupRefusal
{
    /// <summary>The process's exit code when its configuration or data folder refused the start.</summary>
    public const int ExitCode = 1;

    private static readonly EventId Refused = new(1, "StartupRefused");

    /// <summary>A refused start rather than a bug: <see cref="StartupConfigurationException"/> (settings read at
    /// composition, startup steps) or the options validation <c>ValidateOnStart()</c> runs when the host starts.</summary>
    public static bool IsRefusal(Exception exception) => Problems(exception) is not null;

    /// <summary>Logs <paramref name="refusal"/> to the console (the host's own logging may not be built yet; the
    /// Functions host keeps the worker's console output) and returns <see cref="ExitCode"/>.</summary>
    public static int Report(Exception refusal)
    {
        var problems = Problems(refusal) ?? throw new ArgumentException("not a refused start", nameof(refusal));
        using (var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(console => console.SingleLine = false)))
        {
            // Disposing the factory flushes the console, so the entry is written before the process exits.
            logging.CreateLogger("ClinicMail.Startup").LogCritical(Refused, "{Refusal}", new StartupConfigurationException(problems).Message);
        }

        return ExitCode;
    }

    private static IReadOnlyList<string>? Problems(Exception exception) => exception switch
    {
        StartupConfigurationException refused => refused.Problems,
        OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException many when many.InnerExceptions.Count > 0 && many.InnerExceptions.All(IsRefusal) =>
            [.. many.InnerExceptions.SelectMany(inner => Problems(inner)!)],
        _ => null,
    };
}
