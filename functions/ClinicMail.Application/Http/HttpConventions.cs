using System.Globalization;
using ClinicMail.Application.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Localization;

namespace ClinicMail.Application.Http;

/// <summary>What every response of every host carries, and how every host reads the caller's language
/// and refuses an oversized body — one definition, so the local host and the Functions worker answer alike.</summary>
public static class HttpConventions
{
    public const string DevelopmentHeader = "X-ClinicMail-Development";

    /// <summary>HSTS outside development: one year, subdomains included. Browsers ignore it over plain
    /// HTTP, so it is sent on every response (behind the platform's TLS front end the app sees HTTP).</summary>
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    /// <summary>Set when the response starts, so an exception handler (which clears the response before
    /// writing a problem) cannot drop them.</summary>
    public static void AddSecurityHeaders(HttpContext context, bool development) => context.Response.OnStarting(() =>
    {
        ApplySecurityHeaders(context.Response.Headers, development);
        return Task.CompletedTask;
    });

    /// <summary>The headers every response carries.</summary>
    public static void ApplySecurityHeaders(IHeaderDictionary headers, bool development)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (development)
        {
            // Every response says the app runs with development identities and keys.
            headers[DevelopmentHeader] = "true";
        }
        else
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }
    }

    /// <summary>French or English from Accept-Language; French (Canada) by default.</summary>
    public static RequestLocalizationOptions Localization() => new()
    {
        SupportedCultures = [new("fr"), new("fr-CA"), new("en"), new("en-CA")],
        SupportedUICultures = [new("fr"), new("fr-CA"), new("en"), new("en-CA")],
        DefaultRequestCulture = new RequestCulture(CultureInfo.GetCultureInfo("fr-CA")),
    };

    /// <summary>A declared Content-Length over <paramref name="max"/> is answered at once with a 413
    /// ProblemDetails naming the limit (true: answered); otherwise the server is told to cut a chunked
    /// body at the same size.</summary>
    public static async Task<bool> RefuseOversizedAsync(HttpContext context, string name, long max)
    {
        if (context.Request.ContentLength > max)
        {
            var problem = Problem.Create(413, "request_too_large", ProblemTexts.TooLargeTitle, ProblemTexts.TooLarge(name, max),
                new Dictionary<string, object?> { ["limit"] = name, ["maximum"] = max });
            context.Response.StatusCode = 413;
            await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json").ConfigureAwait(false);
            return true;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = max;
        }

        return false;
    }
}
