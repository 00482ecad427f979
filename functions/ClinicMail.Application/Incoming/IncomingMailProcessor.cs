using ClinicMail.Core.Audit;
using ClinicMail.Core.Incoming;
using ClinicMail.Core.Registry;

namespace ClinicMail.Application.Incoming;

/// <summary>What happened to one work item (a short code: audit data, logs, tests).</summary>
public enum IncomingOutcome
{
    Duplicate,
    Gone,
    NotWatched,
    Answer,
    Acknowledged,
    AlreadyAcknowledged,
    Suppressed,
}

/// <summary>The incoming-mail use case (issue 18): one message, processed once per message id
/// whatever the transport and however often the queue delivers it. Triage, the follow-up marks and
/// the awaiting-answer record come first; the acknowledgement follows, at most once per conversation
/// (correspondence) or per sender (not_for_patients) and period.</summary>
public sealed class IncomingMailProcessor(
    IEnumerable<IIncomingTransport> transports,
    IIncomingMailStore store,
    IPatientDirectory directory,
    IExchangeObserver observer,
    IAuditWriter audit,
    DraftFingerprint fingerprint,
    IncomingMailbook mailbook,
    TimeProvider time,
    ILogger<IncomingMailProcessor> logger)
{
    /// <summary>Outlook category of every triaged message; urgent ones get <see cref="UrgentCategory"/> too.</summary>
    public const string Category = "ClinicMail";
    public const string UrgentCategory = "ClinicMail : urgent";
    public const string SensitiveCategory = "ClinicMail : sensible";
    public const string NoConsentCategory = "ClinicMail : sans consentement";

    /// <summary>A claim older than this is a crashed worker's: the message may be processed again.</summary>
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(5);

    // The first registration of a name wins (a test registers its transport before the composition root).
    private readonly Dictionary<string, IIncomingTransport> _transports = transports.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    private readonly TimeZoneInfo _zone = mailbook.Zone;

    public async Task<IncomingOutcome> ProcessAsync(IncomingWorkItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!_transports.TryGetValue(item.Source, out var transport))
        {
            throw new InvalidOperationException("No incoming-mail transport serves this work item's source.");
        }

        if (!await store.TryClaimMessageAsync(item.MessageId, time.GetUtcNow(), ClaimTimeout, cancellationToken).ConfigureAwait(false))
        {
            return IncomingOutcome.Duplicate;
        }

        try
        {
            var outcome = await ProcessClaimedAsync(transport, item, cancellationToken).ConfigureAwait(false);
            await store.CompleteMessageAsync(item.MessageId, outcome.ToString(), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await transport.CompleteAsync(item, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Incoming message {MessageId} processed: {Outcome}", item.MessageId, outcome);
            return outcome;
        }
        catch
        {
            // The queue retries: give the claim back so the retry is not taken for a duplicate.
            await store.ReleaseMessageAsync(item.MessageId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<IncomingOutcome> ProcessClaimedAsync(IIncomingTransport transport, IncomingWorkItem item, CancellationToken cancellationToken)
    {
        var message = await transport.GetAsync(item, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return IncomingOutcome.Gone;
        }

        if (mailbook.Find(message.Mailbox) is not { } box)
        {
            return IncomingOutcome.NotWatched;
        }

        var now = time.GetUtcNow();
        if (message.SentByMailbox)
        {
            // « a reply in the same conversation is sent »: the answer the delay promised.
            var answered = await store.MarkAnsweredAsync(box.Address, message.ConversationId, message.ReceivedAt, cancellationToken).ConfigureAwait(false);
            await ObserveAsync(ExchangeDirection.Outgoing, "answer", box, message.MessageId, message.ConversationId, null, SenderClass.Unknown, message.Mime, now, cancellationToken).ConfigureAwait(false);
            await AuditAsync(message, null, box, IncomingOutcome.Answer, null, new() { ["answered"] = answered }, cancellationToken).ConfigureAwait(false);
            return IncomingOutcome.Answer;
        }

        var matches = message.From is { } from
            ? (await directory.FindByAddressesAsync([from], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(from) ?? []
            : [];
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, _zone).DateTime);
        var triage = IncomingTriage.Triage(message, matches, today);
        await ObserveAsync(ExchangeDirection.Incoming, "triaged", box, message.MessageId, message.ConversationId, triage.PatientId, triage.Sender, message.Mime, now, cancellationToken).ConfigureAwait(false);

        var suppression = AutoReplySuppression.Check(message, mailbook.InternalDomains, mailbook.AcknowledgeInternal);
        var due = mailbook.Calendar.Deadline(message.ReceivedAt, box.ResponseDelayBusinessDays, _zone);
        if (box.Mode == MailboxMode.Correspondence && suppression is null)
        {
            await store.AddAwaitingAsync(new AwaitingAnswer
            {
                Mailbox = box.Address,
                MessageId = message.MessageId,
                ConversationId = message.ConversationId,
                PatientId = triage.PatientId,
                Sender = triage.Sender,
                Urgent = triage.Urgent,
                ReceivedAt = message.ReceivedAt,
                DueAt = due,
            }, cancellationToken).ConfigureAwait(false);
            await transport.MarkAsync(message, Marks(triage, due), cancellationToken).ConfigureAwait(false);
        }

        if (suppression is { } reason)
        {
            await AuditAsync(message, triage, box, IncomingOutcome.Suppressed, AutoReplySuppression.Code(reason), [], cancellationToken).ConfigureAwait(false);
            return IncomingOutcome.Suppressed;
        }

        // Correspondence: once per conversation until its deadline; not_for_patients: once per sender and period.
        var (key, until) = box.Mode == MailboxMode.Correspondence
            ? ("conversation:" + message.ConversationId, due)
            : ("sender:" + fingerprint.ComputeText("incoming-sender\n" + message.From), now.AddDays(mailbook.NotForPatientsPeriodDays));
        if (!await store.TryRecordAcknowledgementAsync(box.Address, key, now, until, cancellationToken).ConfigureAwait(false))
        {
            await AuditAsync(message, triage, box, IncomingOutcome.AlreadyAcknowledged, null, [], cancellationToken).ConfigureAwait(false);
            return IncomingOutcome.AlreadyAcknowledged;
        }

        var acknowledgement = AcknowledgementComposer.Compose(new AcknowledgementFacts
        {
            Mode = box.Mode,
            Triage = triage,
            DelayBusinessDays = box.ResponseDelayBusinessDays,
            DueDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(due, _zone).DateTime),
            ClinicName = mailbook.ClinicName(triage.Language),
            ClinicPhone = mailbook.ClinicPhone,
        });
        ReadOnlyMemory<byte> sent;
        try
        {
            sent = await transport.ReplyInThreadAsync(message, acknowledgement, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.ForgetAcknowledgementAsync(box.Address, key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (!sent.IsEmpty)
        {
            // Graph's reply action returns no MIME: the acknowledgement lands in Sent Items, where record
            // filing's own sweep finds it. The drop folder returns what it wrote.
            await ObserveAsync(ExchangeDirection.Outgoing, "acknowledgement", box, message.MessageId, message.ConversationId, triage.PatientId, triage.Sender, sent, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        await AuditAsync(message, triage, box, IncomingOutcome.Acknowledged, null, new() { ["kind"] = acknowledgement.Kind, ["language"] = acknowledgement.Language }, cancellationToken).ConfigureAwait(false);
        return IncomingOutcome.Acknowledged;
    }

    private static MailboxMarks Marks(TriageResult triage, DateTimeOffset due)
    {
        var categories = new List<string> { Category };
        if (triage.Urgent)
        {
            categories.Add(UrgentCategory);
        }

        if (triage.SensitiveTopics.Count > 0 || triage.Identifiers.Count > 0)
        {
            categories.Add(SensitiveCategory);
        }

        if (triage.Sender != SenderClass.PatientWithConsent)
        {
            categories.Add(NoConsentCategory);
        }

        return new MailboxMarks(categories, triage.Urgent, due);
    }

    private Task ObserveAsync(ExchangeDirection direction, string kind, WatchedMailbox box, string messageId, string conversationId, string? patientId,
        SenderClass sender, ReadOnlyMemory<byte> mime, DateTimeOffset at, CancellationToken cancellationToken) =>
        observer.ObserveAsync(new ExchangeEvent
        {
            Direction = direction,
            Kind = kind,
            Mailbox = box.Address,
            MessageId = messageId,
            ConversationId = conversationId,
            PatientId = patientId,
            Sender = sender,
            Mime = mime,
            At = at,
        }, cancellationToken);

    /// <summary>Ids, codes, counts and flags only (docs/architecture.md, "Contracts"): never the
    /// mailbox's or the sender's address, the subject or the text.</summary>
    private Task AuditAsync(IncomingMessage message, TriageResult? triage, WatchedMailbox box, IncomingOutcome outcome, string? suppressed,
        Dictionary<string, object?> extra, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, object?>(extra)
        {
            ["message_id"] = message.MessageId,
            ["conversation_id"] = message.ConversationId,
            ["mode"] = box.Mode == MailboxMode.Correspondence ? "correspondence" : "not_for_patients",
            ["outcome"] = outcome.ToString(),
        };
        if (triage is not null)
        {
            data["sender_class"] = TriageResult.Code(triage.Sender);
            data["urgent"] = triage.Urgent;
            data["sensitive_topics"] = triage.SensitiveTopics.Count;
            data["identifiers"] = triage.Identifiers.Count;
        }

        if (suppressed is not null)
        {
            data["suppressed"] = suppressed;
        }

        return audit.AppendAsync(new AuditEntry
        {
            Event = outcome == IncomingOutcome.Answer ? AuditEventType.IncomingMailAnswered
                : outcome == IncomingOutcome.Acknowledged ? AuditEventType.IncomingMailAcknowledged : AuditEventType.IncomingMailTriaged,
            ActorObjectId = "system:incoming-mail",
            SubjectId = triage?.PatientId,
            Data = data,
        }, cancellationToken);
    }
}
