using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;

namespace ClinicMail.Infrastructure.Telemetry;

/// <summary>Runs before every exporter: a secure link's token is a bearer secret, so any span name
/// or tag holding a <c>/secure/{token}</c> path has the token replaced, and query strings (which
/// may hold codes) are dropped.</summary>
public sealed partial class SecretPathScrubber : BaseProcessor<Activity>
{
    public const string Placeholder = "/secure/{token}";

    private static readonly HashSet<string> QueryTags = new(StringComparer.Ordinal) { "url.query", "http.query" };

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.DisplayName = Scrub(data.DisplayName);
        foreach (var (key, value) in data.TagObjects.ToArray())
        {
            if (QueryTags.Contains(key))
            {
                data.SetTag(key, null);
            }
            else if (value is string text && text.Contains("/secure/", StringComparison.OrdinalIgnoreCase))
            {
                data.SetTag(key, Scrub(text));
            }
        }
    }

    /// <summary>The consent page's link (<c>/secure/consent/{token}</c>), scrubbed the same way.</summary>
    public const string ConsentPlaceholder = "/secure/consent/{token}";

    /// <summary>The text with every secure-link and consent-link token replaced.</summary>
    public static string Scrub(string text) =>
        text.Contains("/secure/", StringComparison.OrdinalIgnoreCase)
            ? SecurePath().Replace(text, m => m.Groups["consent"].Success ? ConsentPlaceholder : Placeholder)
            : text;

    // The consent page's token is the segment after "consent/"; a placeholder already there is left alone.
    [GeneratedRegex(@"/secure/(?:(?<consent>consent/)(?!\{token\})[^/?#\s""]+|(?!consent/)(?!\{token\})[^/?#\s""]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecurePath();
}
