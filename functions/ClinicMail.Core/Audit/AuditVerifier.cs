using System.Text.Json;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Core.Audit;

/// <summary>Verifies the whole audit log as stored: the hash chain from the anchor (genesis, or the
/// signed checkpoint a retention purge kept), every checkpoint signature, that each checkpoint matches
/// the record at its position, that no checkpoint was deleted (the chain records each one), the head row
/// (a cut-off tail), and that no more records follow the newest checkpoint than the policy allows.
/// Streams the records: memory does not grow with the log. Reports the first problem found.</summary>
/// <remarks>Stateless apart from its dependencies; a singleton.</remarks>
public sealed class AuditVerifier(IAuditReviewStore store, IKeyEncryptionKey key, long maxUnsignedRecords)
{
    /// <summary>The data key of <see cref="AuditEventType.AuditCheckpointSigned"/> that names the checkpoint.</summary>
    public const string CheckpointSequenceKey = "checkpointSequence";

    /// <exception cref="KeyProviderException">The key provider could not be reached to check signatures.</exception>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var anchor = await store.ReadAnchorAsync(cancellationToken).ConfigureAwait(false);
        var anchorSequence = anchor?.Sequence ?? 0;

        // Signatures first: a forged checkpoint is reported where it claims to be.
        var checkpoints = new SortedList<long, AuditCheckpoint>();
        foreach (var checkpoint in await store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await AuditCheckpoints.IsSignedAsync(key, checkpoint, cancellationToken).ConfigureAwait(false))
            {
                return Fail(checkpoint.Sequence, AuditBreak.CheckpointMismatch, 0, "signature_invalid", anchorSequence);
            }

            checkpoints[checkpoint.Sequence] = checkpoint;
        }

        // After a purge the anchor replaces the genesis; it is only trusted when a signature vouches for it.
        if (anchor is not null && (!checkpoints.TryGetValue(anchor.Sequence, out var signedAnchor)
                                   || !string.Equals(signedAnchor.Hash, anchor.Hash, StringComparison.Ordinal)))
        {
            return Fail(anchor.Sequence, AuditBreak.CheckpointMismatch, 0, "anchor_not_signed", anchorSequence);
        }

        var walker = anchor is null ? new AuditChainWalker() : new AuditChainWalker(anchor.Sequence, anchor.Hash);
        var referenced = new List<long>();
        await foreach (var record in store.ReadAllAsync(anchorSequence, cancellationToken).ConfigureAwait(false))
        {
            if (walker.Next(record) is { } broken)
            {
                return broken with { AnchorSequence = anchorSequence };
            }

            if (checkpoints.TryGetValue(record.Sequence, out var checkpoint) && !string.Equals(checkpoint.Hash, record.Hash, StringComparison.Ordinal))
            {
                // The chain links, but not to what was signed: rewritten by someone without the key.
                return Fail(record.Sequence, AuditBreak.CheckpointMismatch, walker.Count - 1, "hash_mismatch", anchorSequence);
            }

            if (record.Event == AuditEventType.AuditCheckpointSigned && CheckpointNamedBy(record) is { } named)
            {
                referenced.Add(named);
            }
        }

        var last = walker.LastSequence;
        if (checkpoints.Keys.FirstOrDefault(s => s > last) is > 0 and var beyond)
        {
            // A signature vouches for a record that is gone: the tail was cut off (head row rewritten too).
            return Fail(last + 1, AuditBreak.Missing, walker.Count, beyond == last + 1 ? "signed_record_missing" : "tail_truncated_before_checkpoint", anchorSequence);
        }

        if (referenced.FirstOrDefault(s => s > anchorSequence && !checkpoints.ContainsKey(s)) is > 0 and var deleted)
        {
            return Fail(deleted, AuditBreak.CheckpointMismatch, walker.Count, "checkpoint_deleted", anchorSequence);
        }

        var head = await store.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        var headProblem = head switch
        {
            null when last > 0 => (At: last, Detail: "head_missing"),
            null => default,
            _ when head.Sequence > last => (At: last + 1, Detail: "tail_truncated"),
            _ when head.Sequence < last => (At: head.Sequence + 1, Detail: "records_after_head"),
            _ when !string.Equals(head.Hash, walker.LastHash, StringComparison.Ordinal) => (At: last, Detail: "head_hash_mismatch"),
            _ => default,
        };
        if (headProblem.Detail is not null)
        {
            return Fail(headProblem.At, AuditBreak.HeadMismatch, walker.Count, headProblem.Detail, anchorSequence);
        }

        var lastCheckpoint = checkpoints.Count > 0 ? Math.Max(checkpoints.Keys[^1], anchorSequence) : anchorSequence;
        var unsigned = last - lastCheckpoint;
        if (unsigned > maxUnsignedRecords)
        {
            return Fail(lastCheckpoint + 1, AuditBreak.Unsigned, walker.Count, "unsigned_tail", anchorSequence) with { UnsignedRecords = unsigned };
        }

        return walker.Result() with
        {
            AnchorSequence = anchorSequence,
            CheckpointsVerified = checkpoints.Keys.Count(s => s >= anchorSequence),
            LastCheckpointSequence = lastCheckpoint,
            UnsignedRecords = unsigned,
        };
    }

    private static AuditVerification Fail(long at, AuditBreak problem, long verified, string detail, long anchor) =>
        AuditVerification.Broken(at, problem, verified, detail) with { AnchorSequence = anchor };

    private static long? CheckpointNamedBy(AuditRecord record)
    {
        try
        {
            using var data = JsonDocument.Parse(record.DataJson);
            return data.RootElement.TryGetProperty(CheckpointSequenceKey, out var value) && value.TryGetInt64(out var sequence) ? sequence : null;
        }
        catch (JsonException)
        {
            // The record's own hash was verified: malformed data here was written that way, not tampered.
            return null;
        }
    }
}
