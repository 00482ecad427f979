using System.Threading.Channels;
using ClinicMail.Core.Audit;

namespace ClinicMail.Infrastructure.Audit;

/// <summary>Group commit for the audit chain: concurrent requests enqueue their entry and await it;
/// one loop appends whatever has queued up in a single transaction and completes every waiter.
/// Under load this turns hundreds of tiny transactions into a few larger ones, while each caller
/// still gets its record back only once it is durably linked into the chain. If the store fails,
/// every waiter of that batch gets <see cref="AuditUnavailableException"/> — never a silent drop.</summary>
public sealed class BatchingAuditWriter : IAuditWriter, IAsyncDisposable
{
    /// <summary>Most entries in one transaction: bounds the latency of the last waiter.</summary>
    public const int MaxBatch = 256;

    private readonly IAuditStore _store;
    private readonly TimeProvider _time;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly Task _loop;

    public BatchingAuditWriter(IAuditStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _loop = Task.Run(RunAsync);
    }

    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(entry, new TaskCompletionSource<AuditRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new AuditUnavailableException("The audit writer is shut down.", ex);
        }

        // Not cancellable once queued: the record may already be in the chain, and the caller must
        // learn its fate rather than assume either outcome.
        return await pending.Completion.Task.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                var records = await _store.AppendBatchAsync([.. batch.Select(p => p.Entry)], _time.GetUtcNow()).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(records[i]);
                }
            }
#pragma warning disable CA1031 // Every waiter must be released with the failure; the loop must survive to serve the next batch.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var failure = ex as AuditUnavailableException ?? new AuditUnavailableException("The audit store could not record the event.", ex);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(failure);
                }
            }
        }
    }

    private sealed record Pending(AuditEntry Entry, TaskCompletionSource<AuditRecord> Completion);
}
