using ClinicMail.Infrastructure.Mail.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary>The embedded default's inbox: watches the drop folder (<c>.data/mail-inbox/</c>) for .eml
/// files and enqueues each on the database queue. A FileSystemWatcher wakes it at once; a scan every
/// second catches what the watcher misses (network folders, a burst).</summary>
public sealed class DropFolderWatcher(
    DropFolderTransport transport,
    DatabaseIncomingQueue queue,
    DatabaseQueueWorker worker,
    ILogger<DropFolderWatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>Takes every .eml now in the folder; how many were enqueued.</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(transport.DropFolder);
        var count = 0;
        foreach (var path in Directory.EnumerateFiles(transport.DropFolder, "*.eml").Order(StringComparer.Ordinal))
        {
            if (await transport.AcceptAsync(path, cancellationToken).ConfigureAwait(false) is { } item)
            {
                await queue.EnqueueAsync(item, cancellationToken).ConfigureAwait(false);
                count++;
            }
        }

        if (count > 0)
        {
            worker.Wake();
        }

        return count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Directory.CreateDirectory(transport.DropFolder);
        using var watcher = new FileSystemWatcher(transport.DropFolder, "*.eml") { EnableRaisingEvents = true };
        watcher.Created += (_, _) => _signal.Release();
        watcher.Renamed += (_, _) => _signal.Release();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Drop folder scan failed ({Error})", ex.GetType().Name);
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
