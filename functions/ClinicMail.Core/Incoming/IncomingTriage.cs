using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Incoming;

/// <summary>Who wrote, as the registry knows them (CMQ guide: consent before any exchange; personal,
/// not third-party, addresses). JSON/audit codes are the snake_case names; they are a contract.</summary>
public enum SenderClass
{
    /// <summary>A patient writing from their registered personal address, with a usable e-mail consent.</summary>
    PatientWithConsent,
    /// <summary>A patient at a registered personal address without (or with a refused, revoked or expired) e-mail consent.</summary>
    PatientWithoutConsent,
    /// <summary>No patient is registered under the address.</summary>
    Unknown,
    /// <summary>The address is registered, but as a third-party one (employer, shared family box).</summary>
    ThirdPartyAddress,
}

/// <summary>What triage found. Ids, flags and categories only: safe for the audit log.</summary>
public sealed record TriageResult
{
    public required SenderClass Sender { get; init; }

    /// <summary>The matched patient, when exactly one patient owns the address.</summary>
    public string? PatientId { get; init; }

    /// <summary>"fr" or "en": the patient's registered language, else the message's.</summary>
    public required string Language { get; init; }

    /// <summary>The text names an urgent symptom: the acknowledgement leads with the urgent guidance
    /// and the message is marked urgent in the mailbox.</summary>
    public required bool Urgent { get; init; }

    /// <summary>Sensitive categories the text touches (CMQ list), noted for whoever answers.</summary>
    public required IReadOnlyList<TopicCategory> SensitiveTopics { get; init; }

    /// <summary>Identifier kinds found (health insurance number, birth date…).</summary>
    public required IReadOnlyList<IdentifierKind> Identifiers { get; init; }

    public static string Code(SenderClass sender) => sender switch
    {
        SenderClass.PatientWithConsent => "patient_with_consent",
        SenderClass.PatientWithoutConsent => "patient_without_consent",
        SenderClass.ThirdPartyAddress => "third_party_address",
        _ => "unknown",
    };
}

/// <summary>The triage procedure the guide requires (« Mettre en place une procédure de triage des
/// courriels reçus afin d'assurer un délai adéquat de réponse »). Pure: the registry answer is passed in.</summary>
public static class IncomingTriage
{
    /// <param name="message">The received message.</param>
    /// <param name="matches">The registry's patients under the sender's address (empty: unknown).</param>
    /// <param name="today">The clinic's date, for consent expiry.</param>
    public static TriageResult Triage(IncomingMessage message, IReadOnlyList<DirectoryMatch> matches, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(matches);
        var (sender, patient) = Classify(matches, today);
        var text = CheckedText.FromParts(message.Subject, message.Body);
        var topics = TopicDetector.Default.Analyze(text).Topics
            .Where(t => !t.QuotedOnly).Select(t => t.Category).Distinct().Order().ToList();
        var identifiers = IdentifierDetector.Default.Detect(text).Select(i => i.Kind).Distinct().Order().ToList();
        return new TriageResult
        {
            Sender = sender,
            PatientId = patient?.Id,
            Language = patient is not null ? (patient.Language == "en" ? "en" : "fr") : MessageLanguage.Of(message),
            Urgent = UrgentPhrases.Any(message.Subject + "\n" + message.Body),
            SensitiveTopics = topics,
            Identifiers = identifiers,
        };
    }

    private static (SenderClass, Patient?) Classify(IReadOnlyList<DirectoryMatch> matches, DateOnly today)
    {
        var personal = matches.Where(m => !m.Address.IsThirdParty).Select(m => m.Patient).DistinctBy(p => p.Id).ToList();
        if (personal.Count == 0)
        {
            return (matches.Count == 0 ? SenderClass.Unknown : SenderClass.ThirdPartyAddress, null);
        }

        // A personal address belongs to one person; two owners is a registry error, so no answer is
        // promised on a consent that may be the other person's.
        if (personal.Count > 1)
        {
            return (SenderClass.PatientWithoutConsent, null);
        }

        var patient = personal[0];
        var consented = patient.Consent?.CoversEmailOn(today) == true && patient.Restriction is null;
        return (consented ? SenderClass.PatientWithConsent : SenderClass.PatientWithoutConsent, patient);
    }
}

/// <summary>The language to answer a sender the registry does not know: the message's
/// <c>Content-Language</c>, else a count of common French and English words. French when unsure
/// (Charte de la langue française).</summary>
public static class MessageLanguage
{
    private static readonly HashSet<string> French = new(StringComparer.Ordinal)
    {
        "je", "j", "le", "la", "les", "des", "est", "et", "pour", "avec", "mon", "ma", "mes", "vous", "bonjour", "merci", "docteur", "une", "un", "pas", "que", "qui", "rendez", "suis",
    };

    private static readonly HashSet<string> English = new(StringComparer.Ordinal)
    {
        "i", "the", "and", "is", "for", "with", "my", "you", "hello", "hi", "thank", "thanks", "doctor", "a", "an", "not", "that", "appointment", "am", "have", "of", "to",
    };

    public static string Of(IncomingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Header("Content-Language") is { } declared)
        {
            var primary = declared.Split(',')[0].Trim().ToLowerInvariant();
            if (primary.StartsWith("en", StringComparison.Ordinal))
            {
                return "en";
            }

            if (primary.StartsWith("fr", StringComparison.Ordinal))
            {
                return "fr";
            }
        }

        var words = Content.FoldedText.Fold(message.Subject + " " + message.Body).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var fr = words.Count(French.Contains);
        var en = words.Count(English.Contains);
        return en > fr ? "en" : "fr";
    }
}
