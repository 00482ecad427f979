using ClinicMail.Core.Registry;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>The near-miss part of a look-up done against a <see cref="NearMissIndex"/>: before the
/// round trip, the candidates of every recipient the index does not know (their row ids go into the
/// same round trip as the exact look-up, to be read back with their owner and current skeleton);
/// after it, the verdicts on the rows read back, and the recipients the plan could not cover.</summary>
internal sealed class NearMissPlan
{
    private readonly IReadOnlyList<AddressLookup> _lookups;
    private readonly List<(long RowId, string Probe, int Lookup)> _found;
    private readonly HashSet<int> _planned;

    private NearMissPlan(IReadOnlyList<AddressLookup> lookups, List<(long RowId, string Probe, int Lookup)> found, HashSet<int> planned, long[] rowIds)
    {
        _lookups = lookups;
        _found = found;
        _planned = planned;
        RowIds = rowIds;
    }

    /// <summary>True when the index took every recipient for registered: nothing was searched, and
    /// the database's exact answer alone decides (a recipient it does not find is searched there).</summary>
    public bool SearchedNothing => _planned.Count == 0;

    /// <summary>Distinct row ids to read back (id, owner, address, skeleton) with the exact look-up.</summary>
    public long[] RowIds { get; }

    /// <summary>Searches, in <paramref name="index"/>, the keys of each recipient it does not know as registered.</summary>
    public static NearMissPlan Make(NearMissIndex index, IReadOnlyList<AddressLookup> lookups)
    {
        var found = new List<(long RowId, string Probe, int Lookup)>();
        var planned = new HashSet<int>();
        var pairs = new List<(long RowId, string Probe)>();
        for (var i = 0; i < lookups.Count; i++)
        {
            if (index.MayBeRegistered(lookups[i].Address))
            {
                continue;
            }

            planned.Add(i);
            pairs.Clear();
            foreach (var key in lookups[i].NearMissKeys.Distinct())
            {
                index.CollectCandidates(key, pairs);
            }

            foreach (var (rowId, probe) in pairs)
            {
                found.Add((rowId, probe, i));
            }
        }

        return new NearMissPlan(lookups, found, planned, [.. found.Select(f => f.RowId).Distinct()]);
    }

    /// <summary>The candidates of the recipients the database did not find, tested again against the
    /// rows as read back (a row deleted since the index saw it is simply absent; a re-keyed row is
    /// judged on its current skeleton); and the unregistered recipients this plan did not search
    /// (the index took them for registered), which the caller searches in the database.</summary>
    public (List<NearMissCandidate> Candidates, List<AddressLookup> Unplanned) Finish(
        IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>> registered, IReadOnlyDictionary<long, NearMissCandidate> rows)
    {
        var candidates = new List<NearMissCandidate>();
        foreach (var (rowId, probe, lookup) in _found)
        {
            if (!registered.ContainsKey(_lookups[lookup].Address)
                && rows.TryGetValue(rowId, out var row)
                && NearMiss.IsCandidate(probe, row.Skeleton))
            {
                candidates.Add(row);
            }
        }

        var unplanned = new List<AddressLookup>();
        for (var i = 0; i < _lookups.Count; i++)
        {
            if (!_planned.Contains(i) && !registered.ContainsKey(_lookups[i].Address) && _lookups[i].NearMissKeys.Count > 0)
            {
                unplanned.Add(_lookups[i]);
            }
        }

        return (candidates, unplanned);
    }
}
