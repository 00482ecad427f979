using System.Globalization;
using ClinicMail.Functions.Endpoints;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace ClinicMail.Functions.Hosting;

/// <summary>The composition root and the request pipeline, in the order a request meets them.</summary>
public static class ClinicMailHost
{
    public const string DevelopmentHeader = "X-ClinicMail-Development";

    public static WebApplicationBuilder AddClinicMail(this WebApplicationBuilder builder)
    {
        // Azure Functions custom handler: the host tells the app which port to listen on.
        var customHandlerPort = Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT");
        if (!string.IsNullOrEmpty(customHandlerPort))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{customHandlerPort}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://localhost:7071");
        }

        var settings = StartupSettings.Read(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The global cap; endpoints set their own lower limits (RequestLimitMetadata).
            kestrel.Limits.MaxRequestBodySize = settings.Limits.MaxCheckRequestBytes;
            kestrel.AddServerHeader = false;
        });

        builder.Services.AddClinicMailServices(builder.Configuration, settings);
        return builder;
    }

    public static async Task PrepareClinicMailAsync(this WebApplication app)
    {
        foreach (var step in app.Services.GetServices<IStartupStep>())
        {
            await step.RunAsync(app.Lifetime.ApplicationStopping).ConfigureAwait(false);
        }
    }

    public static WebApplication UseClinicMail(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ClinicMailOptions>>().Value;
        // Headers set when the response starts, so the exception handler (which clears the response
        // before writing a problem) cannot drop them.
        var development = options.IsDevelopment;
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (development)
                {
                    // Every response says the app runs with development identities and keys.
                    headers[DevelopmentHeader] = "true";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseExceptionHandler();

        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            SupportedCultures = [new("fr"), new("fr-CA"), new("en"), new("en-CA")],
            SupportedUICultures = [new("fr"), new("fr-CA"), new("en"), new("en-CA")],
            DefaultRequestCulture = new Microsoft.AspNetCore.Localization.RequestCulture(CultureInfo.GetCultureInfo("fr-CA")),
        });

        // The published zip carries the built add-in next to the executable (functions/publish.sh).
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

        app.MapSystemEndpoints();
        app.MapCheckEndpoints();
        app.MapAuditEndpoints();
        app.MapSecureMessageEndpoints();
        app.MapRegistryEndpoints();
        app.MapClinicPageApiEndpoints();
        app.MapOpenApi("/api/openapi.json").AllowAnonymous().WithName("OpenApi");
        if (options.IsDevelopment)
        {
            app.MapDevelopmentIssuer();
        }

        return app;
    }
}
