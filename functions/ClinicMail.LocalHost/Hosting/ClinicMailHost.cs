using ClinicMail.Application.Configuration;
using ClinicMail.Application.Hosting;
using ClinicMail.Application.Http;
using ClinicMail.Infrastructure.Telemetry;
using ClinicMail.LocalHost.Background;
using ClinicMail.LocalHost.Endpoints;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace ClinicMail.LocalHost.Hosting;

/// <summary>The local host's pipeline, in the order a request meets them; the services come from the
/// application layer's composition root (<see cref="ClinicMailComposition.AddClinicMail(IServiceCollection, IConfiguration)"/>).</summary>
public static class ClinicMailHost
{
    public const string DevelopmentHeader = HttpConventions.DevelopmentHeader;

    public static WebApplicationBuilder AddClinicMailLocalHost(this WebApplicationBuilder builder, StartupTimeline? timeline = null)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://localhost:7071");
        }

        var settings = StartupSettings.Read(builder.Configuration);
        timeline?.Mark("settings read and validated");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The global cap; endpoints set their own lower limits (RequestLimitMetadata).
            kestrel.Limits.MaxRequestBodySize = settings.Limits.MaxCheckRequestBytes;
            kestrel.AddServerHeader = false;
            // Above RequestGuards:MaxUrlChars, so a long URL reaches the app and gets a ProblemDetails 414.
            kestrel.Limits.MaxRequestLineSize = 64 * 1024;
        });

        // Background duties start once the server listens; the warm-up and the startup steps do not wait.
        DeferredBackgroundServices.AddDeferred(builder.Services, settings.ClinicMail.WarmUp,
            services => services.AddClinicMail(builder.Configuration, settings));
        timeline?.Mark("services registered");
        builder.Services.AddClinicMailHardening(builder.Configuration);
        builder.Services.AddClinicMailTelemetry(builder.Configuration);
        timeline?.Mark("hardening and telemetry registered");
        return builder;
    }

    public static Task PrepareClinicMailAsync(this WebApplication app) =>
        app.Services.RunClinicMailStartupStepsAsync(app.Lifetime.ApplicationStopping);

    /// <summary>As <see cref="PrepareClinicMailAsync(WebApplication)"/>, marking each step's end on the timeline.</summary>
    public static Task PrepareClinicMailAsync(this WebApplication app, StartupTimeline timeline)
    {
        var index = 0;
        return app.Services.RunClinicMailStartupStepsAsync(app.Lifetime.ApplicationStopping,
            step => timeline.Mark($"startup step {++index} ({step.Name})"));
    }

    /// <summary>Marks when the server listens and when the first check is answered, then logs the
    /// timeline (category <see cref="StartupTimeline.LoggerCategory"/>, Debug).</summary>
    public static WebApplication UseClinicMailStartupTimeline(this WebApplication app, StartupTimeline timeline, ColdStartWarmUp? warmUp = null)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(StartupTimeline.LoggerCategory);
        app.Lifetime.ApplicationStarted.Register(() => timeline.Mark("hosted services started, server listening"));
        var answered = 0;
        app.Use(async (context, next) =>
        {
            await next(context).ConfigureAwait(false);
            if (Volatile.Read(ref answered) == 0 && context.Response.StatusCode == StatusCodes.Status200OK
                && HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/api/v1/check", StringComparison.Ordinal)
                && Interlocked.Exchange(ref answered, 1) == 0)
            {
                timeline.Mark("first check answered");
                timeline.Log(logger, warmUp);
            }
        });
        return app;
    }

    public static WebApplication UseClinicMail(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ClinicMailOptions>>().Value;
        var development = options.IsDevelopment;
        app.Use((context, next) =>
        {
            HttpConventions.AddSecurityHeaders(context, development);
            return next(context);
        });
        app.UseExceptionHandler();

        app.UseRequestLocalization(HttpConventions.Localization());
        app.UseClinicMailEdge();

        // The built add-in: ClinicMail:AddinDirectory (./run.sh), else an addin/ folder beside the binaries.
        var addin = options.AddinDirectory ?? Path.Combine(AppContext.BaseDirectory, "addin");
        if (Directory.Exists(addin))
        {
            var files = new PhysicalFileProvider(Path.GetFullPath(addin));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        // The compliance reviewer's page (wwwroot/review): static and anonymous; its data calls carry a token.
        // wwwroot beside the binaries (run.sh, the Functions package), else the content root's (dotnet run, tests).
        app.UseReviewPageRedirect();
        app.UseClinicPageRedirect();
        var besideBinaries = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var webRoot = Directory.Exists(besideBinaries) ? new PhysicalFileProvider(besideBinaries) : app.Environment.WebRootFileProvider;
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = webRoot });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = webRoot });

        app.UseRouting();
        app.UseRequestLimits();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseClinicMailRequestTimeouts();

        app.MapSystemEndpoints();
        app.MapCheckEndpoints();
        app.MapAuditEndpoints();
        app.MapSecureMessageEndpoints();
        app.MapRegistryEndpoints();
        app.MapConsentEndpoints();
        app.MapClinicPageApiEndpoints();
        app.MapIncomingMailEndpoints();
        app.MapRecordFilingEndpoints();
        app.MapOpenApi("/api/openapi.json").AllowAnonymous().WithName("OpenApi");
        if (options.IsDevelopment)
        {
            app.MapDevelopmentIssuer();
        }

        return app;
    }
}
