using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Filing;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Filing;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Filing;

/// <summary>Delivers due outbox rows: reads the exchange, matches the patient if the row does not know
/// it yet, renders the PDF and the FHIR resource (validated), files them to every configured
/// destination, records the audit event (ids, SHA-256, destination kinds) and only then marks the row
/// delivered. A crash anywhere before that mark means the row is delivered again after its lease: every
/// destination is idempotent by the filing id and reports the hashes of the copy it already holds, so the
/// record ends up with one copy and the audit log with that copy's hashes.</summary>
public sealed class FilingDeliveryService(
    IFilingOutboxStore outbox,
    ExchangeSourceReader reader,
    PatientMatcher matcher,
    ExchangeFilingService filing,
    IPatientStore patients,
    IEnumerable<IFilingDestination> destinations,
    IMailboxCategorizer categorizer,
    FilingPdfRenderer pdf,
    FhirResourceValidator validator,
    IAuditWriter audit,
    IOptions<RecordFilingOptions> options,
    TimeProvider time,
    ILogger<FilingDeliveryService> logger)
{
    public const string Actor = "system:record-filing";

    /// <summary>Claims and delivers one batch; returns how many rows it handled (0: nothing was due).</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        if (!destinations.Any())
        {
            return 0; // nowhere to file (production without RecordFiling:Destinations): rows wait, /api/ready says so
        }

        var now = time.GetUtcNow();
        var claimed = await outbox.ClaimDueAsync(now, now + settings.Lease, settings.BatchSize, cancellationToken).ConfigureAwait(false);
        foreach (var entry in claimed)
        {
            await DeliverOneAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        return claimed.Count;
    }

    private async Task DeliverOneAsync(FilingOutboxEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            var read = await reader.ReadAsync(entry, cancellationToken).ConfigureAwait(false);
            if (read is null)
            {
                await FailAsync(entry, "source_gone", transient: false, cancellationToken).ConfigureAwait(false);
                return;
            }

            var (exchange, correspondents) = read.Value;
            var patientId = entry.PatientId;
            if (patientId is null)
            {
                // Secure messages and replies: matched here, from the registered addresses they went to.
                var match = await matcher.MatchAsync(correspondents.Count > 0 ? correspondents : filing.Correspondents(exchange), cancellationToken).ConfigureAwait(false);
                if (match.IsNotRegistered)
                {
                    await outbox.CountNotRegisteredAsync(entry.Direction, cancellationToken).ConfigureAwait(false);
                    // Nobody of the registry: counted, and the row (ids only) dismissed.
                    await outbox.SetToConfirmAsync(entry.Id, "not_registered", [], cancellationToken).ConfigureAwait(false);
                    await outbox.ResolveAsync(entry.Id, null, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (match.PatientId is null)
                {
                    await outbox.SetToConfirmAsync(entry.Id, match.ConfirmReason!, match.Candidates, cancellationToken).ConfigureAwait(false);
                    return;
                }

                patientId = match.PatientId;
                await outbox.SetPatientAsync(entry.Id, patientId, cancellationToken).ConfigureAwait(false);
            }

            var patient = await patients.GetAsync(patientId, cancellationToken).ConfigureAwait(false);
            if (patient is null)
            {
                await FailAsync(entry, "patient_gone", transient: false, cancellationToken).ConfigureAwait(false);
                return;
            }

            // The filing time is the outbox row's: a repeated delivery describes the same filing.
            var document = Render(entry, exchange, patient.ClinicPatientId, entry.CreatedAt, inline: false);
            var kinds = new List<string>();
            FilingReceipt? receipt = null;
            foreach (var destination in destinations)
            {
                var stored = await destination.FileAsync(destination.Kind == "fhir" ? Render(entry, exchange, patient.ClinicPatientId, entry.CreatedAt, inline: true) : document, cancellationToken).ConfigureAwait(false);
                // The audit names the copy the first (file) destination holds: what a reviewer will verify.
                receipt ??= stored;
                kinds.Add(destination.Kind);
            }

            var delivery = new FilingDelivery(string.Join(',', kinds), receipt!.RenditionSha256, receipt.ResourceSha256, time.GetUtcNow());
            await audit.AppendAsync(new AuditEntry
            {
                Event = AuditEventType.RecordFiled,
                ActorObjectId = Actor,
                SubjectId = entry.Id,
                Data = new Dictionary<string, object?>
                {
                    ["sourceKind"] = entry.SourceKind,
                    ["sourceId"] = entry.SourceId,
                    ["direction"] = entry.Direction == ExchangeDirection.Outgoing ? "outgoing" : "incoming",
                    ["patientId"] = patientId,
                    ["destinations"] = kinds,
                    ["renditionSha256"] = delivery.RenditionSha256,
                    ["resourceSha256"] = delivery.ResourceSha256,
                    ["attachmentSha256"] = document.Attachments.Select(a => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(a.Content))).ToList(),
                    ["attempt"] = entry.Attempts,
                },
            }, cancellationToken).ConfigureAwait(false);
            await outbox.MarkDeliveredAsync(entry.Id, delivery, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Filed {FilingId} to {Destinations} (attempt {Attempt})", entry.Id, delivery.Destination, entry.Attempts);
            if (exchange is { MailboxItemId: { } item, Mailbox: { } mailbox })
            {
                await MarkMailboxCopyAsync(entry.Id, mailbox, item, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (FilingDestinationException exception)
        {
            await FailAsync(entry, exception.Code, exception.Transient, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyProviderException)
        {
            await FailAsync(entry, "key_unavailable", transient: true, cancellationToken).ConfigureAwait(false);
        }
        catch (EnvelopeException)
        {
            await FailAsync(entry, "source_unreadable", transient: false, cancellationToken).ConfigureAwait(false);
        }
        catch (FhirInvalidException)
        {
            await FailAsync(entry, "fhir_invalid", transient: false, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            await FailAsync(entry, "audit_unavailable", transient: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private FilingDocument Render(FilingOutboxEntry entry, FiledExchange exchange, string clinicPatientId, DateTimeOffset filedAt, bool inline)
    {
        var rendition = pdf.Render(exchange, entry.Id, clinicPatientId, filedAt);
        var resource = FhirFilingResource.Build(exchange, entry.Id, clinicPatientId, options.Value.PatientIdSystem, rendition, filedAt, inline);
        var errors = validator.Errors(resource);
        if (errors.Count > 0)
        {
            // Element paths and issue codes only: no value of the resource is logged.
            logger.LogError("Filing {FilingId}: the FHIR resource did not validate ({Count} errors): {Errors}", entry.Id, errors.Count, string.Join(" | ", errors));
            throw new FhirInvalidException();
        }

        return new FilingDocument(entry.Id, clinicPatientId, rendition, FhirFilingResource.ToJsonBytes(resource), exchange.Attachments);
    }

    private async Task MarkMailboxCopyAsync(string filingId, string mailbox, string mailboxItemId, CancellationToken cancellationToken)
    {
        try
        {
            await categorizer.MarkFiledAsync(filingId, mailbox, mailboxItemId, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The filing is done; a category that could not be set is logged, not a failed filing.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            logger.LogWarning("Filing {FilingId}: the mailbox category could not be set ({ExceptionType})", filingId, exception.GetType().Name);
        }
    }

    /// <summary>Backoff: the configured delay doubled per attempt, capped, with up to 20 % jitter so rows
    /// that failed together do not retry together; failed for good past the attempts.</summary>
    private async Task FailAsync(FilingOutboxEntry entry, string code, bool transient, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        DateTimeOffset? retryAt = null;
        if (transient && entry.Attempts < settings.MaxAttempts)
        {
            var delay = settings.RetryDelay * Math.Pow(2, Math.Max(0, entry.Attempts - 1));
            if (delay > settings.MaxRetryDelay)
            {
                delay = settings.MaxRetryDelay;
            }

#pragma warning disable CA5394 // Jitter spreads retries; it protects nothing.
            retryAt = time.GetUtcNow() + delay + (delay * (Random.Shared.NextDouble() * 0.2));
#pragma warning restore CA5394
        }

        await outbox.MarkFailedAsync(entry.Id, code, retryAt, cancellationToken).ConfigureAwait(false);
        if (retryAt is null)
        {
            logger.LogError("Filing {FilingId} failed for good: {Code} after {Attempts} attempts", entry.Id, code, entry.Attempts);
            await audit.AppendAsync(new AuditEntry
            {
                Event = AuditEventType.RecordFilingFailed,
                ActorObjectId = Actor,
                SubjectId = entry.Id,
                Data = new Dictionary<string, object?> { ["code"] = code, ["attempts"] = entry.Attempts, ["sourceKind"] = entry.SourceKind },
            }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            logger.LogWarning("Filing {FilingId} attempt {Attempt} failed: {Code}; retry at {RetryAt:O}", entry.Id, entry.Attempts, code, retryAt);
        }
    }
}

/// <summary>The resource built for a filing did not validate: a bug to fix, not a retry.</summary>
public sealed class FhirInvalidException() : Exception("The FHIR resource of a filing did not validate.");
