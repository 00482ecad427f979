using System.ComponentModel.DataAnnotations;

namespace ClinicMail.Application.Configuration;

/// <summary><c>ClinicMail:*</c> — what mode the app runs in and what organisation it serves.</summary>
public sealed class ClinicMailOptions
{
    public const string Section = "ClinicMail";

    /// <summary>Development (embedded defaults, local issuer, local key file) or Production. There is
    /// no default: the embedded run sets Development explicitly, so a forgotten setting cannot turn
    /// the development issuer on in production.</summary>
    [Required]
    public string Mode { get; set; } = "";

    /// <summary>The organisation's own domains (its ".med" tenant): recipients there are internal.</summary>
    public List<string> InternalDomains { get; set; } = [];

    /// <summary>Where the embedded default keeps its SQLite file and local keys.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>The URL the app is reached at (links, development issuer).</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:7071";

    /// <summary>The folder of the built add-in served at the web root (task pane, launch event, sandbox).</summary>
    public string? AddinDirectory { get; set; }

    /// <summary>The clinic's time zone (IANA id): consent expiry is evaluated on the clinic's date.</summary>
    public string TimeZone { get; set; } = "America/Toronto";

    /// <summary>Development only: seed the fictional demo registry (docs/demo-registry.md) when the database is created.</summary>
    public bool SeedDemoRegistry { get; set; } = true;

    /// <summary>Run the check path once and load the identity metadata in the background at start-up
    /// (Hosting.StartupWarmUp), so a cold instance's first Send is not the slow one.</summary>
    public bool WarmUp { get; set; } = true;

    public bool IsDevelopment => string.Equals(Mode, "Development", StringComparison.OrdinalIgnoreCase);

    public bool IsProduction => string.Equals(Mode, "Production", StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>Limits:*</c> — explicit size and count limits (docs/api.md). Each is answered with a
/// 413 or 400 ProblemDetails that names it.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Largest request body of <c>POST /api/v1/check</c>, in bytes.</summary>
    public long MaxCheckRequestBytes { get; set; } = 1_048_576;

    /// <summary>Longest draft body, in characters (HTML included).</summary>
    public int MaxBodyChars { get; set; } = 500_000;

    public int MaxSubjectChars { get; set; } = 1_000;

    /// <summary>Most recipients over To, Cc and Bcc together (Exchange Online's default per message is 500).</summary>
    public int MaxRecipients { get; set; } = 500;

    public int MaxAttachments { get; set; } = 100;

    /// <summary>Largest body of <c>POST /api/v1/registry/import</c> (a CSV export), in bytes: 64 MiB
    /// is about 400,000 rows; larger registries are imported with the CLI.</summary>
    public long MaxImportRequestBytes { get; set; } = 64L * 1024 * 1024;

    public int MaxAddressChars { get; set; } = 320;

    public int MaxJustificationChars { get; set; } = 2_000;

    /// <summary>How long after a check an override of it is accepted.</summary>
    public TimeSpan OverrideWindow { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Largest request body of <c>POST /api/v1/secure-messages</c>, in bytes: the total
    /// attachment size in base64 (4/3) plus the body and some room for JSON.</summary>
    public long MaxSecureRequestBytes { get; set; } = 36 * 1_048_576;

    /// <summary>Longest secure-message body, in characters (HTML included).</summary>
    public int MaxSecureBodyChars { get; set; } = 1_000_000;

    /// <summary>Most attachments on one secure message.</summary>
    public int MaxSecureAttachments { get; set; } = 10;

    /// <summary>Largest single attachment of a secure message, in bytes (decoded).</summary>
    public long MaxSecureAttachmentBytes { get; set; } = 10 * 1_048_576;

    /// <summary>Largest total of a secure message's attachments, in bytes (decoded).</summary>
    public long MaxSecureTotalBytes { get; set; } = 25 * 1_048_576;

    /// <summary>Most recipients of one secure message (each gets their own link).</summary>
    public int MaxSecureRecipients { get; set; } = 50;

    /// <summary>Longest patient reply, in characters.</summary>
    public int MaxSecureReplyChars { get; set; } = 20_000;
}
