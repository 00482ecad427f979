using System.Runtime.CompilerServices;
using ClinicMail.Core.Audit;

namespace ClinicMail.Infrastructure.Tests.Audit;

/// <summary>The real review store, except that its record walk runs <paramref name="duringWalk"/> once, after the
/// first record it yields: what a live log does to a verification (checks appended, another instance signing a
/// checkpoint) while the verifier walks.</summary>
internal sealed class WalkInterruptingReviewStore(IAuditReviewStore inner, Func<Task> duringWalk) : IAuditReviewStore
{
    private int _interrupted;

    public async IAsyncEnumerable<AuditRecord> ReadAllAsync(long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var record in inner.ReadAllAsync(afterSequence, cancellationToken).ConfigureAwait(false))
        {
            yield return record;
            if (Interlocked.Exchange(ref _interrupted, 1) == 0)
            {
                await duringWalk().ConfigureAwait(false);
            }
        }
    }

    public Task<AuditRecord?> FindByCheckIdAsync(string checkId, AuditEventType type, CancellationToken cancellationToken = default) =>
        inner.FindByCheckIdAsync(checkId, type, cancellationToken);

    public Task<AuditPage> SearchAsync(AuditFilter filter, long? cursor, int limit, bool newestFirst, CancellationToken cancellationToken = default) =>
        inner.SearchAsync(filter, cursor, limit, newestFirst, cancellationToken);

    public IAsyncEnumerable<AuditRecord> StreamAsync(AuditFilter filter, CancellationToken cancellationToken = default) => inner.StreamAsync(filter, cancellationToken);

    public Task<AuditRecord?> FindAsync(long sequence, CancellationToken cancellationToken = default) => inner.FindAsync(sequence, cancellationToken);

    public Task<AuditStatistics> StatisticsAsync(AuditFilter filter, int top, CancellationToken cancellationToken = default) =>
        inner.StatisticsAsync(filter, top, cancellationToken);

    public Task<AuditChainHead?> ReadHeadAsync(CancellationToken cancellationToken = default) => inner.ReadHeadAsync(cancellationToken);

    public Task SaveCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default) => inner.SaveCheckpointAsync(checkpoint, cancellationToken);

    public Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken = default) => inner.ReadCheckpointsAsync(cancellationToken);

    public Task<AuditAnchor?> ReadAnchorAsync(CancellationToken cancellationToken = default) => inner.ReadAnchorAsync(cancellationToken);

    public Task<long> LastSequenceBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => inner.LastSequenceBeforeAsync(cutoff, cancellationToken);

    public Task<AuditPurge> PurgeThroughAsync(AuditCheckpoint checkpoint, DateTimeOffset justificationCutoff, CancellationToken cancellationToken = default) =>
        inner.PurgeThroughAsync(checkpoint, justificationCutoff, cancellationToken);

    public Task<OverrideJustification?> FindJustificationAsync(string overrideId, CancellationToken cancellationToken = default) =>
        inner.FindJustificationAsync(overrideId, cancellationToken);
}
