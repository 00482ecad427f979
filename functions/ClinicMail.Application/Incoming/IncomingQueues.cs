using ClinicMail.Core.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary>The embedded default's <see cref="IIncomingQueue"/>: rows in the database (<see cref="IDatabaseQueue"/>).</summary>
public sealed class DatabaseIncomingQueue(IDatabaseQueue queue, TimeProvider time) : IIncomingQueue
{
    public Task EnqueueAsync(IncomingWorkItem item, CancellationToken cancellationToken = default) =>
        queue.EnqueueAsync(WorkItemJson.Write(item), time.GetUtcNow(), cancellationToken);
}

/// <summary>Drains the database queue in the embedded default: each item processed by
/// <see cref="IncomingMailProcessor"/>, retried with a growing delay, poisoned after
/// <see cref="IncomingMailOptions.MaxAttempts"/> (what the Functions host does for Storage Queues).</summary>
public sealed class DatabaseQueueWorker(
    IDatabaseQueue queue,
    IncomingMailProcessor processor,
    IncomingMailbook mailbook,
    TimeProvider time,
    ILogger<DatabaseQueueWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Set when something was enqueued, so the worker does not wait for its next poll.</summary>
    private readonly SemaphoreSlim _signal = new(0);

    public void Wake() => _signal.Release();

    /// <summary>Processes every visible item once; the number processed (tests and the service loop).</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        while (await queue.DequeueAsync(time.GetUtcNow(), Lease, cancellationToken).ConfigureAwait(false) is { } queued)
        {
            count++;
            var item = WorkItemJson.Read(queued.Payload);
            try
            {
                if (item is null)
                {
                    throw new InvalidDataException("The queue message is not a work item.");
                }

                await processor.ProcessAsync(item, cancellationToken).ConfigureAwait(false);
                await queue.DeleteAsync(queued.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var poison = item is null || queued.Attempts >= mailbook.Options.MaxAttempts;
                var retryAt = time.GetUtcNow().AddSeconds(Math.Pow(2, queued.Attempts));
                await queue.FailAsync(queued.Id, retryAt, poison, cancellationToken).ConfigureAwait(false);
                logger.LogWarning("Incoming queue item {QueueId} failed on attempt {Attempt} ({Error}){Poison}", queued.Id, queued.Attempts, ex.GetType().Name, poison ? ": poisoned" : "");
            }
        }

        return count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Incoming queue poll failed ({Error})", ex.GetType().Name);
            }

            try
            {
                await _signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }
}
