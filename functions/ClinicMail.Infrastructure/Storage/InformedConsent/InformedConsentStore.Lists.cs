using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Shared;

namespace ClinicMail.Infrastructure.Storage.InformedConsent;

/// <summary>The clinic page's whole-registry lists: patients whose consent needs attention, and
/// look-alike address pairs.</summary>
public sealed partial class InformedConsentStore
{
    /// <summary>Candidate pairs read at most per look-alike query: a bound on the work of one call
    /// on a large registry (the page says when the list may be incomplete).</summary>
    public const int MaxLookAlikeCandidates = 20_000;

    public async Task<IReadOnlyList<ConsentAttentionRow>> AttentionAsync(DateOnly today, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        // A consent is documented as informed when its document reference is an evidence row
        // (a signed online form or a verbal note with its checklist). Refused and revoked consents
        // are decisions, not omissions: they are not listed.
        await using var command = Command(connection, null,
            "SELECT p.id, p.clinic_patient_id, p.family_name, p.given_name, c.method, c.expires_on, " +
            "CASE WHEN c.id IS NULL THEN 'missing' WHEN c.expires_on IS NOT NULL AND c.expires_on < @today THEN 'expired' ELSE 'not_documented' END " +
            "FROM patients p LEFT JOIN consents c ON c.id = p.current_consent_id LEFT JOIN consent_evidence e ON e.id = c.document_reference " +
            "WHERE c.id IS NULL OR (c.status = 'granted' AND ((c.expires_on IS NOT NULL AND c.expires_on < @today) OR e.id IS NULL)) " +
            "ORDER BY p.family_name, p.given_name, p.id LIMIT @limit;",
            ("today", dialect.DateParameter(today)), ("limit", (long)limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<ConsentAttentionRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ConsentAttentionRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                StorageNames.Parse<ConsentAttention>(reader.GetString(6)),
                Text(reader, 4) is { } method ? StorageNames.Parse<ConsentMethod>(method) : null,
                ConsentSqlDialect.ReadDate(reader, 5)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<LookAlikePair>> LookAlikePairsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Candidates share the key domain and either the skeleton or an affix bucket (the same keys
        // the check's near-miss search uses); NearMiss.IsCandidate then keeps the real near misses.
        const string Pair = "SELECT a.patient_id, a.address, a.skeleton, b.patient_id, b.address, b.skeleton FROM patient_addresses a JOIN patient_addresses b ON ";
        const string Apart = " AND b.address > a.address AND b.patient_id <> a.patient_id";
        const string Lengths = " AND b.local_length BETWEEN a.local_length - 2 AND a.local_length + 2";
        var outer = string.Concat(Enumerable.Range(-AddressKeys.MaxEditDistance, 2 * AddressKeys.MaxEditDistance + 1)
            .Select(d => " UNION " + Pair + OuterKeyJoin(d) + Apart));
        await using var command = Command(connection, null,
            "SELECT * FROM (" + Pair + "b.skeleton = a.skeleton" + Apart +
            " UNION " + Pair + "b.domain = a.domain AND b.local_prefix = a.local_prefix" + Lengths + Apart +
            " UNION " + Pair + "b.domain = a.domain AND b.local_suffix = a.local_suffix" + Lengths + Apart +
            outer +
            ") candidates ORDER BY 2, 5 LIMIT @scan;",
            ("scan", (long)MaxLookAlikeCandidates));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var pairs = new List<LookAlikePair>();
        while (pairs.Count < limit && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (NearMiss.IsCandidate(reader.GetString(2), reader.GetString(5)))
            {
                pairs.Add(new LookAlikePair(reader.GetString(0), reader.GetString(1), reader.GetString(3), reader.GetString(4)));
            }
        }

        return pairs;
    }

    /// <summary>The join on the outer key (a long local part's first and last characters, its middle
    /// left out: <see cref="AddressKeys.LocalOuter"/>), for registered addresses <paramref name="d"/>
    /// characters longer than <c>a</c>'s. An edit in the middle of a long local part breaks both the
    /// prefix and the suffix key; only the outer key stays whole. A local part of length l is keyed with
    /// <see cref="AddressKeys.OuterEndLength"/>(l) characters at each end, so <c>a</c>'s local part is
    /// cut at <c>b</c>'s length (as <see cref="AddressKeys.Probes"/> does for the check): an equality
    /// on b's (domain, local_length, local_outer) index. <c>substr</c>, <c>||</c> and integer
    /// division read the same in SQLite and PostgreSQL.</summary>
    private static string OuterKeyJoin(int d)
    {
        var length = d < 0 ? $"(a.local_length - {-d})" : $"(a.local_length + {d})";
        var end = $"({length} - (2 * {length} - 2) / 3 - 1)";
        return $"b.domain = a.domain AND b.local_length = {length} AND {length} >= {AddressKeys.MinLengthForOuterKey} " +
            $"AND b.local_outer <> '' AND 2 * {end} <= a.local_length " +
            $"AND b.local_outer = substr(a.skeleton, 1, {end}) || substr(a.skeleton, a.local_length - {end} + 1, {end})";
    }
}
