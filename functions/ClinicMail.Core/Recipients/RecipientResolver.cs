using ClinicMail.Core.Drafts;
using ClinicMail.Core.Registry;

namespace ClinicMail.Core.Recipients;

/// <summary>Classifies every recipient of a draft: internal or external, registered patient or
/// not, consent and address kind, restriction, and near misses of registered addresses.</summary>
public sealed class RecipientResolver
{
    public static RecipientResolver Default { get; } = new();

    /// <param name="draft">The draft whose To, Cc and Bcc are resolved, in that order.</param>
    /// <param name="directory">The registry; null means no registry (every external recipient is unknown).</param>
    /// <param name="internalDomains">The organisation's own domains (exact or parent-domain match).</param>
    /// <param name="today">For consent expiry.</param>
    /// <param name="cancellationToken">Cancels the registry look-ups.</param>
    public Task<IReadOnlyList<RecipientReport>> ResolveAsync(
        Draft draft,
        IPatientDirectory? directory,
        IReadOnlyCollection<string> internalDomains,
        DateOnly today,
        CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("recipient resolution: in progress");
}
