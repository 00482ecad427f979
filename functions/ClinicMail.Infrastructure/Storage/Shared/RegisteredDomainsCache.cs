namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>The set of registered domains, kept for <see cref="Lifetime"/>. The set is small and
/// changes rarely (a new provider or employer), but the loose index scan that reads it costs
/// about a millisecond on PostgreSQL — more than the rest of a check. Staleness is bounded and
/// harmless: a domain registered in the last minute is only missing as a target of the
/// domain-typo correction (the exact and same-domain near-miss look-ups never use this set).</summary>
internal sealed class RegisteredDomainsCache(TimeProvider? time = null)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    // A reference, so readers on other threads see a whole entry or none (no torn struct).
    private volatile Entry? _current;

    public async Task<IReadOnlySet<string>> GetAsync(Func<CancellationToken, Task<IReadOnlySet<string>>> load, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_current is { } current && current.Until > now)
        {
            return current.Domains;
        }

        // Concurrent misses may both load: harmless, the last one wins.
        var domains = await load(cancellationToken).ConfigureAwait(false);
        _current = new Entry(domains, now + Lifetime);
        return domains;
    }

    private sealed record Entry(IReadOnlySet<string> Domains, DateTimeOffset Until);
}
