using ClinicMail.Core.Registry;
using Microsoft.Extensions.Logging;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary><see cref="IPatientDirectory"/> on either database (<see cref="IStorageDatabase"/>): the
/// guards, the registered-domains cache, the in-process near-miss index and the decisions of a
/// check's look-up are here; how the questions reach the database is the engine's
/// (<see cref="DirectorySql"/>). Every look-up is an index seek on the keys the store persisted;
/// the near-miss test is <see cref="NearMiss.IsCandidate(string, string)"/>, the same everywhere.</summary>
/// <remarks>Safe as a singleton. With <c>inProcessNearMiss</c>, near misses are searched in a
/// <see cref="NearMissIndex"/> kept by a <see cref="NearMissReplica{TToken}"/> (a snapshot of the
/// address rows, caught up from the rows written since), and only the surviving rows are read back,
/// in the same round as the exact look-up; see docs/registry.md.</remarks>
public sealed class PatientDirectory : IPatientDirectory, INearMissIndexed, IDisposable
{
    // A loose index scan: jumps from one distinct domain to the next through the index instead of
    // reading every address, so the cost follows the number of domains, not of patients.
    private const string DomainsSql =
        "WITH RECURSIVE d(domain) AS (" +
        "SELECT MIN(address_domain) FROM patient_addresses " +
        "UNION ALL SELECT (SELECT MIN(address_domain) FROM patient_addresses WHERE address_domain > d.domain) " +
        "FROM d WHERE d.domain IS NOT NULL) " +
        "SELECT domain FROM d WHERE domain IS NOT NULL;";

    private readonly IStorageDatabase _database;
    private readonly DirectoryEngine _engine;
    private readonly NearMissReplica<object>? _replica;
    private readonly RegisteredDomainsCache _domains;

    /// <param name="database">The registry's database.</param>
    /// <param name="time">Clock of the domains cache and the index's retries.</param>
    /// <param name="inProcessNearMiss">Search near misses in an in-process index (a long-running host).</param>
    /// <param name="logger">For the index's build and catch-up (counts and durations only).</param>
    public PatientDirectory(IStorageDatabase database, TimeProvider? time = null, bool inProcessNearMiss = false, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _engine = database.Dialect.Directory.Create(database);
        _replica = inProcessNearMiss ? new NearMissReplica<object>(_engine.Feed, logger, time) : null;
        _domains = new RegisteredDomainsCache(time);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>>> FindByAddressesAsync(
        IReadOnlyCollection<string> normalizedAddresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(normalizedAddresses);
        if (normalizedAddresses.Count == 0)
        {
            return new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal);
        }

        string[] addresses = [.. normalizedAddresses.Distinct(StringComparer.Ordinal)];
        var matches = await _engine.WithSessionAsync(session => session.FindByAddressesAsync(addresses, cancellationToken), cancellationToken).ConfigureAwait(false);
        return DirectorySession.GroupByAddress(matches);
    }

    public async Task<IReadOnlyList<DirectoryMatch>> FindNearMissCandidatesAsync(
        IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        List<AddressKeys> distinct = [.. keys.Distinct()];
        return await _engine.WithSessionAsync(session => session.NearMissMatchesAsync(distinct, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Both questions in one session: the exact look-up and the near-miss search of the
    /// addresses it did not find (in the index when there is one and it is current, otherwise in the
    /// database); a second round only for the addresses the index could not cover.</summary>
    public async Task<DirectoryLookup> LookUpAsync(IReadOnlyList<AddressLookup> lookups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lookups);
        if (lookups.Count == 0)
        {
            return new DirectoryLookup(new Dictionary<string, IReadOnlyList<DirectoryMatch>>(StringComparer.Ordinal), []);
        }

        var state = _replica?.Current;
        var plan = state is null ? null : NearMissPlan.Make(state.Index, lookups);
        return await _engine.WithSessionAsync(async session =>
        {
            var round = await session.LookUpAsync(lookups, state?.Token, plan, cancellationToken).ConfigureAwait(false);
            var registered = round.Registered;
            List<NearMissCandidate> candidates;
            List<AddressLookup> unsearched;
            if (state is null)
            {
                candidates = round.Candidates;
                unsearched = [];
            }
            else if (round.Behind)
            {
                // Rows were written since the index read them: they may be the near misses. Search
                // the unregistered addresses in the database this once.
                _replica!.CatchUp(state);
                candidates = [];
                unsearched = [.. lookups.Where(l => !registered.ContainsKey(l.Address) && l.NearMissKeys.Count > 0)];
            }
            else
            {
                // A plan that searched nothing (the index took every recipient for registered) leaves
                // every unregistered recipient unplanned: the database's answer alone decides.
                (candidates, unsearched) = plan!.Finish(registered, round.Rows);
            }

            if (unsearched.Count > 0)
            {
                candidates.AddRange(await session.NearMissesAsync(unsearched, cancellationToken).ConfigureAwait(false));
            }

            return new DirectoryLookup(registered, candidates);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the in-process index now instead of at the first look-up (warm-up, tests,
    /// benchmarks). Does nothing when the directory searches near misses in the database.</summary>
    public Task WarmUpNearMissIndexAsync(CancellationToken cancellationToken = default) =>
        _replica?.WaitUntilReadyAsync(cancellationToken) ?? Task.CompletedTask;

    NearMissIndex? INearMissIndexed.NearMissIndex => _replica?.Peek?.Index;

    Task INearMissIndexed.NearMissIdleAsync() => _replica?.IdleAsync() ?? Task.CompletedTask;

    public Task<IReadOnlySet<string>> RegisteredDomainsAsync(CancellationToken cancellationToken = default) =>
        _domains.GetAsync(LoadDomainsAsync, cancellationToken);

    private async Task<IReadOnlySet<string>> LoadDomainsAsync(CancellationToken cancellationToken) =>
        (await _database.QueryAsync(DomainsSql, reader => reader.GetString(0), cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Stops the index's background work and closes the engine's kept connections.</summary>
    public void Dispose()
    {
        _replica?.Dispose();
        _engine.Dispose();
    }
}
