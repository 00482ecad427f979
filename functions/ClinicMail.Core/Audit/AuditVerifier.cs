using System.Text.Json;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Core.Audit;

/// <summary>Verifies the whole audit log as stored: the hash chain from the anchor (genesis, or the
/// signed checkpoint a retention purge kept), every checkpoint signature and the chain of checkpoints
/// (each signs the link to the one before), that each checkpoint matches the record at its position,
/// that no checkpoint was deleted (the chain records each one, and the copy outside the database keeps
/// each one), the head row (a cut-off tail), the head this process last saw, and that no more records —
/// or no older ones — follow the newest checkpoint than the policy allows. Streams the records: memory
/// does not grow with the log. Reports the first problem found.</summary>
/// <remarks>Stateless apart from its dependencies; a singleton.</remarks>
public sealed class AuditVerifier(IAuditReviewStore store, IAuditSigningKey key, long maxUnsignedRecords)
{
    /// <summary>The data key of <see cref="AuditEventType.AuditCheckpointSigned"/> that names the checkpoint.</summary>
    public const string CheckpointSequenceKey = "checkpointSequence";

    /// <summary>The copy of the checkpoints kept outside the database; null only in tests of the
    /// database alone (production and the embedded default always have one).</summary>
    public IAuditCheckpointCopy? Copy { get; init; }

    /// <summary>Verifies version-1 checkpoints, signed with the key-encryption key before the signing key existed.</summary>
    public IKeyEncryptionKey? LegacyKey { get; init; }

