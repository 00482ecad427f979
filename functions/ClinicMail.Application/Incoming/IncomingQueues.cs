using ClinicMail.Application.Background;
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

    /// <summary>An item's retries: 2 s, 4 s, 8 s… (jittered), at most 5 minutes apart.</summary>
    internal static readonly RetryBackoff ItemRetry = new(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5));

    /// <summary>A poll a second, sooner when woken; a failing poll (database down) backs off up to 30 s.</summary>
    private readonly PeriodicWork _work = new("incoming-queue", TimeSpan.FromSeconds(1), new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), time, logger);

    /// <summary>Something was enqueued: the worker does not wait for its next poll.</summary>
    public void Wake() => _work.Wake();

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
                var retryAt = time.GetUtcNow() + ItemRetry.Delay(Math.Max(queued.Attempts, 1), RetryBackoff.Draw());
                await queue.FailAsync(queued.Id, retryAt, poison, cancellationToken).ConfigureAwait(false);
                logger.LogWarning("Incoming queue item {QueueId} failed on attempt {Attempt} ({Error}){Poison}", queued.Id, queued.Attempts, ex.GetType().Name, poison ? ": poisoned" : "");
            }
        }

        return count;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _work.RunAsync(async ct => await DrainAsync(ct).ConfigureAwait(false), stoppingToken);
}
