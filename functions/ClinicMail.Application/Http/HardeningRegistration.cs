namespace ClinicMail.Application.Http;

/// <summary>The edge's hardening shared by both hosts (issue 22): which proxies are believed, the
/// per-user concurrency limit and timeout of the expensive routes, readiness that reflects the store and
/// the keys. The hosts apply them in their pipelines (local host: <c>HardeningPipeline</c>; worker: <c>FunctionHttp</c>).</summary>
public static class HardeningRegistration
{
    public static IServiceCollection AddClinicMailHardening(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClinicMailForwardedHeaders(configuration);
        services.AddClinicMailRequestGuards(configuration);
        // Remembers the last key round trip: one per process.
        services.AddSingleton<ReadinessProbe>();
        // First in line: exception handlers are tried in registration order and ProblemMapping answers everything.
        services.Insert(0, ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler, ReaderErrorHandler>());
        return services;
    }
}
