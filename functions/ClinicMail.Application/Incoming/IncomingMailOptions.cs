using ClinicMail.Core.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary><c>IncomingMail:*</c> — the watched mailboxes, the clinic's hours and the transports
/// (docs/incoming-mail.md, docs/configuration.md).</summary>
public sealed class IncomingMailOptions
{
    public const string Section = "IncomingMail";

    /// <summary>Watch mailboxes at all. Unset: on in Development (the drop folder), off in Production
    /// until mailboxes and Graph settings are given.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The watched mailboxes. Development with none configured watches one correspondence box
    /// at <c>Mail:SenderAddress</c> (or clinique@ the first internal domain).</summary>
    public List<MailboxSetting> Mailboxes { get; set; } = [];

    /// <summary>The clinic's name as patients know it (acknowledgement text).</summary>
    public string ClinicName { get; set; } = "";

    /// <summary>The number patients call when the delay passes or to reach the clinic.</summary>
    public string ClinicPhone { get; set; } = "";

    /// <summary>Local closing time (HH:mm): mail received later counts from the next business day.</summary>
    public string Closes { get; set; } = "17:00";

    /// <summary>GoodFriday, EasterMonday or Both.</summary>
    public EasterClosure Easter { get; set; } = EasterClosure.GoodFriday;

    /// <summary>Extra closed days (yyyy-MM-dd).</summary>
    public List<DateOnly> ExtraClosures { get; set; } = [];

    /// <summary>Acknowledge senders of <c>ClinicMail:InternalDomains</c> too (off: colleagues get no auto-reply).</summary>
    public bool AcknowledgeInternal { get; set; }

    /// <summary>A <c>not_for_patients</c> box tells one sender once per this many days.</summary>
    public int NotForPatientsPeriodDays { get; set; } = 30;

    /// <summary>Embedded default: the folder watched for .eml files. Unset: <c>{DataDirectory}/mail-inbox</c>.</summary>
    public string? DropFolder { get; set; }

    /// <summary>Attempts of one queue item before it is poisoned.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>"Database" (embedded default) or "StorageQueue" (Azure Storage Queues, production).</summary>
    public string Queue { get; set; } = "Database";

    /// <summary>StorageQueue: the connection string (Azurite in tests) — or use <see cref="QueueServiceUri"/> with managed identity.</summary>
    public string? QueueConnectionString { get; set; }

    /// <summary>StorageQueue: the queue service URI, authenticated with the managed identity.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>StorageQueue: the queue's name (the poison queue is "{name}-poison", as the Functions host names it).</summary>
    public string QueueName { get; set; } = "incoming-mail";

    /// <summary>Graph change notifications (production).</summary>
    public GraphSubscriptionSettings Graph { get; set; } = new();

    /// <summary>Run the queue worker, the drop-folder watcher and the subscription renewal in this process
    /// (the worker: false; its queue trigger and timer do it).</summary>
    public bool RunBackground { get; set; } = true;

    public bool IsEnabled(bool development) => Enabled ?? development;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ClinicPhone))
        {
            problems.Add("IncomingMail:ClinicPhone must give the number patients call when the response delay passes (env IncomingMail__ClinicPhone).");
        }

        if (!TimeOnly.TryParse(Closes, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            problems.Add("IncomingMail:Closes must be a local time such as 17:00.");
        }

        foreach (var (box, i) in Mailboxes.Select((b, i) => (b, i)))
        {
            if (Core.Registry.AddressNormalizer.Normalize(box.Address) is null)
            {
                problems.Add($"IncomingMail:Mailboxes:{i}:Address must be an e-mail address.");
            }

            if (box.ResponseDelayBusinessDays is < 0 or > 30)
            {
                problems.Add($"IncomingMail:Mailboxes:{i}:ResponseDelayBusinessDays must be from 0 to 30.");
            }
        }

        if (MaxAttempts is < 1 or > 20)
        {
            problems.Add("IncomingMail:MaxAttempts must be from 1 to 20.");
        }

        if (!string.Equals(Queue, "Database", StringComparison.OrdinalIgnoreCase) && !string.Equals(Queue, "StorageQueue", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("IncomingMail:Queue must be 'Database' or 'StorageQueue'.");
        }

        problems.AddRange(Graph.Problems());

        return problems;
    }

    public bool UsesStorageQueue => string.Equals(Queue, "StorageQueue", StringComparison.OrdinalIgnoreCase);

    public ClinicHours Hours() => new()
    {
        Closes = TimeOnly.Parse(Closes, System.Globalization.CultureInfo.InvariantCulture),
        Easter = Easter,
        ExtraClosures = ExtraClosures,
    };
}

