using System.Net;
using ClinicMail.Application.Configuration;
using Microsoft.AspNetCore.HttpOverrides;

namespace ClinicMail.Application.Http;

/// <summary><c>ForwardedHeaders:*</c> — the proxies whose <c>X-Forwarded-For</c> is believed. Empty (the
/// local host's default): the header is ignored and the connection's own address is the client's. The
/// Functions worker lists loopback, because the Functions host is the proxy in front of it (docs/security.md).</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>IP addresses of the reverse proxies in front of the app (e.g. <c>10.0.0.4</c>).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of the reverse proxies, in CIDR form (e.g. <c>10.0.0.0/24</c>).</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>The client address every per-IP limit uses. ASP.NET Core's forwarded-headers handling with
/// only the configured proxies trusted and a forward limit of one: the last <c>X-Forwarded-For</c> entry
/// (the one the trusted proxy added) replaces the connection address, and only when the connection
/// comes from a trusted proxy. Entries a client wrote itself are never read.</summary>
public static class ForwardedClient
{
    public static IServiceCollection AddClinicMailForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new ForwardedHeadersSettings();
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        var problems = new List<string>();
        for (var i = 0; i < settings.KnownProxies.Count; i++)
        {
            if (IPAddress.TryParse(settings.KnownProxies[i], out var address))
            {
                proxies.Add(address);
            }
            else
            {
                problems.Add($"ForwardedHeaders:KnownProxies:{i} must be an IP address (env ForwardedHeaders__KnownProxies__{i}).");
            }
        }

        for (var i = 0; i < settings.KnownNetworks.Count; i++)
        {
            if (System.Net.IPNetwork.TryParse(settings.KnownNetworks[i], out var network))
            {
                networks.Add(network);
            }
            else
            {
                problems.Add($"ForwardedHeaders:KnownNetworks:{i} must be a network in CIDR form, e.g. 10.0.0.0/24 (env ForwardedHeaders__KnownNetworks__{i}).");
            }
        }

        if (problems.Count > 0)
        {
            throw new StartupConfigurationException(problems);
        }

        services.Configure<ForwardedHeadersOptions>(options => Configure(options, proxies, networks));
        return services;
    }

    /// <summary>The client's address after forwarded headers were applied (or the connection's own).</summary>
    public static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static void Configure(ForwardedHeadersOptions options, List<IPAddress> proxies, List<System.Net.IPNetwork> networks)
    {
        // ASP.NET Core believes every peer when both lists are empty: with no proxy configured, the
        // headers are not read at all.
        options.ForwardedHeaders = proxies.Count == 0 && networks.Count == 0
            ? ForwardedHeaders.None
            : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // One hop: the entry the nearest trusted proxy appended. Earlier entries are the client's own words.
        options.ForwardLimit = 1;
        // ASP.NET Core trusts loopback by default; here only what the configuration names is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(proxy);
        }

        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(network);
        }
    }
}
