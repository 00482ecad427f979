using System.Net;

namespace ClinicMail.Functions.Tests.Hardening;

/// <summary>Issue 22, item 4: the per-IP limits use the connection's address unless the connection comes
/// from a configured proxy, and then only the entry that proxy appended (forward limit 1). Real HTTP on
/// loopback (Kestrel), the peer the review used.</summary>
public sealed class ForwardedHeadersTests
{
    private const int PerIp = 5;

    [Test]
    public async Task CodeStep_RotatingForwardedForFromAnUnknownPeer_StillLimitedPerConnectionAddress()
    {
        using var factory = LoopbackFactory(new Dictionary<string, string?>());
        using var client = factory.CreateClient();

        var statuses = await PostCodesAsync(client, i => $"198.51.100.{i}");

        Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(statuses.Count - PerIp),
            "a client-written X-Forwarded-For must not open a new per-IP window");
    }

    [Test]
    public async Task CodeStep_TrustedProxy_UsesOnlyTheEntryTheProxyAppended()
    {
        using var factory = LoopbackFactory(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });
        using var client = factory.CreateClient();

        // The client rotates the first entry; the proxy appends the one address it saw: one window.
        var spoofed = await PostCodesAsync(client, i => $"198.51.100.{i}, 203.0.113.7");
        Assert.That(spoofed.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(spoofed.Count - PerIp));

        // Distinct clients behind the proxy each get their own window.
        var distinct = await PostCodesAsync(client, i => $"203.0.113.{100 + i}");
        Assert.That(distinct, Has.None.EqualTo(HttpStatusCode.TooManyRequests));
    }

    private static ClinicMailFactory LoopbackFactory(Dictionary<string, string?> extra)
    {
        extra["Secure:CodeRequestsPerIp"] = PerIp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        extra["Secure:CodesPerToken"] = "100";
        extra["Secure:ReaderRequestsPerIpPerMinute"] = "10000";
        extra["Secure:BackgroundPurge"] = "false";
        var factory = new ClinicMailFactory(extra);
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    /// <summary>Twelve code requests, each for another (unknown) link so only the per-IP limit can refuse them.</summary>
    private static async Task<List<HttpStatusCode>> PostCodesAsync(HttpClient client, Func<int, string> forwardedFor)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/secure/{Guid.NewGuid():N}{Guid.NewGuid():N}/code")
            {
                Content = new FormUrlEncodedContent([new("lang", "en")]),
            };
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor(i));
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }
}
