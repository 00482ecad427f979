using System.Collections.Concurrent;
using System.Net.Http.Headers;
using ClinicMail.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicMail.Functions.Tests;

/// <summary>The one host for HTTP tests (docs/architecture.md, "Tests"): the real app in Development mode, its own
/// data folder (so its own SQLite file and keys) per instance, tokens minted by the app's own
/// development issuer and validated by the same JWT code as production, every log line captured.</summary>
public class ClinicMailFactory : WebApplicationFactory<Program>
{
    public const string InternalDomain = "clinique.med";

    private readonly Dictionary<string, string?> _settings;

    public ClinicMailFactory(IDictionary<string, string?>? settings = null)
    {
        DataDirectory = Directory.CreateTempSubdirectory("clinicmail-test-").FullName;
        _settings = new Dictionary<string, string?>
        {
            ["ClinicMail:Mode"] = "Development",
            ["ClinicMail:DataDirectory"] = DataDirectory,
            ["ClinicMail:PublicBaseUrl"] = "http://localhost",
            ["ClinicMail:InternalDomains:0"] = InternalDomain,
            ["Identity:Mode"] = "Development",
            // The background warm-up would fetch the issuer metadata through LateServerHandler while the
            // factory is still creating its server; WarmUpTests runs it directly once the server exists.
            ["ClinicMail:WarmUp"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "clinicmail.db");

    /// <summary>Every formatted log line the app wrote, for leak scans.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    public DevelopmentIssuer Issuer => Services.GetRequiredService<DevelopmentIssuer>();

    public string Token(params string[] roles) => Issuer.Mint(new TokenRequest { Roles = roles });

    public HttpClient ClientWithRoles(params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(roles));
        return client;
    }

    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
        builder.ConfigureServices(services =>
            // The discovery document and JWKS are fetched over "loopback" from the app itself: in
            // the test host that is the in-memory server, reached through its own handler. Configure,
            // not PostConfigure: JwtBearer's own post-configure builds the metadata client from the
            // backchannel, so the handler must be set before it runs.
            services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
                options.BackchannelHttpHandler = new LateServerHandler(this)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open on a slow shutdown: the temp folder is cleaned by the OS.
            }
        }
    }

    private sealed class LateServerHandler(ClinicMailFactory factory) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            InnerHandler ??= factory.Server.CreateHandler();
            return base.SendAsync(request, cancellationToken);
        }
    }
}

internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, sink);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
