using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Checking;

public enum Decision
{
    Allow,
    Warn,
    Block,
}

public enum SecureDelivery
{
    NotNeeded,
    Recommended,
    Required,
}

/// <summary>The answer to « may this draft leave, to these recipients, as it is? ».</summary>
public sealed record CheckResult
{
    public required Decision Decision { get; init; }

    public required SecureDelivery SecureDelivery { get; init; }

    public required IReadOnlyList<TopicFinding> Topics { get; init; }

    public required IReadOnlyList<IdentifierFinding> Identifiers { get; init; }

    public required IReadOnlyList<RecipientReport> Recipients { get; init; }

    public required IReadOnlyList<Reason> Reasons { get; init; }

    public required IReadOnlyList<Fix> Fixes { get; init; }

    public required IReadOnlyList<EtiquetteWarning> Etiquette { get; init; }

    /// <summary>True when the text looked clinical (results, medication, symptoms) even if nothing sensitive was
    /// found — general health advice and the guide's emergency redirection excepted.</summary>
    public bool Clinical { get; init; }

    /// <summary>The uses of e-mail the draft falls under (appointments, general advice, results…).</summary>
    public IReadOnlyList<Registry.ConsentUse> Uses { get; init; } = [];

    /// <summary>Each attachment: whether its text was read, and why not.</summary>
    public IReadOnlyList<AttachmentReport> Attachments { get; init; } = [];
}

/// <summary>What the check could read of one attachment (never its text).</summary>
public sealed record AttachmentReport(string Name, bool Read, Attachments.UnreadableReason? Unreadable, int Pages);

/// <summary>Where the sender's mailbox is, for NON_PROFESSIONAL_SENDER.</summary>
public enum SenderScope
{
    /// <summary>No sender given (the add-in always sends one).</summary>
    Unknown,
    /// <summary>The organisation's or the public health network's domain.</summary>
    Network,
    /// <summary>A consumer mailbox (Gmail, Hotmail…).</summary>
    Consumer,
    /// <summary>Any other address outside the network.</summary>
    Outside,
}
