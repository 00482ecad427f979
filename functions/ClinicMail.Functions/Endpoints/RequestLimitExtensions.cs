using ClinicMail.Functions.Hosting;
using ClinicMail.Functions.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ClinicMail.Functions.Endpoints;

/// <summary>Endpoint metadata: this endpoint's body may not exceed the named limit.</summary>
public sealed record RequestLimitMetadata(string Name, Func<LimitsOptions, long> Bytes);

public static class RequestLimitExtensions
{
    public static RouteHandlerBuilder WithRequestLimit(this RouteHandlerBuilder builder, string name, Func<LimitsOptions, long> bytes) =>
        builder.WithMetadata(new RequestLimitMetadata(name, bytes));

    /// <summary>Runs after routing, before the body is read: a declared Content-Length over the endpoint's
    /// limit is answered at once with a 413 ProblemDetails naming the limit, and Kestrel is told to cut
    /// a chunked body at the same size (its 413 is mapped by <see cref="ProblemMapping"/>).</summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequestLimitMetadata>() is { } metadata)
        {
            var max = metadata.Bytes(context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value);
            if (context.Request.ContentLength > max)
            {
                var problem = Problem.Create(413, "request_too_large", ProblemTexts.TooLargeTitle, ProblemTexts.TooLarge(metadata.Name, max),
                    new Dictionary<string, object?> { ["limit"] = metadata.Name, ["maximum"] = max });
                context.Response.StatusCode = 413;
                await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json").ConfigureAwait(false);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = max;
            }
        }

        await next(context).ConfigureAwait(false);
    });
}
