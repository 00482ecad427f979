using ClinicMail.Core.Registry;

namespace ClinicMail.Core.Recipients;

/// <summary>Turns a consent record into the state the policy reads. « Obtenir un consentement
/// éclairé à l'échange de courriels et de textos est une étape » that comes first: anything but a
/// granted, unexpired e-mail consent is reported as a reason not to write.</summary>
internal static class ConsentSummaries
{
    public const string Granted = "granted";
    public const string Refused = "refused";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
    public const string None = "none";
    public const string NoEmail = "no_email";

    public static ConsentSummary For(Consent? consent, DateOnly today)
    {
        if (consent is null)
        {
            return new ConsentSummary { State = None };
        }

        var state = consent.Status switch
        {
            ConsentStatus.Refused => Refused,
            ConsentStatus.Revoked => Revoked,
            ConsentStatus.Granted when !consent.Email => NoEmail,
            ConsentStatus.Granted when consent.ExpiresOn is { } expires && expires < today => Expired,
            ConsentStatus.Granted => Granted,
        };

        return new ConsentSummary
        {
            State = state,
            Method = consent.Method,
            Uses = consent.Uses,
            Categories = consent.Categories,
        };
    }

    /// <summary>One summary for several patients behind one address: the first state that is not
    /// "granted" wins, and the uses and categories are those every patient agreed to.</summary>
    public static ConsentSummary Combine(IReadOnlyList<ConsentSummary> summaries)
    {
        if (summaries.Count == 1)
        {
            return summaries[0];
        }

        var first = summaries[0];
        var strictest = summaries.FirstOrDefault(s => !string.Equals(s.State, Granted, StringComparison.Ordinal)) ?? first;
        var uses = first.Uses.Where(u => summaries.All(s => s.Uses.Contains(u))).ToList();
        var categories = first.Categories.Where(c => summaries.All(s => s.Categories.Contains(c))).ToList();
        return new ConsentSummary
        {
            State = strictest.State,
            Method = strictest.Method,
            Uses = uses,
            Categories = categories,
        };
    }
}
