using ClinicMail.Core.Incoming;
using ClinicMail.Core.Registry;

namespace ClinicMail.Application.Incoming;

/// <summary>The watched mailboxes and the clinic's calendar, read once from <see cref="IncomingMailOptions"/>.</summary>
public sealed class IncomingMailbook
{
    private readonly Dictionary<string, WatchedMailbox> _boxes;
    private readonly IncomingMailOptions _options;

    public IncomingMailbook(IncomingMailOptions options, IReadOnlyList<WatchedMailbox> mailboxes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mailboxes);
        _options = options;
        _boxes = mailboxes.ToDictionary(b => b.Address, StringComparer.Ordinal);
        Calendar = new ClinicCalendar(options.Hours());
    }

    public IReadOnlyCollection<WatchedMailbox> Mailboxes => _boxes.Values;

    public ClinicCalendar Calendar { get; }

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
