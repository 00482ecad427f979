using ClinicMail.Core.Drafts;
using ClinicMail.Core.Registry;

namespace ClinicMail.Core.Recipients;

/// <summary>Classifies every recipient of a draft: internal or external, registered patient or
/// not, consent and address kind, restriction, and near misses of registered addresses.</summary>
/// <remarks>Stateless and thread-safe (one instance serves every request). Fails closed: an
/// address we cannot parse is <see cref="RecipientStatus.Invalid"/>, never "internal", and a
/// patient with any doubt about consent or restriction gets the stricter status. Costs one
/// directory call per draft whatever the number of recipients (<see cref="IPatientDirectory.LookUpAsync"/>:
/// the exact look-up and, for the unknown recipients, the near-miss candidates; one round trip on
/// the stores), plus the registered domains, which the stores cache.</remarks>
public sealed class RecipientResolver
{
    public static RecipientResolver Default { get; } = new();

    /// <param name="draft">The draft whose To, Cc and Bcc are resolved, in that order.</param>
    /// <param name="directory">The registry; null means no registry (every external recipient is unknown).</param>
    /// <param name="internalDomains">The organisation's own domains (exact or parent-domain match).</param>
    /// <param name="today">For consent expiry.</param>
    /// <param name="cancellationToken">Cancels the registry look-ups.</param>
    /// <returns>One report per recipient occurrence, in To, Cc, Bcc order (a recipient listed twice is reported twice).</returns>
    public async Task<IReadOnlyList<RecipientReport>> ResolveAsync(
        Draft draft,
        IPatientDirectory? directory,
        IReadOnlyCollection<string> internalDomains,
        DateOnly today,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(internalDomains);

        var ownDomains = NormalizeInternalDomains(internalDomains);
        var entries = new List<Entry>();
        foreach (var (recipient, field) in draft.AllRecipients())
        {
            var normalized = AddressNormalizer.Normalize(recipient.Address);
            if (normalized is null)
            {
                entries.Add(new Entry(recipient.Address?.Trim() ?? "", field, null, null, IsInternal: false));
                continue;
            }

            var domain = AddressNormalizer.Domain(normalized);
            entries.Add(new Entry(normalized, field, normalized, domain, IsInternal(domain, ownDomains)));
        }

        var external = entries.Where(e => e.Normalized is not null && !e.IsInternal)
            .Select(e => e.Normalized!)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>> registered = EmptyMatches;
        Dictionary<string, LookalikeMatch> lookalikes = new(StringComparer.Ordinal);
        if (directory is not null && external.Count > 0)
        {
            // The probe keys are computed for every external address up front, so the store can
            // answer the exact look-up and the near-miss search together (one round trip); it
            // probes only for the addresses that turn out unregistered.
            var registeredDomains = await directory.RegisteredDomainsAsync(cancellationToken).ConfigureAwait(false);
            var queries = external.ConvertAll(a => LookalikeDetector.Prepare(a, registeredDomains));
            var lookup = await directory.LookUpAsync(
                queries.ConvertAll(q => new AddressLookup(q.Address, [.. q.Probes.Select(p => p.Keys).Distinct()])), cancellationToken).ConfigureAwait(false);
            registered = lookup.Registered;
            lookalikes = FindLookalikes(queries, registered, lookup.NearMisses);
        }

        var reports = new List<RecipientReport>(entries.Count);
        foreach (var entry in entries)
        {
            reports.Add(Report(entry, registered, lookalikes, today));
        }

        return reports;
    }

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>> EmptyMatches =
        new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal);

    private static Dictionary<string, LookalikeMatch> FindLookalikes(
        List<LookalikeQuery> queries, IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>> registered, IReadOnlyList<NearMissCandidate> candidates)
    {
        var found = new Dictionary<string, LookalikeMatch>(StringComparer.Ordinal);
        if (candidates.Count == 0)
        {
            return found;
        }

        var index = new CandidateIndex(candidates);
        foreach (var query in queries)
        {
            // Only unregistered addresses: two registered addresses never flag each other.
            if (!registered.ContainsKey(query.Address) && LookalikeDetector.Find(query, index) is { } match)
            {
                found[query.Address] = match;
            }
        }

        return found;
    }

    private static RecipientReport Report(
        Entry entry,
        IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>> registered,
        Dictionary<string, LookalikeMatch> lookalikes,
        DateOnly today)
    {
        if (entry.Normalized is null || entry.Domain is null)
        {
            return new RecipientReport
            {
                Address = entry.Address,
                Field = entry.Field,
                Scope = RecipientScope.External,
                Status = RecipientStatus.Invalid,
            };
        }

        if (entry.IsInternal)
        {
            return new RecipientReport
            {
                Address = entry.Normalized,
                Field = entry.Field,
                Scope = RecipientScope.Internal,
                Status = RecipientStatus.Internal,
            };
        }

        var consumer = ConsumerMailDomains.IsConsumer(entry.Domain);
        if (registered.TryGetValue(entry.Normalized, out var matches) && matches.Count > 0)
        {
            return PatientReport(entry, matches, consumer, today);
        }

        lookalikes.TryGetValue(entry.Normalized, out var lookalike);
        return new RecipientReport
        {
            Address = entry.Normalized,
            Field = entry.Field,
            Scope = RecipientScope.External,
            Status = lookalike is null ? RecipientStatus.Unknown : RecipientStatus.Lookalike,
            ConsumerMailbox = consumer,
            Lookalike = lookalike,
        };
    }

    /// <summary>Status precedence, strictest first: restricted, then without usable consent, then
    /// third-party mailbox, then consented. For a family address shared by several patients the
    /// strictest patient decides and the consent scope is what all of them agreed to, because the
    /// message reaches every one of them.</summary>
    private static RecipientReport PatientReport(Entry entry, IReadOnlyList<DirectoryMatch> matches, bool consumer, DateOnly today)
    {
        var patients = new List<Patient>(matches.Count);
        foreach (var match in matches)
        {
            if (!patients.Exists(p => string.Equals(p.Id, match.Patient.Id, StringComparison.Ordinal)))
            {
                patients.Add(match.Patient);
            }
        }

        var restricted = patients.Exists(p => p.Restriction is not null);
        var consent = ConsentSummaries.Combine(patients.Select(p => ConsentSummaries.For(p.Consent, today)).ToList());
        var thirdParty = matches.Any(m => m.Address.IsThirdParty);
        var kind = thirdParty ? matches.First(m => m.Address.IsThirdParty).Address.Kind : matches[0].Address.Kind;
        bool? thirdPartyConsented = thirdParty ? matches.Where(m => m.Address.IsThirdParty).All(m => m.Address.ThirdPartyConsented) : null;

        var status = restricted ? RecipientStatus.RestrictedPatient
            : !string.Equals(consent.State, ConsentSummaries.Granted, StringComparison.Ordinal) ? RecipientStatus.PatientWithoutConsent
            : thirdParty ? RecipientStatus.ThirdParty
            : RecipientStatus.ConsentedPatient;

        return new RecipientReport
        {
            Address = entry.Normalized!,
            Field = entry.Field,
            Scope = RecipientScope.External,
            Status = status,
            PatientId = patients[0].Id,
            PatientIds = patients.ConvertAll(p => p.Id),
            Patients = patients,
            Consent = consent,
            AddressKind = kind,
            ThirdPartyConsented = thirdPartyConsented,
            Restricted = restricted,
            ConsumerMailbox = consumer,
        };
    }

    private static List<string> NormalizeInternalDomains(IReadOnlyCollection<string> internalDomains)
    {
        var result = new List<string>(internalDomains.Count);
        foreach (var raw in internalDomains)
        {
            // A malformed configured domain matches nothing: treating it as "everything is
            // internal" would let patient mail skip every external check.
            if (AddressNormalizer.NormalizeDomain(raw) is { } domain)
            {
                result.Add(domain);
            }
        }

        return result;
    }

    private static bool IsInternal(string domain, List<string> ownDomains)
    {
        foreach (var own in ownDomains)
        {
            if (AddressNormalizer.IsSameOrSubdomain(domain, own))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Entry(string Address, RecipientField Field, string? Normalized, string? Domain, bool IsInternal);
}
