using Azure.Storage.Queues;
using ClinicMail.Core.Incoming;

namespace ClinicMail.Infrastructure.Mail.Incoming;

/// <summary>Production's incoming-mail queue: Azure Storage Queues (<c>Azure.Storage.Queues</c>). Messages
/// are Base64, as the Functions queue trigger reads them; the trigger retries and, after
/// <c>maxDequeueCount</c> (host.json), moves the message to <c>{name}-poison</c>.</summary>
public sealed class StorageQueueIncomingQueue : IIncomingQueue
{
    private readonly QueueClient _queue;
    private int _created;

    public StorageQueueIncomingQueue(QueueClient queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        _queue = queue;
    }

    public static QueueClientOptions Options() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    public QueueClient Client => _queue;

    public async Task EnqueueAsync(IncomingWorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (Interlocked.Exchange(ref _created, 1) == 0)
        {
            // Once per process: the queue exists from the first message on (Bicep creates it in Azure).
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await _queue.SendMessageAsync(WorkItemJson.Write(item), cancellationToken).ConfigureAwait(false);
    }
}
