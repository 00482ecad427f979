using ClinicMail.Application.Incoming;
using ClinicMail.Core.Filing;
using IncomingDirection = ClinicMail.Application.Incoming.ExchangeDirection;

namespace ClinicMail.Application.Filing;

/// <summary>Record filing connected to the incoming-mail watcher (issues 18 and 19): each message a
/// patient sent and each acknowledgement ClinicMail sent back is put in the filing outbox, matched to
/// the patient, and filed like every other exchange. A person's answer is not filed here: it is sent
/// mail, filed from Sent Items (or the embedded mail-sent folder) once, like any mail to a patient.</summary>
/// <remarks>A failure propagates: the incoming-mail processing is retried by its queue rather than
/// an exchange going unfiled.</remarks>
public sealed class FilingExchangeObserver(ExchangeFilingService filing) : IExchangeObserver
{
    public async Task ObserveAsync(ExchangeEvent exchange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var source = exchange.Kind switch
        {
            "triaged" => ExchangeSources.IncomingMail,
            "acknowledgement" => ExchangeSources.Acknowledgement,
            _ => null,
        };
        if (source is null)
        {
            return;
        }

        if (exchange.Mime.IsEmpty)
        {
            throw new InvalidOperationException("An incoming exchange to file arrived without its message.");
        }

        await filing.RecordAsync(new ObservedExchange
        {
            Direction = exchange.Direction == IncomingDirection.Incoming ? ClinicMail.Core.Filing.ExchangeDirection.Incoming : ClinicMail.Core.Filing.ExchangeDirection.Outgoing,
            SourceKind = source,
            RawMime = exchange.Mime.ToArray(),
            PatientId = exchange.PatientId,
            MailboxItemId = exchange.MessageId,
            Mailbox = exchange.Mailbox,
        }, cancellationToken).ConfigureAwait(false);
    }
}
