using ClinicMail.Core.Checking;

namespace ClinicMail.Application.Hosting;

/// <summary>Builds the check engine (<see cref="DraftChecker.Default"/>: the topic lexicons, their phrase
/// matcher and the identifier patterns — about 11 MB of tables) on a thread-pool thread, so that
/// the host's start-up thread goes on building the container, running the startup steps and starting
/// the server on the other core (docs/performance.md, "Cold start under 1 s (cold14)").</summary>
/// <remarks>Nothing can see a half-built engine: the container resolves <see cref="DraftChecker"/> through
/// <see cref="Start"/>'s factory, which reads <see cref="DraftChecker.Default"/>, and the runtime runs
/// that static initialiser once, making every other reader wait for it to finish. A check that
/// arrives before the build has ended waits for it; it never runs without its rules.</remarks>
public static class EnginePrebuild
{
    private static int _started;

    /// <summary>Starts the build once per process (later calls do nothing) and returns the container's
    /// factory for <see cref="DraftChecker"/>.</summary>
    public static Func<IServiceProvider, DraftChecker> Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static _ => Build(), null);
        }

        return static _ => DraftChecker.Default;
    }

    private static void Build()
    {
        try
        {
            _ = DraftChecker.Default;
        }
#pragma warning disable CA1031 // Not swallowed: the runtime keeps the initialiser's failure and throws it to every reader.
        catch (TypeInitializationException)
#pragma warning restore CA1031
        {
            // An unhandled exception on a pool thread would end the process without a word; the container's
            // resolution of the engine (startup warm-up, first check) gets the same exception and reports it.
        }
    }
}
