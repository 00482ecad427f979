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

    /// <summary>True when the text looked clinical (results, medication, symptoms) even if nothing sensitive was found.</summary>
    public bool Clinical { get; init; }
}
