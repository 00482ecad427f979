namespace ClinicMail.Core.Registry;

/// <summary>Writes and reads whole patients (the registry management side; the check reads through
/// <see cref="IPatientDirectory"/>). Implemented on SQLite and PostgreSQL with the same contract
/// (tests/ClinicMail.Infrastructure.Tests/Storage/PatientStoreContractTests.cs).</summary>
/// <remarks>Every write is one transaction: all the patients of a call are written or none. Each
/// changed entity leaves a <see cref="RegistryChange"/> row naming the changed fields, never their
/// values. Rules enforced by the store whatever the caller: a clinic patient id belongs to one
/// patient; an address belongs to one patient unless every patient holding it has it as
/// <see cref="AddressKind.FamilyShared"/> (« celui de la famille »). A broken rule throws
/// <see cref="RegistryConflictException"/> and nothing of the call is written.</remarks>
public interface IPatientStore
{
    /// <summary>Brings each patient to exactly the given state (addresses not listed are removed).
    /// Writing the same state twice changes nothing and records nothing.</summary>
    /// <returns>What changed, per patient, in the order given.</returns>
    /// <exception cref="ArgumentException">An address is invalid or listed twice, or the language is not fr/en.</exception>
    /// <exception cref="RegistryConflictException">A clinic patient id or an address would belong to two patients.</exception>
    Task<IReadOnlyList<PatientDiff>> WriteAsync(IReadOnlyList<Patient> patients, string actorId, CancellationToken cancellationToken = default);

    Task<Patient?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<Patient?> GetByClinicIdAsync(string clinicPatientId, CancellationToken cancellationToken = default);

    /// <summary>The stored patients with these clinic patient ids (absent ones are left out), keyed by clinic id.</summary>
    Task<IReadOnlyDictionary<string, Patient>> GetManyByClinicIdsAsync(IReadOnlyCollection<string> clinicPatientIds, CancellationToken cancellationToken = default);

    /// <summary>The history rows of a patient, oldest first.</summary>
    Task<IReadOnlyList<RegistryChange>> HistoryAsync(string patientId, CancellationToken cancellationToken = default);

    /// <summary>Patients by clinic id (exact) or by name (accent- and case-insensitive, every word
    /// of the query a word prefix of the name), ordered by family name, given name, id.</summary>
    Task<PatientPage> SearchAsync(PatientSearch search, CancellationToken cancellationToken = default);

    /// <summary>Recomputes the near-miss keys of addresses written under an older
    /// <see cref="AddressKeys.AlgorithmVersion"/>; returns how many were re-keyed.</summary>
    Task<int> RefreshAddressKeysAsync(CancellationToken cancellationToken = default);
}

/// <summary>A registry search. Exactly one of <see cref="Name"/> and <see cref="ClinicPatientId"/> is meaningful; the id wins.</summary>
public sealed record PatientSearch
{
    public string? Name { get; init; }

    public string? ClinicPatientId { get; init; }

    /// <summary>1-based.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 25;

    /// <summary>The folded words of <see cref="Name"/> (see <see cref="NameKey"/>).</summary>
    public IReadOnlyList<string> NameWords() =>
        NameKey.Fold(Name).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>One page of search results with the total number of matches.</summary>
public sealed record PatientPage(IReadOnlyList<Patient> Patients, int Total, int Page, int PageSize);

/// <summary>Convenience shapes over <see cref="IPatientStore.WriteAsync"/>.</summary>
public static class PatientStoreExtensions
{
    public static async Task<UpsertOutcome> UpsertAsync(this IPatientStore store, Patient patient, string actorId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var diff = (await store.WriteAsync([patient], actorId, cancellationToken).ConfigureAwait(false))[0];
        return diff.Outcome;
    }

    public static async Task<UpsertSummary> UpsertManyAsync(this IPatientStore store, IEnumerable<Patient> patients, string actorId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var diffs = await store.WriteAsync([.. patients], actorId, cancellationToken).ConfigureAwait(false);
        return UpsertSummary.Of(diffs);
    }
}
