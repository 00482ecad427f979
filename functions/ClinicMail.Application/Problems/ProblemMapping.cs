using System.Text.Json;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Checking;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;

namespace ClinicMail.Application.Problems;

/// <summary>The one place typed exceptions become RFC 7807 responses (docs/architecture.md, "Errors"). A 500 is generic
/// to the caller and logged with a correlation id; the exception detail is shown only in Development.
/// Nothing from the request body is ever logged here.</summary>
public sealed class ProblemMapping(ILogger<ProblemMapping> logger, IHostEnvironment environment) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // The exception handler runs outside the localization middleware, whose culture does not flow
        // back out with the exception: take the caller's language from the request again.
        if (httpContext.Features.Get<Microsoft.AspNetCore.Localization.IRequestCultureFeature>() is { } culture)
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture.RequestCulture.UICulture;
        }

        var problem = exception switch
        {
            ApiProblemException api => Problem.Create(api.Status, api.Code, api.Title, api.Detail, api.Extensions),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(httpContext),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
                Problem.Create(415, "unsupported_media_type", ProblemTexts.UnsupportedMediaTitle, ProblemTexts.UnsupportedMedia),
            BadHttpRequestException bad when FindJson(bad) is { } json =>
                Problem.Create(400, "invalid_json", ProblemTexts.BadJsonTitle, ProblemTexts.BadJson(json.Path)),
            BadHttpRequestException bad => Problem.Create(bad.StatusCode, "bad_request", ProblemTexts.BadJsonTitle, ProblemTexts.BadJson(null)),
            RegistryUnavailableException => Problem.Create(503, "registry_unavailable", ProblemTexts.RegistryUnavailableTitle, ProblemTexts.RegistryUnavailable),
            AuditUnavailableException => Problem.Create(503, "audit_unavailable", ProblemTexts.AuditUnavailableTitle, ProblemTexts.AuditUnavailable),
            _ => null,
        };

        if (problem is null)
        {
            var correlation = httpContext.TraceIdentifier;
            // Type and correlation id only: an exception message may quote input.
            logger.LogError("Unhandled {ExceptionType} on {Route}, correlation {CorrelationId}", exception.GetType().Name, RouteOf(httpContext), correlation);
            problem = Problem.Create(500, "internal", ProblemTexts.InternalTitle, ProblemTexts.Internal(correlation));
            if (environment.IsDevelopment())
            {
                problem.Extensions["exception"] = exception.GetType().FullName;
            }
        }
        else
        {
            logger.LogInformation("Request refused: {Status} {Code} on {Route}", problem.Status, problem.Extensions["code"], RouteOf(httpContext));
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        await httpContext.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json", cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails TooLarge(HttpContext context)
    {
        var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        return Problem.Create(413, "request_too_large", ProblemTexts.TooLargeTitle, ProblemTexts.TooLarge("MaxRequestBytes", limit ?? 0),
            new Dictionary<string, object?> { ["limit"] = "MaxRequestBytes", ["maximum"] = limit });
    }

    private static JsonException? FindJson(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    private static string RouteOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IRouteDiagnosticsMetadata>()?.Route ?? "unmatched";
}
