namespace ClinicMail.Core.Registry;

/// <summary>The registry held in memory, indexed by address and by near-miss keys. Used by tests,
/// benchmarks and the CLI; the stores implement the same contract on their databases.</summary>
/// <remarks>Immutable after construction, so safe to share between threads. Every question is a
/// handful of hash look-ups: resolving a draft against 100,000 patients costs microseconds.
/// Addresses that do not normalize are left out of the indexes (they can never match a valid
/// recipient, and the stores refuse them anyway).</remarks>
public sealed class InMemoryPatientDirectory : IPatientDirectory
{
    private readonly Dictionary<string, List<DirectoryMatch>> _byAddress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DirectoryMatch>> _bySkeleton = new(StringComparer.Ordinal);
    // Keyed by length too, so a look-up only touches local parts within reach of an edit.
    private readonly Dictionary<(string Domain, string Affix, int Length), List<DirectoryMatch>> _byPrefix = [];
    private readonly Dictionary<(string Domain, string Affix, int Length), List<DirectoryMatch>> _bySuffix = [];
    private readonly Dictionary<(string Domain, string Affix, int Length), List<DirectoryMatch>> _byOuter = [];
    private readonly HashSet<string> _domains = new(StringComparer.Ordinal);
    private readonly Task<IReadOnlySet<string>> _domainsTask;

    public InMemoryPatientDirectory(IEnumerable<Patient> patients)
    {
        ArgumentNullException.ThrowIfNull(patients);
        foreach (var patient in patients)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var address in patient.Addresses)
            {
                var normalized = AddressNormalizer.Normalize(address.Address);
                if (normalized is null || !seen.Add(normalized))
                {
                    continue;
                }

                var keys = AddressKeys.For(normalized);
                var stored = string.Equals(normalized, address.Address, StringComparison.Ordinal)
                    ? address
                    : address with { Address = normalized };
                var match = new DirectoryMatch(patient, stored) { Keys = keys };
                Add(_byAddress, normalized, match);
                Add(_bySkeleton, keys.Skeleton, match);
                Add(_byPrefix, (keys.Domain, keys.LocalPrefix, keys.LocalLength), match);
                Add(_bySuffix, (keys.Domain, keys.LocalSuffix, keys.LocalLength), match);
                if (keys.LocalOuter.Length > 0)
                {
                    Add(_byOuter, (keys.Domain, keys.LocalOuter, keys.LocalLength), match);
                }
                _domains.Add(AddressNormalizer.Domain(normalized));
            }
        }

        _domainsTask = Task.FromResult<IReadOnlySet<string>>(_domains);
    }

    /// <summary>Number of distinct registered addresses.</summary>
    public int AddressCount => _byAddress.Count;

    public Task<IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>>> FindByAddressesAsync(
        IReadOnlyCollection<string> normalizedAddresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(normalizedAddresses);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal);
        foreach (var address in normalizedAddresses)
        {
            if (_byAddress.TryGetValue(address, out var matches))
            {
                found[address] = matches;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>>>(found);
    }

    public Task<IReadOnlyList<DirectoryMatch>> FindNearMissCandidatesAsync(
        IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var candidates = new List<DirectoryMatch>();
        foreach (var key in keys)
        {
            AddAll(_bySkeleton, key.Skeleton, key.Skeleton, candidates);
            foreach (var probe in key.Probes())
            {
                if (probe.Prefix is not null)
                {
                    AddAll(_byPrefix, (key.Domain, probe.Prefix, probe.Length), key.Skeleton, candidates);
                }

                if (probe.Suffix is not null)
                {
                    AddAll(_bySuffix, (key.Domain, probe.Suffix, probe.Length), key.Skeleton, candidates);
                }

                if (probe.Outer is not null)
                {
                    AddAll(_byOuter, (key.Domain, probe.Outer, probe.Length), key.Skeleton, candidates);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<DirectoryMatch>>(candidates);
    }

    public Task<IReadOnlySet<string>> RegisteredDomainsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _domainsTask;
    }

    private static void Add<TKey>(Dictionary<TKey, List<DirectoryMatch>> index, TKey key, DirectoryMatch match)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            list = new List<DirectoryMatch>(1);
            index.Add(key, list);
        }

        list.Add(match);
    }

    /// <summary>Adds the bucket's addresses that pass <see cref="NearMiss.IsCandidate(string, string)"/> (the same
    /// filter the stores apply before loading patients, so every directory answers alike).</summary>
    private static void AddAll<TKey>(Dictionary<TKey, List<DirectoryMatch>> index, TKey key, string probeSkeleton, List<DirectoryMatch> into)
        where TKey : notnull
    {
        if (index.TryGetValue(key, out var list))
        {
            foreach (var match in list)
            {
                if (NearMiss.IsCandidate(probeSkeleton, match.Keys!.Skeleton))
                {
                    into.Add(match);
                }
            }
        }
    }
}
