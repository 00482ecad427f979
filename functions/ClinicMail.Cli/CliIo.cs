namespace ClinicMail.Cli;

/// <summary>The streams a command reads and writes; injected so tests run commands in process.</summary>
internal sealed record CliIo(TextReader In, TextWriter Out, TextWriter Error, bool Interactive)
{
    public static CliIo Console() => new(System.Console.In, System.Console.Out, System.Console.Error, !System.Console.IsOutputRedirected);
}
