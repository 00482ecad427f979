using System.Globalization;
using System.Threading.RateLimiting;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Localization;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Http;

/// <summary><c>RequestGuards:*</c> — what one caller may hold of the server at once on the expensive
/// routes (the check, creating a secure message), and the longest such a request may run.</summary>
public sealed class RequestGuardOptions
{
    public const string Section = "RequestGuards";

    /// <summary>Requests one user (one client address when anonymous) may have running at once on a
    /// guarded route; one more is answered 429 at once (no queue).</summary>
    public int ConcurrentRequestsPerUser { get; set; } = 4;

    /// <summary>A guarded request still running after this is cancelled and answered 503.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest path and query, in characters; longer is answered 414.</summary>
    public int MaxUrlChars { get; set; } = 4096;
}

/// <summary>The per-user concurrency limit and the request timeout of the guarded routes, one definition
/// for both hosts: the local host applies them with ASP.NET Core's request-timeouts middleware and an
/// endpoint filter, the Functions worker in <c>FunctionHttp</c>. Rejections are ProblemDetails in the
/// caller's language.</summary>
/// <remarks>A singleton: it holds the per-user concurrency limiters of the process.</remarks>
public sealed class RequestGuards : IDisposable
{
    /// <summary>The request-timeouts policy name the local host's guarded endpoints carry.</summary>
    public const string TimeoutPolicy = "clinicmail-guarded";

    private readonly PartitionedRateLimiter<HttpContext> _concurrency;

    public RequestGuards(IOptions<RequestGuardOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        var permits = Math.Max(1, Options.ConcurrentRequestsPerUser);
        _concurrency = PartitionedRateLimiter.Create<HttpContext, string>(http => RateLimitPartition.GetConcurrencyLimiter(
            CallerKey(http), _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 }));
    }

    public RequestGuardOptions Options { get; }

    public static LocalizedText TooManyTitle { get; } = new("Trop de requêtes simultanées.", "Too many requests at once.");

    public static LocalizedText TooMany(int permits) => new(
        string.Create(CultureInfo.InvariantCulture, $"Vous avez déjà {permits} requêtes de ce type en cours (limite RequestGuards:ConcurrentRequestsPerUser). Attendez leur réponse puis réessayez."),
        string.Create(CultureInfo.InvariantCulture, $"You already have {permits} such requests running (limit RequestGuards:ConcurrentRequestsPerUser). Wait for their answers, then try again."));

    public static LocalizedText TimedOutTitle { get; } = new("La requête a pris trop de temps.", "The request took too long.");

    public static LocalizedText TimedOut(TimeSpan timeout) => new(
        string.Create(CultureInfo.InvariantCulture, $"Le traitement a été interrompu après {timeout.TotalSeconds:0.###} s (limite RequestGuards:RequestTimeout) : rien n'a été décidé. Réessayez; si le problème persiste, simplifiez le message."),
        string.Create(CultureInfo.InvariantCulture, $"Processing was stopped after {timeout.TotalSeconds:0.###} s (limit RequestGuards:RequestTimeout): nothing was decided. Try again; if it persists, simplify the message."));

    /// <summary>One permit of the caller's concurrency limit; <c>IsAcquired</c> false when the caller is at the limit.</summary>
    public RateLimitLease Acquire(HttpContext http) => _concurrency.AttemptAcquire(http);

    /// <summary>429 with Retry-After, in the caller's language.</summary>
    public IResult TooManyResult(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.RetryAfter = "1";
        return Problem.Result(429, "too_many_concurrent_requests", TooManyTitle, TooMany(Math.Max(1, Options.ConcurrentRequestsPerUser)),
            new Dictionary<string, object?> { ["limit"] = "RequestGuards:ConcurrentRequestsPerUser" });
    }

    /// <summary>503: the guarded request ran past <see cref="RequestGuardOptions.RequestTimeout"/>.</summary>
    public IResult TimedOutResult() =>
        Problem.Result(503, "request_timeout", TimedOutTitle, TimedOut(Options.RequestTimeout),
            new Dictionary<string, object?> { ["limit"] = "RequestGuards:RequestTimeout" });

    /// <summary>The authenticated user (tenant and object id), else the client address.</summary>
    public static string CallerKey(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = http.User;
        var oid = user.FindFirst("oid")?.Value;
        if (user.Identity?.IsAuthenticated == true && !string.IsNullOrEmpty(oid))
        {
            var tid = user.FindFirst("tid")?.Value ?? "";
            return "user:" + tid + "/" + oid;
        }

        return "ip:" + ForwardedClient.Address(http);
    }

    public void Dispose() => _concurrency.Dispose();
}

/// <summary>Registrations of the guards (options, the singleton, the local host's timeout policy).</summary>
public static class RequestGuardRegistration
{
    public static IServiceCollection AddClinicMailRequestGuards(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestGuardOptions>().Bind(configuration.GetSection(RequestGuardOptions.Section));
        // One set of per-user limiters per process.
        services.AddSingleton<RequestGuards>();
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<RequestGuardOptions>>((timeouts, guards) =>
            timeouts.AddPolicy(RequestGuards.TimeoutPolicy, new RequestTimeoutPolicy
            {
                Timeout = guards.Value.RequestTimeout,
                WriteTimeoutResponse = http => http.RequestServices.GetRequiredService<RequestGuards>().TimedOutResult().ExecuteAsync(http),
            }));
        return services;
    }
}
