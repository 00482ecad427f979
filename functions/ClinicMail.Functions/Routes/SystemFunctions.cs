using ClinicMail.Application.Configuration;
using ClinicMail.Application.Http;
using ClinicMail.Application.Identity;
using ClinicMail.Functions.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;

namespace ClinicMail.Functions.Routes;

/// <summary>Liveness, readiness, and the static files the local host serves with its static-file
/// middleware: the built add-in (<c>addin/</c> in the package) and the reviewer's page (<c>wwwroot/</c>).</summary>
public sealed class SystemFunctions(FunctionHttp http, ReadinessProbe probe, IOptions<ClinicMailOptions> options, IOptions<IdentityOptions> identity)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    [Function("Health")]
    public Task HealthAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest req) =>
        http.RunAsync(req, null, _ => Task.FromResult<IResult>(SystemStatus.Health()));

    [Function("Ready")]
    public Task ReadyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/ready")] HttpRequest req) =>
        http.RunAsync(req, null, async c => await SystemStatus.ReadyAsync(probe, c.RequestAborted).ConfigureAwait(false));

    /// <summary>How the web pages sign in (MSAL in Entra mode, the development issuer locally).</summary>
    [Function("SignInConfig")]
    public Task SignInConfigAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/sign-in-config")] HttpRequest req) =>
        http.RunAsync(req, null, _ => Task.FromResult<IResult>(TypedResults.Ok(PageSignIn.Config(identity.Value))));

    /// <summary>The API description (docs/openapi.json, embedded): the same document the local host generates
    /// from its endpoint table at <c>/api/openapi.json</c> (OpenApiTests compares them).</summary>
    [Function("OpenApi")]
    public Task OpenApiAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/openapi.json")] HttpRequest req) =>
        http.RunAsync(req, null, _ => Task.FromResult(Results.Text(OpenApiDocument.Value, "application/json; charset=utf-8")));

    private static readonly Lazy<string> OpenApiDocument = new(() =>
    {
        using var stream = typeof(SystemFunctions).Assembly.GetManifestResourceStream("ClinicMail.Functions.openapi.json")
            ?? throw new InvalidOperationException("docs/openapi.json is not embedded in the worker.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>Every GET no other function claims (the Functions host prefers literal routes).</summary>
    [Function("AddinFiles")]
    public Task FilesAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{*path}")] HttpRequest req, string? path) =>
        http.RunAsync(req, null, c => Task.FromResult(File(c, path ?? "")));

    /// <summary>The web pages served from <c>wwwroot/</c>: the reviewer's and the clinic's.</summary>
    private static readonly string[] StaticPages = ["review", "clinic"];

    private IResult File(HttpContext context, string path)
    {
        if (StaticPages.FirstOrDefault(page => string.Equals(path, page, StringComparison.OrdinalIgnoreCase)) is { } folder)
        {
            // The page's relative links need the folder form.
            return Results.Redirect($"/{folder}/");
        }

        var roots = new[] { options.Value.AddinDirectory ?? Path.Combine(AppContext.BaseDirectory, "addin"), Path.Combine(AppContext.BaseDirectory, "wwwroot") };
        foreach (var root in roots.Select(Path.GetFullPath))
        {
            var full = Path.GetFullPath(Path.Combine(root, path));
            if (!full.StartsWith(root, StringComparison.Ordinal))
            {
                // A path that climbs out of the root is answered as missing, never read.
                return Results.NotFound();
            }

            if (Directory.Exists(full))
            {
                full = Path.Combine(full, "index.html");
            }

            if (System.IO.File.Exists(full))
            {
                if (StaticPages.Any(page => path.StartsWith(page, StringComparison.OrdinalIgnoreCase)))
                {
                    // The page runs only its own script and styles, and talks only to this origin.
                    context.Response.Headers.ContentSecurityPolicy = PageSignIn.ContentSecurityPolicy(identity.Value);
                }

                return Results.File(full, ContentTypes.TryGetContentType(full, out var type) ? type : "application/octet-stream");
            }
        }

        return Results.NotFound();
    }
}
