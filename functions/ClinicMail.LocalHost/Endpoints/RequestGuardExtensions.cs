using ClinicMail.Application.Http;

namespace ClinicMail.LocalHost.Endpoints;

public static class RequestGuardExtensions
{
    /// <summary>On an expensive route: the caller's concurrency limit (an endpoint filter, so the caller is
    /// already authenticated; 429 at the limit) and the request timeout (ASP.NET Core's request-timeouts
    /// middleware; 503 past it). Both from <see cref="RequestGuards"/>, as the worker's.</summary>
    public static RouteHandlerBuilder WithRequestGuards(this RouteHandlerBuilder builder)
    {
        builder.WithRequestTimeout(RequestGuards.TimeoutPolicy);
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var guards = context.HttpContext.RequestServices.GetRequiredService<RequestGuards>();
            using var lease = guards.Acquire(context.HttpContext);
            return lease.IsAcquired ? await next(context).ConfigureAwait(false) : guards.TooManyResult(context.HttpContext);
        });
    }
}
