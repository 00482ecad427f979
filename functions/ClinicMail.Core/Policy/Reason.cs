using ClinicMail.Core.Localization;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Policy;

/// <summary>One reason behind the decision, with its stable code, what it does, whether a
/// physician may override it with a justification, and a message in French and English.</summary>
public sealed record Reason
{
    public required ReasonCode Code { get; init; }

    public required Severity Severity { get; init; }

    public required bool Overridable { get; init; }

    public required LocalizedText Message { get; init; }

    /// <summary>The recipient addresses this reason is about (empty when it concerns the whole draft).</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>Registry ids of the patients concerned.</summary>
    public IReadOnlyList<string> PatientIds { get; init; } = [];

    /// <summary>The categories concerned, for topic reasons.</summary>
    public IReadOnlyList<TopicCategory> Categories { get; init; } = [];
}

/// <summary>A change the add-in can apply in one click.</summary>
public enum FixKind
{
    /// <summary>Move these addresses from To/Cc to Bcc.</summary>
    MoveToBcc,
    /// <summary>Replace a look-alike address by the registered one.</summary>
    ReplaceAddress,
    /// <summary>Send the content as a ClinicMail secure message; the mail carries only a notice.</summary>
    SendSecurely,
    /// <summary>Remove a recipient who may not receive this message.</summary>
    RemoveRecipient,
}

public sealed record Fix
{
    public required FixKind Kind { get; init; }

    public required LocalizedText Label { get; init; }

    /// <summary>The addresses the fix acts on.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>For <see cref="FixKind.ReplaceAddress"/>: the registered address to use instead.</summary>
    public string? Replacement { get; init; }

    /// <summary>The reason codes this fix resolves.</summary>
    public IReadOnlyList<ReasonCode> Resolves { get; init; } = [];
}

public enum EtiquetteCode
{
    /// <summary>« Spécifier toujours l'objet de son message ».</summary>
    MissingSubject,
    /// <summary>« Toujours débuter par une salutation ».</summary>
    NoGreeting,
    /// <summary>« Terminer avec une formule de politesse appropriée ».</summary>
    NoClosing,
    /// <summary>« Programmer une signature professionnelle automatique : Prénom Nom, M.D.; Titre de spécialiste; Numéro de téléphone professionnel ».</summary>
    NoSignature,
    /// <summary>« Adresser ses courriels de préférence à un seul destinataire ».</summary>
    SeveralRecipients,
}

/// <summary>A form warning. Etiquette never blocks and never changes the decision.</summary>
public sealed record EtiquetteWarning(EtiquetteCode Code, LocalizedText Message, IReadOnlyList<string>? Missing = null);
