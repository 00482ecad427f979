using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests;

/// <summary>The Azure Functions custom-handler files agree with the app: host.json forwards HTTP
/// requests to the app, and every HTTP route the app serves in production has exactly one
/// function.json with the same route and methods (and none is left over).</summary>
public sealed class FunctionsLayoutTests
{
    private static readonly string AppDirectory = Path.Combine(RepoRoot(), "functions", "ClinicMail.Functions");

    [Test]
    public void HostJson_ForwardsHttpRequestsToTheCustomHandler()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppDirectory, "host.json")));
        var handler = host.RootElement.GetProperty("customHandler");

        Assert.That(host.RootElement.GetProperty("version").GetString(), Is.EqualTo("2.0"));
        Assert.That(handler.GetProperty("enableForwardingHttpRequest").GetBoolean(), Is.True);
        Assert.That(handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString(), Is.EqualTo("ClinicMail.Functions"));
        Assert.That(host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString(), Is.Empty,
            "routes in function.json carry their own /api prefix so the add-in files can be served at the root");
    }

    [Test]
    public void FunctionJson_MatchesEveryProductionRoute()
    {
        using var factory = new ClinicMailFactory();
        _ = factory.Server;
        var nonHttp = NonHttpFunctions();
        var appRoutes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => !IsDevelopmentOnly(e))
            .Select(e => (Route: Normalize(e.RoutePattern.RawText!), Methods: Methods(e)))
            // A non-HTTP trigger is delivered by the host as POST /{FunctionName}: no HTTP function for it.
            .Where(r => !nonHttp.ContainsKey(r.Route))
            .ToList();

        var functions = Directory.GetDirectories(Path.Combine(AppDirectory, "functions"))
            .Where(dir => !nonHttp.ContainsKey(Path.GetFileName(dir)))
            .Select(dir => (Name: Path.GetFileName(dir), Binding: ReadTrigger(Path.Combine(dir, "function.json"))))
            .ToList();

        foreach (var (route, methods) in appRoutes)
        {
            var match = functions.Where(f => f.Binding.Route == route).ToList();
            Assert.That(match, Has.Count.EqualTo(1), $"route {route} needs exactly one function.json");
            Assert.That(match[0].Binding.Methods, Is.SupersetOf(methods), $"function {match[0].Name} must accept {string.Join(",", methods)}");
        }

        foreach (var (name, binding) in functions.Where(f => f.Binding.Route != "{*path}"))
        {
            Assert.That(appRoutes.Any(r => r.Route == binding.Route), Is.True, $"function {name} routes to {binding.Route}, which the app does not serve");
        }

        Assert.That(functions.Any(f => f.Binding.Route == "{*path}" && f.Binding.Methods.SequenceEqual(["get"])), Is.True,
            "a GET catch-all function serves the add-in's static files");
    }

    [Test]
    public void FunctionJson_AllTriggersAreAnonymousBecauseTheAppValidatesTokens()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppDirectory, "functions"), "function.json", SearchOption.AllDirectories))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var trigger = doc.RootElement.GetProperty("bindings").EnumerateArray().SingleOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger");
            if (trigger.ValueKind == JsonValueKind.Undefined)
            {
                continue; // non-HTTP functions: see FunctionJson_NonHttpFunctionsHaveAnAppRoute
            }

            Assert.That(trigger.GetProperty("authLevel").GetString(), Is.EqualTo("anonymous"), file);
        }
    }

    /// <summary>Custom handlers receive non-HTTP triggers as <c>POST /{FunctionName}</c>: each such
    /// function (the timer of the secure-message purge) needs that route in the app, and a valid trigger.</summary>
    [Test]
    public void FunctionJson_NonHttpFunctionsHaveAnAppRoute()
    {
        var nonHttp = NonHttpFunctions();
        Assert.That(nonHttp.Keys, Does.Contain("PurgeSecureMessages"));
        using var factory = new ClinicMailFactory();
        _ = factory.Server;
        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .GroupBy(e => Normalize(e.RoutePattern.RawText!), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(Methods).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        foreach (var (name, type) in nonHttp)
        {
            Assert.That(routes.TryGetValue(name, out var methods) && methods.Contains("post"), Is.True, $"function {name} ({type}) needs POST /{name} in the app");
        }

        using var timer = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppDirectory, "functions", "PurgeSecureMessages", "function.json")));
        var binding = timer.RootElement.GetProperty("bindings").EnumerateArray().Single();
        Assert.That(binding.GetProperty("type").GetString(), Is.EqualTo("timerTrigger"));
        Assert.That(binding.GetProperty("schedule").GetString()!.Split(' '), Has.Length.EqualTo(6), "NCRONTAB has six fields (seconds first)");
    }

    /// <summary>Function name → trigger type, for functions whose trigger is not HTTP.</summary>
    private static Dictionary<string, string> NonHttpFunctions()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dir in Directory.GetDirectories(Path.Combine(AppDirectory, "functions")))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "function.json")));
            var triggers = doc.RootElement.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("direction").GetString() == "in")
                .Select(b => b.GetProperty("type").GetString()!)
                .ToList();
            if (!triggers.Contains("httpTrigger"))
            {
                result[Path.GetFileName(dir)] = triggers.Single();
            }
        }

        return result;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ClinicMail.sln not found above the test binaries.");
    }

    private static bool IsDevelopmentOnly(RouteEndpoint endpoint) =>
        endpoint.RoutePattern.RawText!.Contains("dev-issuer", StringComparison.Ordinal) || endpoint.RoutePattern.RawText!.Contains("/api/dev/", StringComparison.Ordinal);

    private static string Normalize(string route) => route.TrimStart('/');

    private static List<string> Methods(RouteEndpoint endpoint) =>
        [.. (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => m.ToLowerInvariant())];

    private static (string Route, List<string> Methods) ReadTrigger(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var trigger = doc.RootElement.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger");
        return (trigger.GetProperty("route").GetString()!, [.. trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant())]);
    }
}

