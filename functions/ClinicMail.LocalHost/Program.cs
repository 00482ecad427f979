using ClinicMail.Application.Hosting;
using ClinicMail.LocalHost.Hosting;

// First: the check path compiles on the other core while this thread builds the host (ColdStartWarmUp).
var warmUp = ColdStartWarmUp.Start();
var timeline = new StartupTimeline();
timeline.Mark("runtime started, Main entered");
try
{
    // Content root = where the binaries are (appsettings.json, wwwroot), whatever the working folder:
    // ./run.sh starts the app from the repository root.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    timeline.Mark("builder created (configuration, logging)");
    builder.AddClinicMailLocalHost(timeline);

    var app = builder.Build();
    timeline.Mark("host built");
    await app.PrepareClinicMailAsync(timeline);
    app.UseClinicMailStartupTimeline(timeline, warmUp);
    app.UseClinicMail();
    timeline.Mark("pipeline and endpoints mapped");
    await app.RunAsync();
    return 0;
}
catch (Exception refused) when (StartupRefusal.IsRefusal(refused) && Program.IsOwnProcess)
{
    // A wrong setting or an unusable data folder: logged, naming the setting, and exit code 1 (not a crash).
    return StartupRefusal.Report(refused);
}

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program
{
    /// <summary>False when a test hosts this entry point in its own process (WebApplicationFactory): the test
    /// then sees the refusal as the exception it is.</summary>
    internal static bool IsOwnProcess => System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly;
}
