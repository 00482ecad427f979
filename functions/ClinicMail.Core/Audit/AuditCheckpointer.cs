namespace ClinicMail.Core.Audit;

/// <summary>Signs the chain head and records that it did. Used by the background service (every N
/// records or T minutes) and on demand before an export or a retention purge, so what leaves or is
/// removed is always covered by a signature. Serialised within the process: two callers never sign the
/// same head twice; across processes sharing the store, <see cref="IAuditCheckpointLock"/> (when given)
/// does the same, so the checkpoints form one chain however many instances sign.</summary>
/// <remarks>A singleton (it owns the lock). It never seals a forgery: before signing it verifies the
/// records since the newest valid checkpoint, the chain of checkpoints and the copy outside the database,
/// and on any break it raises the alert and refuses (<see cref="AuditIntegrityException"/>).</remarks>
public sealed class AuditCheckpointer(
    IAuditReviewStore store,
    IAuditWriter writer,
    IAuditSigningKey key,
    TimeProvider time,
    AuditVerifier verifier,
    IAuditCheckpointCopy? copy = null,
    IAuditIntegrityAlert? alert = null,
    AuditHeadWitness? witness = null,
    IAuditCheckpointLock? sharedLock = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The newest checkpoint in the store, or null.</summary>
    public async Task<AuditCheckpoint?> LatestAsync(CancellationToken cancellationToken = default)
    {
        var all = await store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false);
        return all.Count == 0 ? null : all[^1];
    }

    /// <summary>Records appended since the newest checkpoint, not counting the checkpoint's own event.</summary>
    public async Task<(AuditChainHead? Head, AuditCheckpoint? Latest, long Pending)> PendingAsync(CancellationToken cancellationToken = default)
    {
        var head = await store.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        var latest = await LatestAsync(cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return (null, latest, 0);
        }

        await ObserveAsync(head, cancellationToken).ConfigureAwait(false);

        var pending = head.Sequence - (latest?.Sequence ?? 0);
        if (pending == 1 && latest is not null)
        {
            // The record right after a checkpoint is usually that checkpoint's own event: signing it
            // alone would make every poll produce a new checkpoint forever.
            var next = await store.FindAsync(head.Sequence, cancellationToken).ConfigureAwait(false);
            if (next?.Event == AuditEventType.AuditCheckpointSigned)
            {
                pending = 0;
            }
        }

        return (head, latest, Math.Max(0, pending));
    }

    /// <summary>Signs the current head unless it is already covered; returns the checkpoint that covers
    /// everything appended before this call (new or existing), or null for an empty log.</summary>
    /// <param name="reason">Why (background, export, retention): recorded in the chain as a code.</param>
    /// <param name="cancellationToken">Cancels before signing.</param>
    public async Task<AuditCheckpoint?> CheckpointAsync(string reason, CancellationToken cancellationToken = default) =>
        (await SignPendingAsync(reason, cancellationToken).ConfigureAwait(false)).Checkpoint;

    /// <summary>Like <see cref="CheckpointAsync"/>, and says whether this call made the checkpoint. With
    /// several instances on one store, the checkpoint returned may be another instance's (it signed while
    /// this one waited for the lock): only <see cref="AuditCheckpointResult.SignedHere"/> may be reported
    /// as "signed" by this instance.</summary>
    public async Task<AuditCheckpointResult> SignPendingAsync(string reason, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Read the newest checkpoint only once no other instance is signing: the one we link to must
            // be the last one, or two checkpoints would follow it (a fork).
            await using var held = sharedLock is null ? null : await sharedLock.AcquireAsync(cancellationToken).ConfigureAwait(false);
            var (head, latest, pending) = await PendingAsync(cancellationToken).ConfigureAwait(false);
            if (head is null || pending == 0)
            {
                return new AuditCheckpointResult(latest, SignedHere: false);
            }

            var verification = await verifier.VerifyAsync(head, cancellationToken).ConfigureAwait(false);
            if (!verification.Ok)
            {
                alert?.Raise(verification);
                throw new AuditIntegrityException(verification);
            }

            if (copy is not null)
            {
                // A checkpoint whose copy failed last time (store or network) is copied now; it was just
                // verified, so it is the key's own.
                var copied = await copy.ReadAllAsync(cancellationToken).ConfigureAwait(false);
                var through = copied.Count == 0 ? 0 : copied[^1].Sequence;
                foreach (var missing in (await store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false)).Where(c => c.Sequence > through))
                {
                    await copy.AppendAsync(missing, cancellationToken).ConfigureAwait(false);
                }
            }

            var checkpoint = await AuditCheckpoints.SignAsync(key, head.Sequence, head.Hash, time.GetUtcNow(), latest, cancellationToken).ConfigureAwait(false);
            await store.SaveCheckpointAsync(checkpoint, cancellationToken).ConfigureAwait(false);
            if (copy is not null)
            {
                // Outside the database: what a database writer cannot delete. Written after the row, so a
                // copy never names a checkpoint the database never had.
                await copy.AppendAsync(checkpoint, CancellationToken.None).ConfigureAwait(false);
            }

            // The chain itself says a checkpoint was made, so deleting its row is detected (AuditVerifier).
            await writer.AppendAsync(new AuditEntry
            {
                Event = AuditEventType.AuditCheckpointSigned,
                ActorObjectId = "system:checkpoint",
                Data = new Dictionary<string, object?>
                {
                    [AuditVerifier.CheckpointSequenceKey] = checkpoint.Sequence,
                    ["checkpointHash"] = checkpoint.Hash,
                    ["keyId"] = checkpoint.KeyId,
                    ["reason"] = reason,
                },
            }, CancellationToken.None).ConfigureAwait(false);
            return new AuditCheckpointResult(checkpoint, SignedHere: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Moves the witness to <paramref name="head"/> only while the record it saw last is unchanged:
    /// otherwise it keeps the old head, so verification (and the next signing) reports the rewrite.</summary>
    private async Task ObserveAsync(AuditChainHead head, CancellationToken cancellationToken)
    {
        if (witness is null)
        {
            return;
        }

        if (witness.Seen is { } seen)
        {
            if (head.Sequence < seen.Sequence)
            {
                return;
            }

            var record = await store.FindAsync(seen.Sequence, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                // Gone: legitimately only when a retention purge removed it.
                var anchor = await store.ReadAnchorAsync(cancellationToken).ConfigureAwait(false);
                if (anchor is null || anchor.Sequence < seen.Sequence)
                {
                    return;
                }
            }
            else if (!string.Equals(record.Hash, seen.Hash, StringComparison.Ordinal))
            {
                return;
            }
        }

        witness.Observe(head);
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>The checkpoint covering the log after a signing call, and whether that call signed it
/// (false: the head was already covered, possibly by another instance's checkpoint).</summary>
public sealed record AuditCheckpointResult(AuditCheckpoint? Checkpoint, bool SignedHere);
