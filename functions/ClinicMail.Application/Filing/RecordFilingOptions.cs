namespace ClinicMail.Application.Filing;

/// <summary><c>RecordFiling:*</c> — where exchanges are filed and how the outbox delivers them
/// (docs/record-filing.md, docs/configuration.md).</summary>
public sealed class RecordFilingOptions
{
    public const string Section = "RecordFiling";

    /// <summary>False: nothing is observed or delivered (the secure-message trigger still records rows).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Comma-separated destination kinds: <c>local</c>, <c>blob</c>, <c>fhir</c>. Unset: <c>local</c> in
    /// Development; in Production nothing is delivered until the deployment names one (the Bicep sets <c>blob</c>).</summary>
    public string Destinations { get; set; } = "";

    /// <summary>The embedded destination's folder; default <c>{DataDirectory}/record-filing</c>.</summary>
    public string? Folder { get; set; }

    /// <summary>The embedded sent-mail drop folder watched for .eml files; default <c>{DataDirectory}/mail-sent</c>.</summary>
    public string? MailSentFolder { get; set; }

    /// <summary>Watch <see cref="MailSentFolder"/> (embedded default; production reads Sent Items through Graph).</summary>
    public bool WatchMailSent { get; set; } = true;

    /// <summary>The FHIR identifier system of the clinic's patient ids (the EMR's).</summary>
    public string PatientIdSystem { get; set; } = "urn:clinicmail:clinic-patient-id";

    /// <summary>Deliver in a background service (local host). The Functions worker sets this false and runs its timer.</summary>
    public bool BackgroundDelivery { get; set; } = true;

    /// <summary>How often the background worker looks for due rows when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows one worker claims at once.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>Attempts before a row fails for good (visible on the clinic page and in /api/ready).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry's delay; each next one doubles, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A claimed row is another worker's again after this long (its worker died).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Pending rows older than this make /api/ready report "degraded".</summary>
    public TimeSpan PendingAlarm { get; set; } = TimeSpan.FromMinutes(15);

    public BlobFilingOptions Blob { get; set; } = new();

    public FhirFilingOptions Fhir { get; set; } = new();

    public GraphFilingOptions Graph { get; set; } = new();

    /// <summary>The destination kinds in force (see <see cref="Destinations"/>).</summary>
    public IReadOnlyList<string> DestinationKindsFor(bool production)
    {
        var named = Destinations.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => d.ToLowerInvariant()).Distinct().ToList();
        return named.Count > 0 || production ? named : ["local"];
    }
}

/// <summary><c>RecordFiling:Blob:*</c> — the production destination.</summary>
public sealed class BlobFilingOptions
{
    /// <summary>The account's blob endpoint (managed identity), e.g. https://account.blob.core.windows.net.</summary>
    public string? ServiceUri { get; set; }

    /// <summary>A connection string instead (Azurite in tests; never in production).</summary>
    public string? ConnectionString { get; set; }

    public string Container { get; set; } = "record-filing";

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }
}

/// <summary><c>RecordFiling:Fhir:*</c> — an EMR's FHIR endpoint (optional).</summary>
public sealed class FhirFilingOptions
{
    /// <summary>The FHIR base URL; the transaction Bundle is POSTed to it.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The bearer token (a Key Vault reference in production settings; never logged).</summary>
    public string? BearerToken { get; set; }

    /// <summary>Mutual TLS: the client certificate with its private key, base64 PKCS#12 (a Key Vault
    /// certificate reference in production settings gives exactly this; never logged).</summary>
    public string? ClientCertificate { get; set; }

    /// <summary>The PKCS#12's password, when it has one.</summary>
    public string? ClientCertificatePassword { get; set; }
}

/// <summary><c>RecordFiling:Graph:*</c> — production's mailbox side of filing: Sent Items read through a
/// Graph delta sweep, and the "Filed to record" category set on filed items.</summary>
public sealed class GraphFilingOptions
{
    /// <summary>Read Sent Items and set categories through Graph (the managed identity of <c>Mail:ManagedIdentityClientId</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>Graph's base URL (a national cloud, or a local Graph-shaped server in tests).</summary>
    public Uri BaseUri { get; set; } = new("https://graph.microsoft.com/");

    /// <summary>The mailboxes whose Sent Items are swept; empty: the addresses of <c>IncomingMail:Mailboxes</c>.</summary>
    public List<string> Mailboxes { get; set; } = [];

    /// <summary>The local host's sweep interval (the worker's timer runs every five minutes).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A mailbox's first sweep reads mail sent this long ago at most (its history is not filed retroactively).</summary>
    public TimeSpan InitialLookback { get; set; } = TimeSpan.FromDays(1);
}
