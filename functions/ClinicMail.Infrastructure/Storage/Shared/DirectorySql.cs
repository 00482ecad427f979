using ClinicMail.Core.Registry;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>What the patient directory does differently per engine (<see cref="SqlDialect.Directory"/>):
/// how a look-up reaches the database (SQLite: a kept connection with its statements prepared, the
/// questions asked in turn; PostgreSQL: the exact look-up and the near-miss part in one batch, one
/// round trip) and how the in-process near-miss index learns what was written (SQLite: row ids and a
/// change counter; PostgreSQL: transaction snapshots). <see cref="PatientDirectory"/> holds the rest.</summary>
internal abstract class DirectorySql
{
    /// <summary>An address row (alias <c>a</c>) and its patient with the current consent, in the order
    /// <see cref="PatientRowReader.ReadAddress"/> then <see cref="PatientRowReader.ReadPatient"/> expect.</summary>
    protected const string MatchColumns = PatientRowReader.AddressColumns + ", " + RegistrySql.PatientColumns;

    /// <summary>From an address row (alias <c>a</c>) to its patient (<c>p</c>) and current consent (<c>c</c>).</summary>
    protected const string PatientJoins = " JOIN patients AS p ON p.id = a.patient_id" + RegistrySql.ConsentJoin;

    /// <summary>The look-up engine of one directory (it may keep connections: disposed with the directory).</summary>
    public abstract DirectoryEngine Create(IStorageDatabase database);
}

/// <summary>One directory's access to its database.</summary>
internal abstract class DirectoryEngine : IDisposable
{
    /// <summary>Reads address rows for the in-process near-miss index, with the engine's token of what it has seen.</summary>
    public abstract INearMissFeed<object> Feed { get; }

    /// <summary>Runs <paramref name="work"/> on one session; a session whose work failed is never reused.</summary>
    public abstract Task<T> WithSessionAsync<T>(Func<DirectorySession, Task<T>> work, CancellationToken cancellationToken);

    public virtual void Dispose()
    {
    }
}

/// <summary>The questions of a look-up, asked on one connection.</summary>
internal abstract class DirectorySession
{
    /// <summary>Every address row among <paramref name="addresses"/> (distinct, normalized) with its patient complete.</summary>
    public abstract Task<List<DirectoryMatch>> FindByAddressesAsync(string[] addresses, CancellationToken cancellationToken);

    /// <summary>Address rows that are near-miss candidates of <paramref name="keys"/> (distinct), with their patients complete.</summary>
    public abstract Task<List<DirectoryMatch>> NearMissMatchesAsync(IReadOnlyList<AddressKeys> keys, CancellationToken cancellationToken);

    /// <summary>The first round of a check's look-up. Without an index (<paramref name="plan"/> null): the
    /// exact matches, and the near-miss candidates of the addresses not found. With one: the exact
    /// matches, whether rows were written since <paramref name="token"/> (then <see cref="LookUpRound.Behind"/>,
    /// and the rows need not be read), and the rows of <see cref="NearMissPlan.RowIds"/> read back;
    /// neither when the plan searched nothing.</summary>
    public abstract Task<LookUpRound> LookUpAsync(IReadOnlyList<AddressLookup> lookups, object? token, NearMissPlan? plan, CancellationToken cancellationToken);

    /// <summary>Near-miss candidates of these (unregistered) addresses, searched in the database.</summary>
    public abstract Task<List<NearMissCandidate>> NearMissesAsync(IReadOnlyList<AddressLookup> lookups, CancellationToken cancellationToken);

    /// <summary>Matches grouped by the address they matched.</summary>
    public static Dictionary<string, IReadOnlyList<DirectoryMatch>> GroupByAddress(List<DirectoryMatch> matches)
    {
        var registered = new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal);
        foreach (var group in matches.GroupBy(m => m.Address.Address, StringComparer.Ordinal))
        {
            registered[group.Key] = [.. group];
        }

        return registered;
    }
}

/// <summary>The answer of <see cref="DirectorySession.LookUpAsync"/>.</summary>
internal sealed record LookUpRound(
    Dictionary<string, IReadOnlyList<DirectoryMatch>> Registered,
    List<NearMissCandidate> Candidates,
    bool Behind,
    IReadOnlyDictionary<long, NearMissCandidate> Rows);
