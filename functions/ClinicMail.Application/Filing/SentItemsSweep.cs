using ClinicMail.Application.Background;
using ClinicMail.Core.Filing;
using ClinicMail.Core.Incoming;
using ClinicMail.Infrastructure.Filing;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Filing;

/// <summary>Production's sent-mail source (issue 19): each watched mailbox's Sent Items read as a Graph
/// delta feed, every new message's MIME recorded through <see cref="ExchangeFilingService"/> (matched,
/// sealed in the outbox, later marked "Filed to record" by its Graph id). The link is saved after each
/// page, so a crash re-reads at most one page — and recording is idempotent (same Message-ID, same
/// outbox row), so a message read twice is filed once.</summary>
public sealed class SentItemsSweep(
    ISentItemsReader reader,
    ISentItemsCursorStore cursors,
    ExchangeFilingService filing,
    SentItemsMailboxes mailboxes,
    IOptions<RecordFilingOptions> options,
    TimeProvider time,
    ILogger<SentItemsSweep> logger)
{
    /// <summary>Pages one mailbox may read per sweep (50 messages each); the rest waits for the next sweep.</summary>
    public const int MaxPagesPerSweep = 40;

    /// <summary>Sweeps every mailbox; a mailbox that fails is logged and the others still run.</summary>
    /// <returns>Messages recorded (new rows, to-confirm included) across the mailboxes.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var recorded = 0;
        foreach (var mailbox in mailboxes.Addresses)
        {
            try
            {
                recorded += await SweepMailboxAsync(mailbox, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One mailbox's failure (Graph down, permission missing) must not stop the others; its link is kept.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                logger.LogError("Sent Items sweep of a mailbox failed: {ExceptionType}", exception.GetType().Name);
            }
        }

        return recorded;
    }

    public async Task<int> SweepMailboxAsync(string mailbox, CancellationToken cancellationToken = default)
    {
        var link = await cursors.GetAsync(mailbox, cancellationToken).ConfigureAwait(false);
        var startFrom = time.GetUtcNow() - options.Value.Graph.InitialLookback;
        var recorded = 0;
        var resynced = false;
        for (var pages = 0; pages < MaxPagesPerSweep; pages++)
        {
            SentItemsPage page;
            try
            {
                page = await reader.ReadPageAsync(mailbox, link, startFrom, cancellationToken).ConfigureAwait(false);
            }
            catch (SentItemsResyncException) when (!resynced)
            {
                // The delta state expired: start again from the look-back window (idempotent recording
                // makes the overlap harmless).
                logger.LogWarning("Sent Items delta link expired; the sweep starts again");
                await cursors.ResetAsync(mailbox, cancellationToken).ConfigureAwait(false);
                link = null;
                resynced = true;
                continue;
            }

            foreach (var id in page.MessageIds)
            {
                if (await RecordAsync(mailbox, id, cancellationToken).ConfigureAwait(false))
                {
                    recorded++;
                }
            }

            link = page.NextLink ?? page.DeltaLink!;
            await cursors.SaveAsync(mailbox, link, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (page.NextLink is null)
            {
                break;
            }
        }

        logger.LogInformation("Sent Items sweep: {Recorded} recorded", recorded);
        return recorded;
    }

    private async Task<bool> RecordAsync(string mailbox, string messageId, CancellationToken cancellationToken)
    {
        var mime = await reader.ReadMimeAsync(mailbox, messageId, cancellationToken).ConfigureAwait(false);
        if (mime is null)
        {
            return false;
        }

        // ClinicMail's own acknowledgements are filed by the incoming-mail observer, as acknowledgements.
        if (MimeExchangeReader.HasHeader(mime, AutoReplySuppression.AcknowledgementHeader))
        {
            return false;
        }

        try
        {
            var outcome = await filing.RecordAsync(new ObservedExchange
            {
                Direction = ExchangeDirection.Outgoing,
                SourceKind = ExchangeSources.SentMail,
                RawMime = mime,
                MailboxItemId = messageId,
                Mailbox = mailbox,
            }, cancellationToken).ConfigureAwait(false);
            return outcome is FilingRecordOutcome.Recorded or FilingRecordOutcome.ToConfirm;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            // Not a parsable mail, or over the size limit: skipped (ids only in the log), never retried forever.
            logger.LogWarning("Sent item {MessageId} not filed: {ExceptionType}", messageId, exception.GetType().Name);
            return false;
        }
    }
}

/// <summary>The mailboxes whose Sent Items are swept (<c>RecordFiling:Graph:Mailboxes</c>, else the
/// incoming-mail watcher's <c>IncomingMail:Mailboxes</c>).</summary>
public sealed record SentItemsMailboxes(IReadOnlyList<string> Addresses);

/// <summary>The local host's Sent Items sweep on an interval (<c>RecordFiling:Graph:SweepInterval</c>);
/// the Functions worker runs <see cref="SentItemsSweep"/> from a timer instead.</summary>
public sealed class SentItemsSweepBackgroundService(SentItemsSweep sweep, IOptions<RecordFilingOptions> options, TimeProvider time, ILogger<SentItemsSweepBackgroundService> logger) : BackgroundService
{
    /// <summary>A sweep per interval; one that fails as a whole (the cursor store down) is retried from
    /// 5 s, backing off up to the interval itself.</summary>
    private readonly PeriodicWork _work = new("sent-items-sweep", options.Value.Graph.SweepInterval,
        new RetryBackoff(TimeSpan.FromSeconds(5), options.Value.Graph.SweepInterval), time, logger);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _work.RunAsync(async ct => await sweep.SweepAsync(ct).ConfigureAwait(false), stoppingToken);
}