    /// <summary>The time rule: the oldest record not covered by a checkpoint may be at most this old
    /// (null: no time rule).</summary>
    public TimeSpan? MaxUnsignedAge { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The head this process saw earlier (the checkpointer's poll), or null.</summary>
    public AuditHeadWitness? Witness { get; init; }

    /// <exception cref="KeyProviderException">The key provider could not be reached to check signatures.</exception>
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        VerifyAsync(null, cancellationToken);

    /// <summary>With <paramref name="expectedHead"/> (the checkpointer, before signing it): walks only the
    /// records from the newest valid checkpoint, checks that the walk reaches that head with its hash,
    /// and skips the unsigned-tail rules (signing is what satisfies them). Every checkpoint, the chain of
    /// checkpoints and the copy are still checked.</summary>
    /// <exception cref="KeyProviderException">The key provider could not be reached to check signatures.</exception>
    public async Task<AuditVerification> VerifyAsync(AuditChainHead? expectedHead, CancellationToken cancellationToken = default)
    {
        // On a live log, records and checkpoints are appended while this runs (checks, other instances'
        // checkpointers). Everything is read in the order that makes a concurrent append harmless: the head
        // first (the walk must reach it; what lies beyond it was appended meanwhile), then the copy outside the
        // database (a checkpoint is copied only after its row is saved, so each copied one is in the rows read
        // next), then the rows.
        var headBefore = expectedHead is null ? await store.ReadHeadAsync(cancellationToken).ConfigureAwait(false) : null;
        var anchor = await store.ReadAnchorAsync(cancellationToken).ConfigureAwait(false);
        var anchorSequence = anchor?.Sequence ?? 0;
        var copies = Copy is null ? null : await Copy.ReadAllAsync(cancellationToken).ConfigureAwait(false);

        // Signatures first: a forged checkpoint is reported where it claims to be.
        var checkpoints = new SortedList<long, AuditCheckpoint>();
        foreach (var checkpoint in await store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await AuditCheckpoints.IsSignedAsync(key, LegacyKey, checkpoint, cancellationToken).ConfigureAwait(false))
            {
                return Fail(checkpoint.Sequence, AuditBreak.CheckpointMismatch, 0, "signature_invalid", anchorSequence);
            }

            checkpoints[checkpoint.Sequence] = checkpoint;
        }

        if (copies is not null)
        {
            // Every checkpoint copied outside the database must still be in it, unchanged. (A row not yet
            // copied is not a forgery: only the key could have signed it.)
            foreach (var copied in copies)
            {
                if (!checkpoints.TryGetValue(copied.Sequence, out var stored))
                {
                    return Fail(copied.Sequence, AuditBreak.CheckpointMismatch, 0, "checkpoint_deleted", anchorSequence);
                }

                if (!AuditCheckpoints.SameAs(stored, copied))
                {
                    return Fail(copied.Sequence, AuditBreak.CheckpointMismatch, 0, "checkpoint_copy_mismatch", anchorSequence);
                }
            }
        }

        // Each chained checkpoint signs its predecessor's link: a deleted, inserted or replayed checkpoint
        // breaks the next one. Version 1 never follows version 2 (no downgrade).
        AuditCheckpoint? previous = null;
        foreach (var checkpoint in checkpoints.Values)
        {
            var chained = checkpoint.Previous is { } link
                ? string.Equals(link, previous is null ? AuditCheckpoints.FirstLink : AuditCheckpoints.Link(previous), StringComparison.Ordinal)
                : previous?.Previous is null;
            if (!chained)
            {
                return Fail(checkpoint.Sequence, AuditBreak.CheckpointMismatch, 0, "checkpoint_chain_broken", anchorSequence);
            }

            previous = checkpoint;
        }

        // After a purge the anchor replaces the genesis; it is only trusted when a signature vouches for it.
        if (anchor is not null && (!checkpoints.TryGetValue(anchor.Sequence, out var signedAnchor)
                                   || !string.Equals(signedAnchor.Hash, anchor.Hash, StringComparison.Ordinal)))
        {
            return Fail(anchor.Sequence, AuditBreak.CheckpointMismatch, 0, "anchor_not_signed", anchorSequence);
        }

        var lastCheckpoint = checkpoints.Count > 0 ? Math.Max(checkpoints.Keys[^1], anchorSequence) : anchorSequence;
        var start = (Sequence: anchorSequence, Hash: anchor?.Hash ?? AuditChain.GenesisHash);
        if (expectedHead is not null && lastCheckpoint > anchorSequence)
        {
            // Incremental: the newest checkpoint's record must still be the signed one; walk from there.
            var signed = checkpoints[lastCheckpoint];
            var record = await store.FindAsync(lastCheckpoint, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return Fail(lastCheckpoint, AuditBreak.Missing, 0, "signed_record_missing", anchorSequence);
            }

            if (!string.Equals(record.Hash, signed.Hash, StringComparison.Ordinal)
                || !string.Equals(AuditChain.ComputeHash(record), record.Hash, StringComparison.Ordinal))
            {
                return Fail(lastCheckpoint, AuditBreak.CheckpointMismatch, 0, "hash_mismatch", anchorSequence);
            }

            start = (lastCheckpoint, signed.Hash);
        }

        var witnessed = Witness?.Seen;
        var walker = new AuditChainWalker(start.Sequence, start.Hash);
        var referenced = new List<long>();
        DateTimeOffset? oldestUnsigned = null;
        await foreach (var record in store.ReadAllAsync(start.Sequence, cancellationToken).ConfigureAwait(false))
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

            if (witnessed is not null && record.Sequence == witnessed.Sequence && !string.Equals(witnessed.Hash, record.Hash, StringComparison.Ordinal))
            {
                // Not signed yet, but this process saw it with another hash: the unsigned tail was rewritten.
                return Fail(record.Sequence, AuditBreak.Altered, walker.Count - 1, "witnessed_head_mismatch", anchorSequence);
            }

            if ((expectedHead ?? headBefore) is { } knownHead && record.Sequence == knownHead.Sequence && !string.Equals(knownHead.Hash, record.Hash, StringComparison.Ordinal))
            {
                return Fail(record.Sequence, AuditBreak.HeadMismatch, walker.Count - 1, "head_hash_mismatch", anchorSequence);
            }

            if (record.Sequence > lastCheckpoint && oldestUnsigned is null && record.Event != AuditEventType.AuditCheckpointSigned)
            {
                oldestUnsigned = record.At;
            }

            // A checkpoint event appended after the head was read may name a row signed after the rows were read.
            if (record.Event == AuditEventType.AuditCheckpointSigned && (expectedHead is not null || record.Sequence <= (headBefore?.Sequence ?? 0))
                && CheckpointNamedBy(record) is { } named)
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

        if (witnessed is not null && last < witnessed.Sequence && witnessed.Sequence > anchorSequence)
        {
            return Fail(last + 1, AuditBreak.HeadMismatch, walker.Count, "tail_truncated", anchorSequence);
        }

        if (expectedHead is not null)
        {
            // The checkpointer's walk: the head it is about to sign must have been reached, unchanged. The
            // head row may already have moved on (appends go on while it walks), so it is not compared.
            return last < expectedHead.Sequence
                ? Fail(last + 1, AuditBreak.HeadMismatch, walker.Count, "tail_truncated", anchorSequence)
                : walker.Result() with { AnchorSequence = anchorSequence, LastCheckpointSequence = lastCheckpoint };
        }

        // The walk went past the head read first: records were appended meanwhile, and the head row moved with
        // them. Read it again; it must now name the last record walked, or a later one appended since.
        var head = headBefore is null || headBefore.Sequence < last ? await store.ReadHeadAsync(cancellationToken).ConfigureAwait(false) : headBefore;
        var movedOn = !ReferenceEquals(head, headBefore);
        var headProblem = head switch
        {
            null when last > 0 => (At: last, Detail: "head_missing"),
            null => default,
            _ when head.Sequence > last && movedOn => default,
            _ when head.Sequence > last => (At: last + 1, Detail: "tail_truncated"),
            _ when head.Sequence < last => (At: head.Sequence + 1, Detail: "records_after_head"),
            _ when !string.Equals(head.Hash, walker.LastHash, StringComparison.Ordinal) => (At: last, Detail: "head_hash_mismatch"),
            _ => default,
        };
        if (headProblem.Detail is not null)
        {
            return Fail(headProblem.At, AuditBreak.HeadMismatch, walker.Count, headProblem.Detail, anchorSequence);
        }

        var unsigned = last - lastCheckpoint;
        if (unsigned > maxUnsignedRecords)
        {
            return Fail(lastCheckpoint + 1, AuditBreak.Unsigned, walker.Count, "unsigned_tail", anchorSequence) with { UnsignedRecords = unsigned };
        }

        if (MaxUnsignedAge is { } age && oldestUnsigned is { } oldest && Time.GetUtcNow() - oldest > age)
        {
            // The time rule: the checkpointer signs every Audit:CheckpointInterval, so a record left
            // unsigned much longer means the signatures the policy promises are missing.
            return Fail(lastCheckpoint + 1, AuditBreak.Unsigned, walker.Count, "unsigned_too_long", anchorSequence) with { UnsignedRecords = unsigned };
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
