using ClinicMail.Application.Background;
using ClinicMail.Core.Filing;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Filing;

/// <summary>The local host's delivery worker: delivers as long as rows are due, then waits for a wake-up
/// (something recorded in this process) or the poll interval (rows recorded by the database trigger or
/// another process). The Functions worker runs <see cref="FilingDeliveryService"/> from a timer instead.</summary>
public sealed class FilingDeliveryBackgroundService(FilingDeliveryService delivery, FilingSignal signal, IOptions<RecordFilingOptions> options, ILogger<FilingDeliveryBackgroundService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await delivery.DeliverDueAsync(stoppingToken).ConfigureAwait(false) > 0)
                {
                    // Drain what is due before sleeping.
                }

                await signal.WaitAsync(options.Value.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round (database down) is logged and retried; the worker must not die.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                logger.LogError("Record filing round failed: {ExceptionType}", exception.GetType().Name);
                await Task.Delay(options.Value.PollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>The embedded default's sent-mail source: every .eml dropped in the mail-sent folder (by the
/// sandbox's Send, or by a mail client's copy) is recorded in the outbox, then deleted — its content now
/// lives sealed in the outbox, and a copy in clear must not stay on the machine. Recording is idempotent
/// (same Message-ID, same row), so a crash between recording and deleting files it once.</summary>
public sealed class MailSentFolderWatcher(ExchangeFilingService filing, string folder, IOptions<RecordFilingOptions> options, ILogger<MailSentFolderWatcher> logger) : BackgroundService
{
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>Records every .eml now in the folder; returns how many it handled.</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Folder))
        {
            return 0;
        }

        var handled = 0;
        foreach (var file in Directory.EnumerateFiles(Folder, "*.eml").Order(StringComparer.Ordinal))
        {
            byte[] mime;
            try
            {
                mime = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                continue; // still being written: next round
            }

            FilingRecordOutcome outcome;
            try
            {
                outcome = await filing.RecordAsync(new ObservedExchange
                {
                    Direction = ExchangeDirection.Outgoing,
                    SourceKind = ExchangeSources.SentMail,
                    RawMime = mime,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException)
            {
                // Not a mail (or too large): set aside, owner-only, for a person to look at; never retried forever.
                var rejected = Path.Combine(Folder, "rejected");
                Directory.CreateDirectory(rejected);
                File.Move(file, Path.Combine(rejected, Path.GetFileName(file)), overwrite: true);
                logger.LogWarning("Sent-mail file set aside: {ExceptionType}", exception.GetType().Name);
                continue;
            }

            File.Delete(file);
            handled++;
            logger.LogInformation("Sent mail observed: {Outcome}", outcome);
        }

        return handled;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Directory.CreateDirectory(Folder);
        // A scan per poll interval; a failing round (the database down) backs off up to a minute.
        var work = new PeriodicWork("mail-sent-folder", options.Value.PollInterval,
            new RetryBackoff(options.Value.PollInterval, TimeSpan.FromMinutes(1)), TimeProvider.System, logger);
        return work.RunAsync(async ct => await ScanAsync(ct).ConfigureAwait(false), stoppingToken);
    }
}
