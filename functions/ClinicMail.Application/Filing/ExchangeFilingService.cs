using System.Security.Cryptography;
using System.Text;
using ClinicMail.Application.Configuration;
using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Filing;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Filing;

/// <summary>The use case "file this exchange" for exchanges ClinicMail observes rather than causes (sent
/// mail, incoming mail, acknowledgements): match the patient, then record it in the outbox, sealed, as
/// soon as it is observed. Secure messages and replies do not come here: the database records them with
/// their envelope (Migrations/0011_record_filing.sql).</summary>
public sealed class ExchangeFilingService(
    IFilingOutboxStore outbox,
    PatientMatcher matcher,
    FilingPayload payload,
    FilingSignal signal,
    IOptions<ClinicMailOptions> clinic,
    TimeProvider time,
    ILogger<ExchangeFilingService> logger)
{
    /// <summary>Largest raw message accepted (the outbox holds it sealed until filed).</summary>
    public const int MaxMessageBytes = 50 * 1024 * 1024;

    public async Task<FilingRecordOutcome> RecordAsync(ObservedExchange observed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(observed);
        if (!ExchangeSources.All.Contains(observed.SourceKind) || observed.SourceKind is ExchangeSources.SecureMessage or ExchangeSources.SecureReply)
        {
            throw new ArgumentException("Unknown or database-recorded source kind.", nameof(observed));
        }

        if (observed.RawMime is { Length: > MaxMessageBytes })
        {
            throw new ArgumentException("The message is larger than the filing limit.", nameof(observed));
        }

        var now = time.GetUtcNow();
        var exchange = observed.Parts ?? MimeExchangeReader.Read(
            observed.RawMime ?? throw new ArgumentException("Either the raw message or its parts.", nameof(observed)),
            observed.Direction, observed.SourceKind, now);
        exchange = exchange with
        {
            Direction = observed.Direction,
            SourceKind = observed.SourceKind,
            MailboxItemId = observed.MailboxItemId ?? exchange.MailboxItemId,
            Mailbox = observed.Mailbox ?? exchange.Mailbox,
        };
        var checkId = observed.CheckId ?? (observed.RawMime is null ? null : MimeExchangeReader.CheckId(observed.RawMime));
        if (checkId is not null && exchange.Check is null)
        {
            // The decision is read from the audit log at delivery; only the id travels.
            exchange = exchange with { Check = new FiledCheck(checkId, "", []) };
        }

        var match = observed.PatientId is not null ? PatientMatch.Of(observed.PatientId) : await matcher.MatchAsync(Correspondents(exchange), cancellationToken).ConfigureAwait(false);
        if (match.IsNotRegistered)
        {
            await outbox.CountNotRegisteredAsync(exchange.Direction, cancellationToken).ConfigureAwait(false);
            return FilingRecordOutcome.NotRegistered;
        }

        var sourceId = SourceId(exchange, observed.RawMime);
        var id = "fil-" + observed.SourceKind + "-" + sourceId;
        var (ciphertext, key) = await payload.SealAsync(id, exchange, cancellationToken).ConfigureAwait(false);
        var entry = new FilingOutboxEntry
        {
            Id = id,
            SourceKind = observed.SourceKind,
            SourceId = sourceId,
            Direction = exchange.Direction,
            State = match.PatientId is null ? FilingStates.ToConfirm : FilingStates.Pending,
            PatientId = match.PatientId,
            Candidates = match.Candidates,
            ConfirmReason = match.ConfirmReason,
            CreatedAt = now,
            NextAttemptAt = now,
            Payload = ciphertext,
            PayloadKey = key,
        };
        if (!await outbox.TryEnqueueAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            return FilingRecordOutcome.AlreadyRecorded;
        }

        logger.LogInformation("Filing recorded: {FilingId} {SourceKind} {State}", id, observed.SourceKind, entry.State);
        signal.Wake();
        return match.PatientId is null ? FilingRecordOutcome.ToConfirm : FilingRecordOutcome.Recorded;
    }

    /// <summary>The patient's side of the exchange, without the clinic's own addresses.</summary>
    public IEnumerable<string> Correspondents(FiledExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var addresses = exchange.Direction == ExchangeDirection.Outgoing
            ? exchange.To.Concat(exchange.Cc)
            : exchange.From.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var internalDomains = clinic.Value.InternalDomains;
        return addresses.Where(a => !internalDomains.Any(d => a.EndsWith("@" + d, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Stable per exchange: the Message-ID when there is one (Sent Items and the drop folder see
    /// the same mail), else the bytes. Hashed: a Message-ID can hold a name or a host.</summary>
    private static string SourceId(FiledExchange exchange, byte[]? raw)
    {
        var basis = !string.IsNullOrEmpty(exchange.MessageId)
            ? Encoding.UTF8.GetBytes(exchange.MessageId)
            : raw ?? Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(exchange));
        return Convert.ToHexStringLower(SHA256.HashData(basis).AsSpan(0, 16));
    }
}

/// <summary>Wakes the delivery worker as soon as something was recorded (it also polls, for rows recorded
/// by the database trigger or by another process).</summary>
public sealed class FilingSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
