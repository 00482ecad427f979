using ClinicMail.Core.Registry;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Recipients;

/// <summary>Finds the registered address an unregistered one was probably meant to be (rule 4:
/// « une adresse courriel non autorisée » reached by a slip of the keyboard is the human error the
/// guideline fears most: « ce qu'on craint le plus, c'est l'erreur humaine »).</summary>
/// <remarks>Two steps so that a whole draft costs one directory round trip: <see cref="Prepare"/>
/// says which keys to ask the directory for, <see cref="Find"/> judges the candidates it returned.
/// Only ever called for addresses that are not registered exactly, so two registered addresses
/// never flag each other.</remarks>
internal static class LookalikeDetector
{
    private const int MinLocalLengthForEdits = NearMiss.MinLocalLengthForEdits;

    /// <summary>A domain label shorter than this ("me.com", "pm.me") is one edit away from too many
    /// real domains for a distance to mean anything.</summary>
    private const int MinLabelLengthForDomainEdits = 4;

    public static LookalikeQuery Prepare(string normalizedAddress, IReadOnlySet<string> registeredDomains)
    {
        var domain = AddressNormalizer.Domain(normalizedAddress);
        var local = AddressNormalizer.LocalPart(normalizedAddress);
        var probes = new List<Probe>(2) { new(AddressKeys.For(normalizedAddress), CorrectedDomain: false) };
        foreach (var corrected in CorrectedDomains(domain, registeredDomains))
        {
            probes.Add(new Probe(AddressKeys.For(string.Concat(local, "@", corrected)), CorrectedDomain: true));
        }

        var hasPunycode = domain.StartsWith("xn--", StringComparison.Ordinal) || domain.Contains(".xn--", StringComparison.Ordinal);
        return new LookalikeQuery(normalizedAddress, hasPunycode, probes);
    }

    /// <summary>The best look-alike among the candidates, or null. Preference: same skeleton (the
    /// address displays like the registered one), then the same local part on a corrected domain,
    /// then the fewest edits; ties go to the lowest address so the answer is deterministic.</summary>
    public static LookalikeMatch? Find(LookalikeQuery query, CandidateIndex candidates)
    {
        LookalikeMatch? best = null;
        var bestScore = int.MaxValue;
        foreach (var probe in query.Probes)
        {
            var onDomain = candidates.OnDomain(probe.Keys.Domain);
            if (onDomain.Count == 0)
            {
                continue;
            }

            var probeLocal = LocalOf(probe.Keys.Skeleton);
            var bound = NearMiss.EditBound(probeLocal.Length);
            foreach (var candidate in onDomain)
            {
                int score;
                LookalikeTechnique technique;
                if (string.Equals(candidate.Skeleton, probe.Keys.Skeleton, StringComparison.Ordinal))
                {
                    score = probe.CorrectedDomain ? 1 : 0;
                    technique = probe.CorrectedDomain ? LookalikeTechnique.DomainTypo
                        : query.HasPunycode ? LookalikeTechnique.Punycode
                        : LookalikeTechnique.Confusable;
                }
                else
                {
                    var candidateLocal = LocalOf(candidate.Skeleton);
                    if (Math.Min(probeLocal.Length, candidateLocal.Length) < MinLocalLengthForEdits)
                    {
                        continue;
                    }

                    var distance = EditDistance.Bounded(probeLocal, candidateLocal, bound);
                    if (distance > bound)
                    {
                        continue;
                    }

                    score = 2 + distance + (probe.CorrectedDomain ? 1 : 0);
                    technique = LookalikeTechnique.EditDistance;
                }

                if (score < bestScore
                    || (score == bestScore && best is not null
                        && string.CompareOrdinal(candidate.Address, best.Resembles) < 0))
                {
                    bestScore = score;
                    best = new LookalikeMatch(candidate.Address, candidate.PatientId, technique);
                }
            }
        }

        return best;
    }