/// <summary>Every endpoint requires a role (STYLE.md §16), except the few that are anonymous on
/// purpose; this test fails when a new endpoint forgets its policy.</summary>
public sealed class RouteContractTests
{
    private static readonly HashSet<string> AnonymousOnPurpose = new(StringComparer.Ordinal)
    {
        "Health", "Ready", "OpenApi", "DevIssuerDiscovery", "DevIssuerKeys", "DevToken",
        // The patient's secure reader: the patient has no Entra identity; their proof is the link
        // token plus a one-time code sent to the registered address (docs/secure-delivery.md).
        "SecureReader", "SecureReaderSendCode", "SecureReaderVerify", "SecureReaderAttachment", "SecureReaderReply", "SecureReaderStylesheet",
        // The timer function's delivery from the local Functions host (no token); loopback only.
        "PurgeSecureMessages",
    };

    [Test]
    public void EveryEndpoint_RequiresAuthorizationWithARole()
    {
        using var factory = new ClinicMailFactory();
        _ = factory.Server;
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var policies = factory.Services.GetRequiredService<IAuthorizationPolicyProvider>();

        Assert.That(endpoints, Is.Not.Empty);
        foreach (var endpoint in endpoints)
        {
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? endpoint.RoutePattern.RawText!;
            if (AnonymousOnPurpose.Contains(name))
            {
                Assert.That(endpoint.Metadata.GetMetadata<IAllowAnonymous>(), Is.Not.Null, $"{name} is listed as anonymous but is not");
                continue;
            }

            Assert.That(endpoint.Metadata.GetMetadata<IAllowAnonymous>(), Is.Null, $"{name} must not be anonymous");
            var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            Assert.That(authorize, Is.Not.Empty, $"{name} has no authorization policy");
            foreach (var data in authorize)
            {
                var policy = policies.GetPolicyAsync(data.Policy!).GetAwaiter().GetResult();
                Assert.That(policy!.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>(), Is.Not.Empty,
                    $"{name}'s policy {data.Policy} does not require a role");
            }
        }
    }
}
