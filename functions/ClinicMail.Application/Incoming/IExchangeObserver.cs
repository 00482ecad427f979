using ClinicMail.Core.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary>Which way a mail went.</summary>
public enum ExchangeDirection
{
    /// <summary>Received by the watched mailbox.</summary>
    Incoming,

    /// <summary>Sent by the watched mailbox: ClinicMail's acknowledgement, or a person's answer.</summary>
    Outgoing,
}

/// <summary>One exchange with a patient, for whoever keeps the record (the guide: every exchange is
/// filed to the patient's record). Carries the raw MIME bytes: an observer must treat it as
/// clinical data and never log it.</summary>
public sealed record ExchangeEvent
{
    public required ExchangeDirection Direction { get; init; }

    public required string Mailbox { get; init; }

    public required string MessageId { get; init; }

    public required string ConversationId { get; init; }

    /// <summary>The matched patient, when the registry knows exactly one.</summary>
    public string? PatientId { get; init; }

    public required SenderClass Sender { get; init; }

    /// <summary>"triaged", "acknowledgement" or "answer".</summary>
    public required string Kind { get; init; }

    public ReadOnlyMemory<byte> Mime { get; init; }

    public required DateTimeOffset At { get; init; }
}

/// <summary>The seam record filing connects to (issue 19): called after a message is triaged and
/// after an acknowledgement is sent. A failing observer fails the processing (the queue retries):
/// an exchange that cannot be filed is not silently dropped.</summary>
public interface IExchangeObserver
{
    Task ObserveAsync(ExchangeEvent exchange, CancellationToken cancellationToken);
}

/// <summary>The default until filing is connected: observes nothing.</summary>
public sealed class NoExchangeObserver : IExchangeObserver
{
    public Task ObserveAsync(ExchangeEvent exchange, CancellationToken cancellationToken) => Task.CompletedTask;
}
