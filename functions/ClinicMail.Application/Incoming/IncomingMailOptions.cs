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

/// <summary><c>IncomingMail:Graph:*</c>.</summary>
public sealed class GraphSubscriptionSettings
{
    /// <summary>The public URL of <c>POST /api/v1/mail/notifications</c>.</summary>
    public Uri? NotificationUrl { get; set; }

    /// <summary>The public URL of <c>POST /api/v1/mail/lifecycle</c>.</summary>
    public Uri? LifecycleNotificationUrl { get; set; }

    /// <summary>The secret Graph echoes in every notification (from Key Vault in production; never logged).</summary>
    public string ClientState { get; set; } = "";

    /// <summary>Graph's base address (a test points it at a loopback server).</summary>
    public Uri BaseUri { get; set; } = new("https://graph.microsoft.com/");

    /// <summary>Subscriptions are renewed when they expire within this many hours.</summary>
    public int RenewWithinHours { get; set; } = 24;

    /// <summary>Lifetime asked for each subscription (Graph caps mail subscriptions just under 7 days).</summary>
    public int LifetimeHours { get; set; } = 70;
}
