using System.Text.Json;
using ClinicMail.Functions.Routes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests;

/// <summary>The Functions worker and the local host serve the same routes: the <c>functions.metadata</c>
/// that the Worker SDK generates lists exactly the routes and methods the local host maps (both ways),
/// every HTTP function is anonymous to the Functions host (the app validates Entra tokens itself, with
/// the same policies), and host.json keeps routes unprefixed. Differences are listed with their reason.</summary>
public sealed class FunctionsLayoutTests
{
    /// <summary>Local routes the worker does not serve as a function, with the reason.</summary>
    private static readonly Dictionary<string, string> LocalOnly = new(StringComparer.Ordinal);

    [Test]
    public void HostJson_HasNoCustomHandlerAndUnprefixedRoutes()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "functions", "ClinicMail.Functions", "host.json")));

        Assert.That(host.RootElement.GetProperty("version").GetString(), Is.EqualTo("2.0"));
        Assert.That(host.RootElement.TryGetProperty("customHandler", out _), Is.False, "the isolated worker replaced the custom handler");
        Assert.That(host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString(), Is.Empty,
            "routes carry their own /api prefix so the add-in files can be served at the root");
        Assert.That(Directory.GetFiles(Path.Combine(RepoRoot(), "functions"), "function.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)), Is.Empty,
            "no hand-written function.json: the Worker SDK generates functions.metadata");
    }

    [Test]
    public void FunctionsMetadata_ListsExactlyTheLocalHostsRoutes()
    {
        using var factory = new ClinicMailFactory();
        _ = factory.Server;
        var local = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => !IsDevelopmentOnly(e))
            .SelectMany(e => Methods(e).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet(StringComparer.Ordinal);
        var worker = HttpFunctions().SelectMany(f => f.Methods.Select(m => $"{m} {f.Route}"))
            .Where(r => r != "get {*path}")
            .ToHashSet(StringComparer.Ordinal);

        Assert.That(local.Except(worker).Except(LocalOnly.Keys).Order(StringComparer.Ordinal), Is.Empty, "local routes without a function");
        Assert.That(worker.Except(local).Order(StringComparer.Ordinal), Is.Empty, "functions without a local route");
        Assert.That(LocalOnly.Keys, Is.SubsetOf(local), "a listed difference that no longer exists");
    }

    [Test]
    public void FunctionsMetadata_EveryHttpFunctionIsAnonymousToTheHost()
    {
        var functions = HttpFunctions();
        Assert.That(functions, Has.Count.GreaterThan(30));
        Assert.That(functions.Where(f => f.AuthLevel != "anonymous").Select(f => f.Name), Is.Empty,
            "function keys are not the product's authentication: Entra tokens are (FunctionHttp)");
        Assert.That(functions.Any(f => f.Route == "{*path}" && f.Methods.SequenceEqual(["get"])), Is.True,
            "a GET catch-all function serves the add-in's static files");
    }

    [Test]
    public void FunctionsMetadata_TimersForThePurgeAndTheAuditCheckpoint()
    {
        var timers = Metadata().RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray().Select(b => (Name: f.GetProperty("name").GetString()!, Binding: b)))
            .Where(x => string.Equals(x.Binding.GetProperty("type").GetString(), "timerTrigger", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(x => x.Name, x => x.Binding.GetProperty("schedule").GetString()!, StringComparer.Ordinal);

        Assert.That(timers, Is.EqualTo(new Dictionary<string, string>
        {
            ["PurgeSecureMessages"] = TimerFunctions.PurgeSchedule,
            ["AuditCheckpoint"] = TimerFunctions.CheckpointSchedule,
            ["RecordFilingDeliver"] = RecordFilingFunctions.DeliverySchedule,
            ["MailSubscriptionRenewal"] = ClinicMail.Functions.Routes.IncomingMailFunctions.RenewalSchedule,
            ["RecordFilingSentItems"] = RecordFilingFunctions.SentItemsSchedule,
        }));
        Assert.That(timers.Values.Select(s => s.Split(' ').Length), Is.All.EqualTo(6), "NCRONTAB has six fields (seconds first)");
    }

    /// <summary>The functions.metadata the Worker SDK wrote beside the worker's binaries (same configuration as these tests).</summary>
    internal static JsonDocument Metadata()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepoRoot(), "functions", "ClinicMail.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.That(File.Exists(path), Is.True, $"{path} was not generated: build functions/ClinicMail.Functions");
        return JsonDocument.Parse(File.ReadAllText(path));
    }

    internal static List<(string Name, string Route, List<string> Methods, string AuthLevel)> HttpFunctions()
    {
        using var metadata = Metadata();
        return [.. metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray().Select(b => (Name: f.GetProperty("name").GetString()!, Binding: b)))
            .Where(x => string.Equals(x.Binding.GetProperty("type").GetString(), "httpTrigger", StringComparison.OrdinalIgnoreCase))
            .Select(x => (x.Name, x.Binding.GetProperty("route").GetString()!,
                x.Binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).ToList(),
                x.Binding.GetProperty("authLevel").GetString()!.ToLowerInvariant()))];
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
}

/// <summary>Every endpoint requires a role (docs/architecture.md, "Where a new thing goes"), except the few that are anonymous on
/// purpose; this test fails when a new endpoint forgets its policy.</summary>
public sealed class RouteContractTests
{
    private static readonly HashSet<string> AnonymousOnPurpose = new(StringComparer.Ordinal)
    {
        "Health", "Ready", "OpenApi", "SignInConfig", "DevIssuerDiscovery", "DevIssuerKeys", "DevToken",
        // The sandbox's sent-mail drop: development only, loopback callers only (docs/record-filing.md).
        "DevMailSent",
        // The patient's secure reader: the patient has no Entra identity; their proof is the link
        // token plus a one-time code sent to the registered address (docs/secure-delivery.md).
        "SecureReader", "SecureReaderSendCode", "SecureReaderVerify", "SecureReaderAttachment", "SecureReaderReply", "SecureReaderStylesheet",
        // The patient's consent page, with the reader's protections (docs/consent.md).
        "ConsentPage", "ConsentPageSendCode", "ConsentPageVerify", "ConsentPageSign", "ConsentPageWithdraw", "ConsentPageCopy",
        // Graph change and lifecycle notifications: Graph has no Entra token to present; the subscription's
        // clientState is checked (docs/incoming-mail.md).
        "MailNotifications", "MailLifecycle",
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
