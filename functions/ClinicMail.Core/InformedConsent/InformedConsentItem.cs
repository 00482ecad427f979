using ClinicMail.Core.Localization;

namespace ClinicMail.Core.InformedConsent;

/// <summary>What the physician must explain before the first exchange — the guide's list in
/// « Les règles concernant le consentement éclairé à la communication électronique », one value
/// per bullet, in the guide's order. A verbal consent is recorded only with every item ticked
/// (the guide's « note au dossier témoignant des explications données au patient »).</summary>
public enum InformedConsentItem
{
    /// <summary>« Informer le patient de l'utilisation souhaitée des communications électroniques ».</summary>
    IntendedUses,

    /// <summary>« Préciser si les communications par textos sont autorisées (le cas échéant, informer le patient des règles particulières applicables) ».</summary>
    Texting,

    /// <summary>« Informer le patient des risques encourus (selon le type de messagerie utilisée) ».</summary>
    Risks,

    /// <summary>« Informer le patient de la procédure utilisée, incluant les aspects techniques, le rôle des personnes impliquées et les délais de réponse ».</summary>
    Procedure,

    /// <summary>« Informer le patient des personnes qui auront accès au contenu des communications électroniques ».</summary>
    WhoHasAccess,

    /// <summary>« Informer le patient de la conservation au dossier médical de tous les échanges entrants et sortants ».</summary>
    KeptInRecord,

    /// <summary>« Informer le patient de ses attentes quant aux types de contenus à échanger par voie électronique ».</summary>
    ExpectedContent,
}

/// <summary>The checklist's labels as the clinic page and the record note show them.</summary>
public static class InformedConsentItems
{
    /// <summary>Every item, in the guide's order.</summary>
    public static IReadOnlyList<InformedConsentItem> All { get; } = Enum.GetValues<InformedConsentItem>();

    public static LocalizedText Label(InformedConsentItem item) => item switch
    {
        InformedConsentItem.IntendedUses => new("Les utilisations souhaitées du courriel", "The intended uses of e-mail"),
        InformedConsentItem.Texting => new("Si les textos sont autorisés, et leurs règles", "Whether texting is allowed, and its rules"),
        InformedConsentItem.Risks => new("Les risques selon la messagerie utilisée", "The risks of the messaging used"),
        InformedConsentItem.Procedure => new("La procédure : aspects techniques, qui fait quoi, délais de réponse", "The procedure: technical aspects, who does what, response delays"),
        InformedConsentItem.WhoHasAccess => new("Qui aura accès aux messages", "Who will have access to the messages"),
        InformedConsentItem.KeptInRecord => new("La conservation au dossier de tous les échanges", "That every exchange is kept in the medical record"),
        InformedConsentItem.ExpectedContent => new("Les contenus attendus par courriel", "The content expected by e-mail"),
        _ => throw new ArgumentOutOfRangeException(nameof(item)),
    };

    /// <summary>The items of <see cref="All"/> missing from <paramref name="ticked"/>, in order.</summary>
    public static IReadOnlyList<InformedConsentItem> Missing(IEnumerable<InformedConsentItem> ticked)
    {
        var set = ticked.ToHashSet();
        return [.. All.Where(item => !set.Contains(item))];
    }
}
