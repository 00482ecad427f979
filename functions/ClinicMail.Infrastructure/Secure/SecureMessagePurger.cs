using ClinicMail.Core.Audit;
using ClinicMail.Core.Secure;

namespace ClinicMail.Infrastructure.Secure;

/// <summary>The scheduled purge: every active message past its expiry is closed and its data keys
/// destroyed (crypto-shredding), each step audited. Run by the timer function in Azure and by a
/// background service when standalone; safe to run concurrently (closing is conditional on "active").</summary>
public sealed class SecureMessagePurger(ISecureMessageStore store, IAuditWriter audit, TimeProvider time)
{
    public const string Actor = "system:purge";

    /// <summary>Purges up to <paramref name="limit"/> expired messages; returns how many it shredded.</summary>
    public async Task<int> PurgeExpiredAsync(int limit = 500, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var due = await store.FindExpiredAsync(now, limit, cancellationToken).ConfigureAwait(false);
        var purged = 0;
        foreach (var id in due)
        {
            var keys = await store.CloseAndShredAsync(id, SecureMessageStatus.Expired, now, cancellationToken).ConfigureAwait(false);
            if (keys is null)
            {
                continue;
            }

            purged++;
            await audit.AppendAsync(new AuditEntry { Event = AuditEventType.SecureMessageExpired, ActorObjectId = Actor, SubjectId = id }, cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(new AuditEntry
            {
                Event = AuditEventType.SecureMessageShredded,
                ActorObjectId = Actor,
                SubjectId = id,
                Data = new Dictionary<string, object?> { ["keysDestroyed"] = keys.Value, ["reason"] = "expired" },
            }, cancellationToken).ConfigureAwait(false);
        }

        return purged;
    }
}
