namespace ClinicMail.Core.Registry;

/// <summary>The registry as the check sees it: exact look-ups by address and the candidates for
/// near-miss detection. Implemented by the stores (SQLite, PostgreSQL) and by
/// <see cref="InMemoryPatientDirectory"/>. Every method takes a batch so a check with many
/// recipients costs one round trip per kind of question, not one per recipient.</summary>
public interface IPatientDirectory
{
    /// <summary>Patients registered under each of these addresses. Keys are
    /// <see cref="AddressNormalizer.Normalize"/>d addresses; an address nobody registered is absent.
    /// A family-shared address may belong to several patients.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>>> FindByAddressesAsync(
        IReadOnlyCollection<string> normalizedAddresses, CancellationToken cancellationToken = default);

    /// <summary>Registered addresses that could be a near miss of one of these keys: same
    /// skeleton, or same key domain, a local length within <see cref="AddressKeys.MaxEditDistance"/>
    /// of the key's and the prefix or suffix key of that length (<see cref="AddressKeys.Probes"/>),
    /// kept only when <see cref="NearMiss.IsCandidate(string, string)"/> accepts them against the key's skeleton
    /// (filtered where the addresses are, so only survivors are loaded with their patient). The
    /// caller decides which are real look-alikes; a store may return a candidate more than once.</summary>
    Task<IReadOnlyList<DirectoryMatch>> FindNearMissCandidatesAsync(
        IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken = default);

    /// <summary>Distinct domains of registered addresses (a small set), for domain look-alike detection.</summary>
    Task<IReadOnlySet<string>> RegisteredDomainsAsync(CancellationToken cancellationToken = default);

    /// <summary>The registry work of a check in one call: the patients registered under each address
    /// (as <see cref="FindByAddressesAsync"/>), and, for the addresses nobody registered, the
    /// near-miss candidates of their keys (as <see cref="FindNearMissCandidatesAsync"/>, but only the
    /// owner's id, the address and its skeleton: the look-alike verdict needs no more, and loading
    /// whole patients for dozens of candidates was most of the cost of a check with typos).</summary>
    /// <remarks>The stores override it to answer in one round trip (PostgreSQL: one batch) and one
    /// connection; this default asks the two questions in turn, and the near-miss one only when an
    /// address is unregistered.</remarks>
    Task<DirectoryLookup> LookUpAsync(IReadOnlyList<AddressLookup> lookups, CancellationToken cancellationToken = default) =>
        DirectoryLookup.AskSeparatelyAsync(this, lookups, cancellationToken);
}

/// <summary>One recipient address for <see cref="IPatientDirectory.LookUpAsync"/>: the
/// <see cref="AddressNormalizer.Normalize"/>d address and the keys to probe for near misses if it
/// turns out unregistered (the address as typed and, where the domain looks mistyped, the
/// corrected domains).</summary>
public sealed record AddressLookup(string Address, IReadOnlyList<AddressKeys> NearMissKeys)
{
    /// <summary>The distinct probe keys of the lookups whose address is not in <paramref name="registered"/>.</summary>
    public static IReadOnlyList<AddressKeys> KeysOfUnregistered(IReadOnlyList<AddressLookup> lookups, IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>> registered)
    {
        ArgumentNullException.ThrowIfNull(lookups);
        ArgumentNullException.ThrowIfNull(registered);
        return [.. lookups.Where(l => !registered.ContainsKey(l.Address)).SelectMany(l => l.NearMissKeys).Distinct()];
    }
}

/// <summary>What <see cref="IPatientDirectory.LookUpAsync"/> found.</summary>
/// <param name="Registered">As <see cref="IPatientDirectory.FindByAddressesAsync"/>.</param>
/// <param name="NearMisses">Candidates that passed <see cref="NearMiss.IsCandidate(string, string)"/> for a key of an unregistered address (possibly repeated).</param>
public sealed record DirectoryLookup(IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>> Registered, IReadOnlyList<NearMissCandidate> NearMisses)
{
    /// <summary><see cref="IPatientDirectory.LookUpAsync"/> as two questions in turn: the exact
    /// look-up, then, only when an address is unregistered, the near-miss candidates of its keys.</summary>
    public static async Task<DirectoryLookup> AskSeparatelyAsync(IPatientDirectory directory, IReadOnlyList<AddressLookup> lookups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(lookups);
        var registered = await directory.FindByAddressesAsync([.. lookups.Select(l => l.Address).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        var keys = AddressLookup.KeysOfUnregistered(lookups, registered);
        if (keys.Count == 0)
        {
            return new DirectoryLookup(registered, []);
        }

        var matches = await directory.FindNearMissCandidatesAsync(keys, cancellationToken).ConfigureAwait(false);
        return new DirectoryLookup(registered, [.. matches.Select(m => new NearMissCandidate(m.Patient.Id, m.Address.Address, (m.Keys ?? AddressKeys.For(m.Address.Address)).Skeleton))]);
    }
}

/// <summary>A registered address that may be a near miss: its owner, the address and its
/// <see cref="AddressKeys.Skeleton"/> as the store holds it.</summary>
public sealed record NearMissCandidate(string PatientId, string Address, string Skeleton)
{
    /// <summary>The key domain (the skeleton's domain).</summary>
    public string KeyDomain => Skeleton[(Skeleton.LastIndexOf('@') + 1)..];
}

/// <summary>A registered address together with the patient who owns it.</summary>
public sealed record DirectoryMatch(Patient Patient, PatientAddress Address)
{
    /// <summary>The address's near-miss keys as the store holds them, when the store has them at
    /// hand (it persists them for its indexes). Saves the resolver from folding every candidate
    /// again; null means "compute them with <see cref="AddressKeys.For"/>".</summary>
    public AddressKeys? Keys { get; init; }
}