/// <summary>One watched mailbox (<c>IncomingMail:Mailboxes:N</c>).</summary>
public sealed class MailboxSetting
{
    public string Address { get; set; } = "";

    /// <summary>Correspondence or NotForPatients.</summary>
    public MailboxMode Mode { get; set; } = MailboxMode.Correspondence;

    public int ResponseDelayBusinessDays { get; set; } = 2;

    /// <summary>The Entra object id of the physician who owns the box (their own list on the clinic page).</summary>
    public string? OwnerObjectId { get; set; }
}

/// <summary><c>IncomingMail:Graph:*</c>: the change-notification subscriptions ClinicMail keeps on each
/// watched mailbox (docs/incoming-mail.md, "Subscriptions").</summary>
public sealed class GraphSubscriptionSettings
{
    /// <summary>Graph caps a subscription to Outlook messages at 10,080 minutes (under 7 days): the
    /// lifetime asked for stays below it.</summary>
    public const int MaxLifetimeHours = 167;

    /// <summary>The public URL of <c>POST /api/v1/mail/notifications</c>. Set: Graph mode is on.</summary>
    public Uri? NotificationUrl { get; set; }

    /// <summary>The public URL of <c>POST /api/v1/mail/lifecycle</c>.</summary>
    public Uri? LifecycleNotificationUrl { get; set; }

    /// <summary>The key (base64, at least 32 bytes; a Key Vault reference in production) of the keyed hash
    /// under which each subscription's random clientState is stored. The clientState itself is never kept.</summary>
    public string ClientStateKey { get; set; } = "";

    /// <summary>Graph's base address (a test points it at a loopback server).</summary>
    public Uri BaseUri { get; set; } = new("https://graph.microsoft.com/");

    /// <summary>Subscriptions are renewed when they expire within this many hours.</summary>
    public int RenewWithinHours { get; set; } = 24;

    /// <summary>Lifetime asked for each subscription (at most <see cref="MaxLifetimeHours"/>).</summary>
    public int LifetimeHours { get; set; } = 70;

    /// <summary>How often the local host's renewal service runs (the worker's timer runs every 3 hours).</summary>
    public TimeSpan RenewEvery { get; set; } = TimeSpan.FromHours(3);

    public bool IsEnabled => NotificationUrl is not null;

    /// <summary>The key's bytes, or null when it is not base64 of at least 32 bytes.</summary>
    public byte[]? KeyBytes()
    {
        try
        {
            var bytes = Convert.FromBase64String(ClientStateKey);
            return bytes.Length >= 32 ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!IsEnabled)
        {
            return problems;
        }

        if (!Reachable(NotificationUrl))
        {
            problems.Add("IncomingMail:Graph:NotificationUrl must be an absolute https URL (env IncomingMail__Graph__NotificationUrl).");
        }

        if (!Reachable(LifecycleNotificationUrl))
        {
            problems.Add("IncomingMail:Graph:LifecycleNotificationUrl must be an absolute https URL (env IncomingMail__Graph__LifecycleNotificationUrl).");
        }

        if (KeyBytes() is null)
        {
            problems.Add("IncomingMail:Graph:ClientStateKey must be base64 of at least 32 random bytes (env IncomingMail__Graph__ClientStateKey).");
        }

        if (LifetimeHours is < 2 or > MaxLifetimeHours)
        {
            problems.Add($"IncomingMail:Graph:LifetimeHours must be from 2 to {MaxLifetimeHours} (Graph's limit for mail subscriptions).");
        }

        if (RenewWithinHours < 1 || RenewWithinHours >= LifetimeHours)
        {
            problems.Add("IncomingMail:Graph:RenewWithinHours must be at least 1 and less than IncomingMail:Graph:LifetimeHours.");
        }

        if (RenewEvery <= TimeSpan.Zero || RenewEvery >= TimeSpan.FromHours(RenewWithinHours))
        {
            problems.Add("IncomingMail:Graph:RenewEvery must be positive and shorter than IncomingMail:Graph:RenewWithinHours.");
        }

        return problems;
    }

    /// <summary>Graph calls https endpoints only; http is accepted on loopback (tests).</summary>
    private static bool Reachable(Uri? url) =>
        url is { IsAbsoluteUri: true } && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback));
}
