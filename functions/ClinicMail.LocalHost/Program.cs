using ClinicMail.LocalHost.Hosting;

// Content root = where the binaries are (appsettings.json, wwwroot), whatever the working folder:
// ./run.sh starts the app from the repository root.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddClinicMailLocalHost();

var app = builder.Build();
await app.PrepareClinicMailAsync();
app.UseClinicMail();
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
