namespace ClinicMail.Application.Configuration;

/// <summary><c>Secure:*</c> — secure-message lifetimes, one-time codes, reader session and rate
/// limits (docs/secure-delivery.md). Defaults follow issue 6: 30-day expiry (90 at most), 15-minute
/// codes, 5 attempts, 15-minute sessions.</summary>
public sealed class SecureOptions
{
    public const string Section = "Secure";

    /// <summary>The setting that holds the one-time code key (<see cref="CodeKey"/>).</summary>
    public const string CodeKeySetting = "Secure:CodeKey";

    public int DefaultExpiryDays { get; set; } = 30;

    /// <summary>The documented maximum: a message never lives longer than this after its creation.</summary>
    public int MaxExpiryDays { get; set; } = 90;

    /// <summary>How recent the check a secure message follows must be.</summary>
    public TimeSpan CheckWindow { get; set; } = TimeSpan.FromHours(2);

    public int CodeDigits { get; set; } = 6;

    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Wrong codes before the link locks.</summary>
    public int MaxCodeAttempts { get; set; } = 5;

    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The fixed window of the rate limits below.</summary>
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Codes one link may ask for per window.</summary>
    public int CodesPerToken { get; set; } = 3;

    /// <summary>Code checks one link may make per window (the attempt limit locks sooner).</summary>
    public int VerificationsPerToken { get; set; } = 10;

    /// <summary>Code requests and checks one client address may make per window, all links together.</summary>
    public int CodeRequestsPerIp { get; set; } = 30;

    /// <summary>Reader requests (pages, downloads) one client address may make per minute.</summary>
    public int ReaderRequestsPerIpPerMinute { get; set; } = 120;

    /// <summary>Standalone runs purge expired messages on this interval (Azure: the timer function).</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>False disables the standalone background purge (the timer function still works).</summary>
    public bool BackgroundPurge { get; set; } = true;

    /// <summary>Where reply notifications go when the physician's token names no mailbox
    /// (<c>preferred_username</c>, <c>upn</c> or <c>email</c>); empty: no notification.</summary>
    public string? NotifyFallbackAddress { get; set; }

    /// <summary>The server secret of the one-time code HMAC, base64 (at least 32 bytes); production: a Key
    /// Vault reference, required (every instance must check the codes the others send). Empty in development:
    /// an owner-only file in the data folder (Secure.OneTimeCodeKeyRegistration).</summary>
    public string? CodeKey { get; set; }

    /// <summary>Whether a configured key is base64 of at least 32 bytes (checked at startup by the Secure:* validator).</summary>
    public static bool IsValidCodeKey(string? value)
    {
        var buffer = new byte[((value?.Length ?? 0) * 3 / 4) + 3];
        return Convert.TryFromBase64String(value ?? "", buffer, out var written) && written >= 32;
    }
}

/// <summary><c>Mail:*</c> — how ClinicMail sends codes and notices.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>Pickup (embedded default: .eml files) or Graph (production).</summary>
    public string Provider { get; set; } = "";

    /// <summary>Pickup folder; default <c>{DataDirectory}/mail-pickup</c>.</summary>
    public string? PickupDirectory { get; set; }

    /// <summary>The mailbox codes and notices are sent from (Graph: the user whose sendMail is called).</summary>
    public string? SenderAddress { get; set; }

    /// <summary>Client id of a user-assigned managed identity for Graph; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public bool IsGraph => string.Equals(Provider, "Graph", StringComparison.OrdinalIgnoreCase);
}
