using ClinicMail.Core.Audit;

namespace ClinicMail.Infrastructure.Audit;

/// <summary>What the file and blob copies of the checkpoints share: one append or read at a time (a singleton's
/// lock), and an append that skips a checkpoint the copy already holds, so a retried append never writes a
/// line twice. Subclasses say how to read every line and how to append one.</summary>
public abstract class SerializedCheckpointCopy : IAuditCheckpointCopy, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task AppendAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await LastSequenceUnlockedAsync(cancellationToken).ConfigureAwait(false) >= checkpoint.Sequence)
            {
                return;
            }

            await AppendUnlockedAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadUnlockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The sequence of the last checkpoint copied, 0 when none; called under the lock.</summary>
    protected virtual async Task<long> LastSequenceUnlockedAsync(CancellationToken cancellationToken) =>
        (await ReadUnlockedAsync(cancellationToken).ConfigureAwait(false)).LastOrDefault()?.Sequence ?? 0;

    /// <summary>Appends one line (<see cref="CheckpointLines.Format"/>); called under the lock.</summary>
    protected abstract Task AppendUnlockedAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Every checkpoint copied, in sequence order; called under the lock.</summary>
    protected abstract Task<IReadOnlyList<AuditCheckpoint>> ReadUnlockedAsync(CancellationToken cancellationToken);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }
    }
}
