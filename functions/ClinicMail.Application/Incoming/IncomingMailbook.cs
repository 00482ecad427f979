using ClinicMail.Core.Incoming;
using ClinicMail.Core.Registry;

namespace ClinicMail.Application.Incoming;

/// <summary>The watched mailboxes and the clinic's calendar, read once from <see cref="IncomingMailOptions"/>.</summary>
public sealed class IncomingMailbook
{
    private readonly Dictionary<string, WatchedMailbox> _boxes;
    private readonly IncomingMailOptions _options;

    public IncomingMailbook(IncomingMailOptions options, IReadOnlyList<WatchedMailbox> mailboxes, string timeZone = "America/Toronto", IReadOnlyCollection<string>? internalDomains = null)
    {
        Zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        InternalDomains = [.. (internalDomains ?? []).Select(d => d.Trim().TrimStart('@').ToLowerInvariant())];
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mailboxes);
        _options = options;
        _boxes = mailboxes.ToDictionary(b => b.Address, StringComparer.Ordinal);
        Calendar = new ClinicCalendar(options.Hours());
    }

    public IReadOnlyCollection<WatchedMailbox> Mailboxes => _boxes.Values;

    public ClinicCalendar Calendar { get; }

    /// <summary>The clinic's time zone (<c>ClinicMail:TimeZone</c>): deadlines and "today".</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary><c>ClinicMail:InternalDomains</c>: senders not acknowledged unless configured.</summary>
    public IReadOnlyList<string> InternalDomains { get; }

    /// <summary>The boxes a physician (by Entra object id) owns.</summary>
    public IReadOnlyList<string> OwnedBy(string objectId) =>
        [.. _boxes.Values.Where(b => string.Equals(b.OwnerObjectId, objectId, StringComparison.OrdinalIgnoreCase)).Select(b => b.Address)];

    public bool AcknowledgeInternal => _options.AcknowledgeInternal;

    public int NotForPatientsPeriodDays => _options.NotForPatientsPeriodDays;

    public string ClinicPhone => _options.ClinicPhone;

    public IncomingMailOptions Options => _options;

    /// <summary>The clinic's name, or « la clinique » / "the clinic" when none is configured.</summary>
    public string ClinicName(string language) =>
        !string.IsNullOrWhiteSpace(_options.ClinicName) ? _options.ClinicName : language == "en" ? "the clinic" : "la clinique";

    public WatchedMailbox? Find(string? address) =>
        address is not null && AddressNormalizer.Normalize(address) is { } normalized && _boxes.TryGetValue(normalized, out var box) ? box : null;
}
