using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using ClinicMail.Application.Configuration;

namespace ClinicMail.Application.Secure;

/// <summary>The patient reader's rate limits, defined once for both hosts (docs/secure-delivery.md): per link
/// (the code and verify policies) and per client address (every reader path; the code steps of all links
/// together). The local host attaches them with ASP.NET Core's rate-limiting middleware
/// (SecureRegistration); the Functions worker, which has no such middleware, through
/// <see cref="ReaderRateLimiter"/>. A rejection answers 429 with Retry-After and the bilingual page.</summary>
public static class ReaderRateLimits
{
    public const string CodePolicy = "secure-code-per-link";
    public const string VerifyPolicy = "secure-verify-per-link";

    /// <summary>The per-link partition of <paramref name="policy"/> for the link <paramref name="token"/>.</summary>
    public static RateLimitPartition<string> PerLink(string policy, string? token, SecureOptions secure)
    {
        ArgumentNullException.ThrowIfNull(secure);
        return policy switch
        {
            CodePolicy => RateLimitPartition.GetFixedWindowLimiter("code:" + TokenKey(token), _ => Window(secure.CodesPerToken, secure.RateWindow)),
            VerifyPolicy => RateLimitPartition.GetFixedWindowLimiter("verify:" + TokenKey(token), _ => Window(secure.VerificationsPerToken, secure.RateWindow)),
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "not a reader rate-limit policy"),
        };
    }

    /// <summary>The per-address limits: every reader request, and the code steps of all links together.</summary>
    public static PartitionedRateLimiter<HttpContext> PerAddress(SecureOptions secure)
    {
        ArgumentNullException.ThrowIfNull(secure);
        return PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(http => IsReader(http)
                ? RateLimitPartition.GetFixedWindowLimiter("reader:" + ClientAddress(http), _ => Window(secure.ReaderRequestsPerIpPerMinute, TimeSpan.FromMinutes(1)))
                : RateLimitPartition.GetNoLimiter("other")),
            PartitionedRateLimiter.Create<HttpContext, string>(http => IsCodeStep(http)
                ? RateLimitPartition.GetFixedWindowLimiter("codes:" + ClientAddress(http), _ => Window(secure.CodeRequestsPerIp, secure.RateWindow))
                : RateLimitPartition.GetNoLimiter("other")));
    }

    /// <summary>The answer to a refused request: 429, Retry-After when the limiter knows it, the reader's bilingual page.</summary>
    public static Task RejectAsync(HttpContext http, RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(lease);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var lang = http.Request.HasFormContentType ? null : http.Request.Query["lang"].ToString();
        return ReaderHtmlResult.TooManyRequests(lang == "en" ? "en" : "fr").ExecuteAsync(http);
    }

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = Math.Max(1, permits),
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static bool IsReader(HttpContext http) => http.Request.Path.StartsWithSegments("/secure", StringComparison.Ordinal);

    private static bool IsCodeStep(HttpContext http) =>
        IsReader(http) && HttpMethods.IsPost(http.Request.Method)
        && (http.Request.Path.Value!.EndsWith("/code", StringComparison.Ordinal) || http.Request.Path.Value!.EndsWith("/verify", StringComparison.Ordinal));

    /// <summary>The partition key of a link: a hash, so the limiter never holds link tokens in memory.</summary>
    private static string TokenKey(string? token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token ?? "")).AsSpan(0, 16));

    /// <summary>The client's address: the connection's, as the forwarded-headers step left it
    /// (Http.ForwardedClient: only configured proxies are believed, one hop; the worker trusts the
    /// Functions host on loopback). X-Forwarded-For is never read here: a client could write any address there.</summary>
    internal static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
