using ClinicMail.Functions.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddClinicMail();

var app = builder.Build();
await app.PrepareClinicMailAsync();
app.UseClinicMail();
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
