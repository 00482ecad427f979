using System.Data.Common;
using ClinicMail.Core.Registry;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>What the patient directory does differently per engine (<see cref="SqlDialect.Directory"/>):
/// how a look-up reaches the database (SQLite: a kept connection with its statements prepared, the
/// questions asked in turn; PostgreSQL: the exact look-up and the near-miss part in one batch, one
/// round trip) and how the in-process near-miss index learns what was written (SQLite: row ids and a
/// change counter; PostgreSQL: transaction snapshots), with the statements and readers both engines share,
/// over a key set each expands its own way (<see cref="KeySetSql"/>). <see cref="PatientDirectory"/> holds the rest.</summary>
internal abstract class DirectorySql
{
    /// <summary>An address row (alias <c>a</c>) and its patient with the current consent, in the order
    /// <see cref="PatientRowReader.ReadAddress"/> then <see cref="PatientRowReader.ReadPatient"/> expect.</summary>
    protected const string MatchColumns = PatientRowReader.AddressColumns + ", " + RegistrySql.PatientColumns;

    /// <summary>From an address row (alias <c>a</c>) to its patient (<c>p</c>) and current consent (<c>c</c>).</summary>
    protected const string PatientJoins = " JOIN patients AS p ON p.id = a.patient_id" + RegistrySql.ConsentJoin;

    /// <summary>The address rows (with their patients: <see cref="MatchColumns"/>) whose <paramref name="column"/>
    /// is one of the keys of <paramref name="keys"/>.</summary>
    protected static string MatchesSql(KeySetSql keys, string column) =>
        "SELECT " + MatchColumns + " FROM " + keys.From + " JOIN patient_addresses AS a ON a." + column + " = " + keys.Key + PatientJoins + ";";

    /// <summary>The address rows whose ids are the keys of <paramref name="ids"/>, as (id, patient id, address,
    /// skeleton): the rows a near-miss index planned, read back (<see cref="ReadRowsAsync"/>).</summary>
    protected static string RowsSql(KeySetSql ids) =>
        "SELECT a.id, a.patient_id, a.address, a.skeleton FROM " + ids.From + " JOIN patient_addresses AS a ON a.id = " + ids.Key + ";";

    /// <summary>No planned rows (a look-up that read none back).</summary>
    protected static readonly IReadOnlyDictionary<long, NearMissCandidate> NoRows = new Dictionary<long, NearMissCandidate>();

    /// <summary>Reads rows of <see cref="RowsSql"/>, by row id.</summary>
    protected static async Task<Dictionary<long, NearMissCandidate>> ReadRowsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<long, NearMissCandidate>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows[reader.GetInt64(0)] = new NearMissCandidate(reader.GetString(1), reader.GetString(2), reader.GetString(3));
        }

        return rows;
    }

    /// <summary>Reads rows of <see cref="MatchColumns"/>: every address row matched, and each
    /// of their patients once (its addresses not yet attached).</summary>
    protected static async Task<(List<(string PatientId, PatientAddress Address, AddressKeys Keys)> Rows, Dictionary<string, Patient> Patients)> ReadMatchRowsAsync(
        DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<(string PatientId, PatientAddress Address, AddressKeys Keys)>();
        var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = PatientRowReader.ReadAddress(reader, 0);
            rows.Add(row);
            if (!patients.ContainsKey(row.PatientId))
            {
                patients.Add(row.PatientId, PatientRowReader.ReadPatient(reader, PatientRowReader.AddressColumnCount));
            }
        }

        return (rows, patients);
    }

    /// <summary>The rows of <see cref="ReadMatchRowsAsync"/> as matches, each with its patient complete.</summary>
    protected static List<DirectoryMatch> Matches(List<(string PatientId, PatientAddress Address, AddressKeys Keys)> rows, Dictionary<string, Patient> complete) =>
        rows.ConvertAll(r => new DirectoryMatch(complete[r.PatientId], r.Address) { Keys = r.Keys });

    /// <summary>The look-up engine of one directory (it may keep connections: disposed with the directory).</summary>
    public abstract DirectoryEngine Create(IStorageDatabase database);
}

/// <summary>A set of keys bound as one parameter, as the engine expands it into rows: <paramref name="From"/> is
/// the FROM item (<c>unnest</c> of an array on PostgreSQL, <c>json_each</c> of a JSON array on SQLite) and
/// <paramref name="Key"/> the expression of its one column.</summary>
internal readonly record struct KeySetSql(string From, string Key);

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
