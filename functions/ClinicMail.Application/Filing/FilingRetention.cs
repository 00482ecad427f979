using ClinicMail.Application.Configuration;
using ClinicMail.Core.Filing;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Filing;

/// <summary>The filing outbox's retention, run with the secure purge (the local host's purge service
/// and the worker's purge timer): rows older than the secure messages' longest life
/// (<c>Secure:MaxExpiryDays</c>) are expired and shredded when undelivered, deleted when delivered or
/// dismissed — the record itself lives at the destination, the outbox held only a sealed copy.</summary>
public sealed class FilingRetention(IFilingOutboxStore outbox, IOptions<SecureOptions> secure, TimeProvider time, ILogger<FilingRetention> logger)
{
    /// <returns>The rows expired or deleted.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var before = time.GetUtcNow() - TimeSpan.FromDays(secure.Value.MaxExpiryDays);
        var touched = await outbox.ExpireAsync(before, cancellationToken).ConfigureAwait(false);
        if (touched > 0)
        {
            logger.LogInformation("Record filing retention: {Rows} outbox rows expired or removed", touched);
        }

        return touched;
    }
}
