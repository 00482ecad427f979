using ClinicMail.LocalHost.Hosting;

var timeline = new StartupTimeline();
timeline.Mark("runtime started, Main entered");

// Content root = where the binaries are (appsettings.json, wwwroot), whatever the working folder:
// ./run.sh starts the app from the repository root.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
timeline.Mark("builder created (configuration, logging)");
builder.AddClinicMailLocalHost(timeline);

var app = builder.Build();
timeline.Mark("host built");
await app.PrepareClinicMailAsync(timeline);
app.UseClinicMailStartupTimeline(timeline);
app.UseClinicMail();
timeline.Mark("pipeline and endpoints mapped");
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