    /// <summary>Domains the query domain was probably meant to be: a known misspelling of a
    /// provider, one edit (or one swap) from a provider or a domain the registry uses, or the same name under another
    /// top-level domain (issue 17, scenario fr-sosie-01: videotron.com for videotron.ca). A domain
    /// that is itself a provider or registered is taken at its word.</summary>
    internal static IEnumerable<string> CorrectedDomains(string domain, IReadOnlySet<string> registeredDomains)
    {
        var found = new List<string>(1);
        if (KnownDomainTypos.TryGetProvider(domain, out var provider))
        {
            found.Add(provider);
        }

        if (ConsumerMailDomains.Domains.Contains(domain) || registeredDomains.Contains(domain))
        {
            return found;
        }

        AddWithinOneEdit(domain, ConsumerMailDomains.Domains, found);
        AddWithinOneEdit(domain, registeredDomains, found);
        AddTopLevelSwaps(domain, ConsumerMailDomains.Domains, found);
        AddTopLevelSwaps(domain, registeredDomains, found);
        return found;
    }

    /// <summary>The same name under another top-level domain ("videotron.com" for "videotron.ca", "exemple.ca" for
    /// "exemple.com"): a slip the edit distance misses (two or more letters change) and the eye reads over. Only a
    /// known name is a candidate, and the address is flagged only if the same person is registered there.</summary>
    private static void AddTopLevelSwaps(string domain, IReadOnlySet<string> known, List<string> found)
    {
        var dot = domain.LastIndexOf('.');
        if (dot < MinLabelLengthForDomainEdits)
        {
            return;
        }

        var name = domain.AsSpan(0, dot + 1);
        foreach (var candidate in known)
        {
            if (candidate.Length > name.Length && candidate.AsSpan().StartsWith(name, StringComparison.Ordinal)
                && candidate.IndexOf('.', name.Length) < 0 && !string.Equals(candidate, domain, StringComparison.Ordinal)
                && !found.Contains(candidate, StringComparer.Ordinal))
            {
                found.Add(candidate);
            }
        }
    }

    private static void AddWithinOneEdit(string domain, IReadOnlySet<string> known, List<string> found)
    {
        foreach (var candidate in known)
        {
            if (Math.Abs(candidate.Length - domain.Length) > 1 || string.Equals(candidate, domain, StringComparison.Ordinal))
            {
                continue;
            }

            var firstDot = candidate.IndexOf('.', StringComparison.Ordinal);
            if (firstDot >= 0 && firstDot < MinLabelLengthForDomainEdits)
            {
                continue;
            }

            if (EditDistance.Bounded(domain, candidate, 1) <= 1 && !found.Contains(candidate, StringComparer.Ordinal))
            {
                found.Add(candidate);
            }
        }
    }

    private static ReadOnlySpan<char> LocalOf(string skeleton) => skeleton.AsSpan(0, skeleton.LastIndexOf('@'));
}

/// <summary>One unregistered address and the keys to look its candidates up under.</summary>
internal sealed record LookalikeQuery(string Address, bool HasPunycode, IReadOnlyList<Probe> Probes);

/// <summary>Keys for the address as typed, or for its local part on a corrected domain.</summary>
internal sealed record Probe(AddressKeys Keys, bool CorrectedDomain);

/// <summary>The directory's candidates grouped by key domain, so each probe scans only the
/// addresses on its own domain.</summary>
internal sealed class CandidateIndex
{
    private static readonly IReadOnlyList<NearMissCandidate> None = [];
    private readonly Dictionary<string, List<NearMissCandidate>> _byDomain = new(StringComparer.Ordinal);

    public CandidateIndex(IEnumerable<NearMissCandidate> candidates)
    {
        // In a fixed order (address, then owner), so the verdict between equally close candidates
        // (a family-shared address of two patients) is the same whichever store found them, in
        // whatever order its search returned them.
        foreach (var candidate in candidates.Distinct().OrderBy(c => c.Address, StringComparer.Ordinal).ThenBy(c => c.PatientId, StringComparer.Ordinal))
        {
            var domain = candidate.KeyDomain;
            if (!_byDomain.TryGetValue(domain, out var list))
            {
                list = [];
                _byDomain.Add(domain, list);
            }

            list.Add(candidate);
        }
    }

    public IReadOnlyList<NearMissCandidate> OnDomain(string keyDomain) =>
        _byDomain.TryGetValue(keyDomain, out var list) ? list : None;
}
