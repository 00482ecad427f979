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
    /// kept only when <see cref="NearMiss.IsCandidate"/> accepts them against the key's skeleton
    /// (filtered where the addresses are, so only survivors are loaded with their patient). The
    /// caller decides which are real look-alikes; a store may return a candidate more than once.</summary>
    Task<IReadOnlyList<DirectoryMatch>> FindNearMissCandidatesAsync(
        IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken = default);

    /// <summary>Distinct domains of registered addresses (a small set), for domain look-alike detection.</summary>
    Task<IReadOnlySet<string>> RegisteredDomainsAsync(CancellationToken cancellationToken = default);
}

/// <summary>A registered address together with the patient who owns it.</summary>
public sealed record DirectoryMatch(Patient Patient, PatientAddress Address)
{
    /// <summary>The address's near-miss keys as the store holds them, when the store has them at
    /// hand (it persists them for its indexes). Saves the resolver from folding every candidate
    /// again; null means "compute them with <see cref="AddressKeys.For"/>".</summary>
    public AddressKeys? Keys { get; init; }
}
