using ClinicMail.Application.Configuration;
using ClinicMail.Application.Http;
using Microsoft.Extensions.Options;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>Endpoint metadata: this endpoint's body may not exceed the named limit.</summary>
public sealed record RequestLimitMetadata(string Name, Func<LimitsOptions, long> Bytes);

public static class RequestLimitExtensions
{
    public static RouteHandlerBuilder WithRequestLimit(this RouteHandlerBuilder builder, string name, Func<LimitsOptions, long> bytes) =>
        builder.WithMetadata(new RequestLimitMetadata(name, bytes));

    /// <summary>Runs after routing, before the body is read: a declared Content-Length over the endpoint's
    /// limit is answered at once with a 413 ProblemDetails naming the limit, and Kestrel is told to cut
    /// a chunked body at the same size (its 413 is mapped by ProblemMapping).</summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequestLimitMetadata>() is { } metadata
            && await HttpConventions.RefuseOversizedAsync(context, metadata.Name, metadata.Bytes(context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value)).ConfigureAwait(false))
        {
            return;
        }

        await next(context).ConfigureAwait(false);
    });
}
