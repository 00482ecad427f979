namespace ClinicMail.Core.Registry;

/// <summary>The registry held in memory, indexed by address and by near-miss keys. Used by tests,
/// benchmarks and the CLI; the stores implement the same contract on their databases.</summary>
public sealed class InMemoryPatientDirectory : IPatientDirectory
{
    public InMemoryPatientDirectory(IEnumerable<Patient> patients) => throw new NotImplementedException("in progress");

    public Task<IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>>> FindByAddressesAsync(
        IReadOnlyCollection<string> normalizedAddresses, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<IReadOnlyList<DirectoryMatch>> FindNearMissCandidatesAsync(
        IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<IReadOnlySet<string>> RegisteredDomainsAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
