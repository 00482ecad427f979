using ClinicMail.Application.Background;
using ClinicMail.Infrastructure.Mail.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary>The embedded default's inbox: watches the drop folder (<c>.data/mail-inbox/</c>) for .eml
/// files and enqueues each on the database queue. A FileSystemWatcher wakes it at once; a scan every
/// second catches what the watcher misses (network folders, a burst).</summary>
public sealed class DropFolderWatcher(
    DropFolderTransport transport,
    DatabaseIncomingQueue queue,
    DatabaseQueueWorker worker,
    TimeProvider time,
    ILogger<DropFolderWatcher> logger) : BackgroundService
{
    /// <summary>A scan a second (the watcher wakes it sooner); a failing scan (disk, database) backs off up to 30 s.</summary>
    private readonly PeriodicWork _work = new("drop-folder", TimeSpan.FromSeconds(1), new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), time, logger);

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
        watcher.Created += (_, _) => _work.Wake();
        watcher.Renamed += (_, _) => _work.Wake();
        await _work.RunAsync(async ct => await ScanAsync(ct).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
    }
}
