using System.Threading.RateLimiting;
using ClinicMail.Application.Configuration;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Secure;

/// <summary>The reader's rate limits for a host without ASP.NET Core's rate-limiting middleware (the Functions
/// worker): the same partitions as the local host (<see cref="ReaderRateLimits"/>), held for the life of the
/// process so the windows count across invocations.</summary>
public sealed class ReaderRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _perAddress;
    private readonly Dictionary<string, PartitionedRateLimiter<string>> _perLink;

    public ReaderRateLimiter(IOptions<SecureOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var secure = options.Value;
        _perAddress = ReaderRateLimits.PerAddress(secure);
        _perLink = new Dictionary<string, PartitionedRateLimiter<string>>(StringComparer.Ordinal)
        {
            [ReaderRateLimits.CodePolicy] = PartitionedRateLimiter.Create<string, string>(token => ReaderRateLimits.PerLink(ReaderRateLimits.CodePolicy, token, secure)),
            [ReaderRateLimits.VerifyPolicy] = PartitionedRateLimiter.Create<string, string>(token => ReaderRateLimits.PerLink(ReaderRateLimits.VerifyPolicy, token, secure)),
        };
    }

    /// <summary>Admits the request or answers it with 429. As on the local host, the per-address limits
    /// are counted first and the link's policy (<paramref name="policy"/>, for <paramref name="token"/>) second.</summary>
    /// <returns>False when the request was refused and answered.</returns>
    public async Task<bool> AdmitAsync(HttpContext http, string? policy, string? token)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var address = _perAddress.AttemptAcquire(http);
        if (!address.IsAcquired)
        {
            await ReaderRateLimits.RejectAsync(http, address).ConfigureAwait(false);
            return false;
        }

        if (policy is null)
        {
            return true;
        }

        using var link = _perLink[policy].AttemptAcquire(token ?? "");
        if (!link.IsAcquired)
        {
            await ReaderRateLimits.RejectAsync(http, link).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    public void Dispose()
    {
        _perAddress.Dispose();
        foreach (var limiter in _perLink.Values)
        {
            limiter.Dispose();
        }
    }
}
