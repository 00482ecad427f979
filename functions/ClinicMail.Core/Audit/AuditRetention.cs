namespace ClinicMail.Core.Audit;

/// <summary>Removes records older than the retention period, but only up to a signed checkpoint, so
/// verification can start from that checkpoint (the anchor) and still prove nothing else was touched.
/// Records past the period that no checkpoint covers yet stay until one does. Override justification
/// texts older than the period are removed too (their keyed hash stays in the chain).</summary>
public sealed class AuditRetention(IAuditReviewStore store, AuditCheckpointer checkpointer, IAuditWriter writer, TimeProvider time)
{
    /// <summary>Runs one purge with <paramref name="retentionDays"/>; null when there was nothing to remove.</summary>
    public async Task<AuditPurge?> PurgeAsync(int retentionDays, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retentionDays);
        var cutoff = time.GetUtcNow().AddDays(-retentionDays);

        // Sign what exists now, so the newest records past the period can be covered in this run.
        await checkpointer.CheckpointAsync("retention", cancellationToken).ConfigureAwait(false);
        var lastExpired = await store.LastSequenceBeforeAsync(cutoff, cancellationToken).ConfigureAwait(false);
        var anchor = await store.ReadAnchorAsync(cancellationToken).ConfigureAwait(false);
        var covering = (await store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false))
            .LastOrDefault(c => c.Sequence <= lastExpired && c.Sequence > (anchor?.Sequence ?? 0));
        if (covering is null)
        {
            return null;
        }

        var purge = await store.PurgeThroughAsync(covering, cutoff, cancellationToken).ConfigureAwait(false);
        await writer.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.AuditRetentionPurged,
            ActorObjectId = "system:retention",
            Data = new Dictionary<string, object?>
            {
                ["throughSequence"] = purge.ThroughSequence,
                ["recordsRemoved"] = purge.RecordsRemoved,
                ["justificationsRemoved"] = purge.JustificationsRemoved,
                ["retentionDays"] = retentionDays,
            },
        }, CancellationToken.None).ConfigureAwait(false);
        return purge;
    }
}
