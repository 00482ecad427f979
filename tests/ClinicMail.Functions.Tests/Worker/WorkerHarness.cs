using System.Reflection;
using System.Text;
using ClinicMail.Application.Hosting;
using ClinicMail.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ClinicMail.Functions.Tests.Worker;

/// <summary>The Functions worker in process: its real host (WorkerProgram.CreateHost: the composition
/// root, real SQLite and keys in a data folder of its own or shared with a local host), and an invoker that
/// does what the Functions host does for an HTTP trigger — picks the function whose route in the generated
/// functions.metadata matches, creates the function class from the worker's services, and calls it with a
/// real HttpContext and the route values. The development issuer's keys are handed to JwtBearer directly
/// (the worker serves no /dev-issuer routes).</summary>
public sealed class WorkerHarness : IDisposable
{
    private static readonly Lazy<List<Function>> Functions = new(LoadFunctions);

    private WorkerHarness(IHost host, string dataDirectory)
    {
        Host = host;
        DataDirectory = dataDirectory;
    }

    public IHost Host { get; }

    public string DataDirectory { get; }

    public DevelopmentIssuer Issuer => Host.Services.GetRequiredService<DevelopmentIssuer>();

    public static async Task<WorkerHarness> StartAsync(string? dataDirectory = null, IDictionary<string, string?>? settings = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("clinicmail-worker-").FullName;
        var all = new Dictionary<string, string?>
        {
            ["ClinicMail:Mode"] = "Development",
            ["ClinicMail:DataDirectory"] = dataDirectory,
            ["ClinicMail:PublicBaseUrl"] = "http://localhost",
            ["ClinicMail:InternalDomains:0"] = ClinicMailFactory.InternalDomain,
            ["ClinicMail:WarmUp"] = "false",
            ["Identity:Mode"] = "Development",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var host = WorkerProgram.CreateHost([], all, services => services
            .AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<DevelopmentIssuer>((options, issuer) =>
            {
                var configuration = OpenIdConnectConfiguration.Create(issuer.DiscoveryDocument(DevelopmentIssuer.TenantId).ToJsonString());
                foreach (var key in new JsonWebKeySet(issuer.Jwks().ToJsonString()).GetSigningKeys())
                {
                    configuration.SigningKeys.Add(key);
                }

                options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            }));
        await host.Services.RunClinicMailStartupStepsAsync(CancellationToken.None);
        return new WorkerHarness(host, dataDirectory);
    }

    public string Token(params string[] roles) => Issuer.Mint(new TokenRequest { Roles = roles });

    /// <summary>One request through the function its route selects.</summary>
    public async Task<WorkerResponse> SendAsync(string method, string pathAndQuery, string? token = null, string? body = null,
        string contentType = "application/json", string? acceptLanguage = null)
    {
        var split = pathAndQuery.Split('?', 2);
        var (function, values) = Match(method, split[0]);
        await using var scope = Host.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = method;
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost");
        http.Request.Path = split[0];
        http.Request.QueryString = split.Length > 1 ? new QueryString("?" + split[1]) : QueryString.Empty;
        if (token is not null)
        {
            http.Request.Headers.Authorization = "Bearer " + token;
        }

        if (acceptLanguage is not null)
        {
            http.Request.Headers.AcceptLanguage = acceptLanguage;
        }

        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            http.Request.Body = new MemoryStream(bytes);
            http.Request.ContentLength = bytes.Length;
            http.Request.ContentType = contentType;
        }

        var output = new MemoryStream();
        http.Response.Body = output;
        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Method.DeclaringType!);
        var arguments = function.Method.GetParameters().Select(p => p.ParameterType == typeof(HttpRequest)
            ? http.Request
            : Convert.ChangeType(values[p.Name!]?.ToString(), Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await (Task)function.Method.Invoke(instance, arguments)!;
        return new WorkerResponse(function.Name, http.Response.StatusCode, http.Response.ContentType, Encoding.UTF8.GetString(output.ToArray()), http.Response.Headers);
    }

    public void Dispose() => Host.Dispose();

    private static (Function Function, RouteValueDictionary Values) Match(string method, string path)
    {
        // Literal routes before parameters, the catch-all last: the Functions host's precedence.
        foreach (var function in Functions.Value.Where(f => f.Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            .OrderBy(f => f.Route.Contains("{*", StringComparison.Ordinal)).ThenBy(f => f.Route.Count(c => c == '{')))
        {
            var values = new RouteValueDictionary();
            if (new TemplateMatcher(TemplateParser.Parse(function.Route), []).TryMatch(path, values))
            {
                return (function, values);
            }
        }

        throw new InvalidOperationException($"no function serves {method} {path}");
    }

    private static List<Function> LoadFunctions()
    {
        using var metadata = FunctionsLayoutTests.Metadata();
        var assembly = typeof(WorkerProgram).Assembly;
        return [.. metadata.RootElement.EnumerateArray()
            .Select(f => (EntryPoint: f.GetProperty("entryPoint").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray()
                .FirstOrDefault(b => string.Equals(b.GetProperty("type").GetString(), "httpTrigger", StringComparison.OrdinalIgnoreCase)), Name: f.GetProperty("name").GetString()!))
            .Where(f => f.Trigger.ValueKind != System.Text.Json.JsonValueKind.Undefined)
            .Select(f =>
            {
                var dot = f.EntryPoint.LastIndexOf('.');
                var method = assembly.GetType(f.EntryPoint[..dot], throwOnError: true)!.GetMethod(f.EntryPoint[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance)!;
                return new Function(f.Name, f.Trigger.GetProperty("route").GetString()!,
                    [.. f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!)], method);
            })];
    }

    private sealed record Function(string Name, string Route, string[] Methods, MethodInfo Method);
}

public sealed record WorkerResponse(string Function, int Status, string? ContentType, string Body, IHeaderDictionary Headers);
