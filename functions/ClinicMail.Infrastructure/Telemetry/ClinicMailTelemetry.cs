using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClinicMail.Infrastructure.Telemetry;

/// <summary>ClinicMail's own traces and metrics: the check (duration, decision, reason codes,
/// counts) and secure delivery. Only codes and counts are recorded, never message text, subjects,
/// addresses, names, tokens or keys (docs/architecture.md, "Contracts"). The instruments cost nothing unless a listener
/// (<see cref="TelemetryRegistration.AddClinicMailTelemetry"/>) is configured.</summary>
public static class ClinicMailTelemetry
{
    public const string Name = "ClinicMail";

    public static ActivitySource Source { get; } = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> CheckDuration = Meter.CreateHistogram<double>(
        "clinicmail.check.duration", unit: "s", description: "Time to check a draft, decision included.");

    private static readonly Counter<long> Checks = Meter.CreateCounter<long>(
        "clinicmail.check.decisions", description: "Checks by decision and secure-delivery requirement.");

    private static readonly Counter<long> Reasons = Meter.CreateCounter<long>(
        "clinicmail.check.reasons", description: "Reasons given by checks, by reason code.");

    private static readonly Histogram<long> Recipients = Meter.CreateHistogram<long>(
        "clinicmail.check.recipients", description: "Recipients per checked draft.");

    private static readonly Counter<long> SecureMessages = Meter.CreateCounter<long>(
        "clinicmail.secure.messages", description: "Secure messages created, by outcome.");

    private static readonly Counter<long> SecureOpens = Meter.CreateCounter<long>(
        "clinicmail.secure.opens", description: "Secure-message reader pages shown or refused, by outcome.");

    /// <summary>Starts the span of one check (null when nothing listens).</summary>
    public static Activity? StartCheck() => Source.StartActivity("clinicmail.check");

    /// <summary>Records a check's outcome on its span and in the metrics.</summary>
    /// <param name="activity">The span from <see cref="StartCheck"/>.</param>
    /// <param name="elapsed">Time the check took.</param>
    /// <param name="decision">The decision code ("allow", "warn", "block").</param>
    /// <param name="secureDelivery">The secure-delivery code.</param>
    /// <param name="reasonCodes">The reason codes (upper snake case), duplicates allowed.</param>
    /// <param name="recipientCount">To, Cc and Bcc together.</param>
    public static void RecordCheck(Activity? activity, TimeSpan elapsed, string decision, string secureDelivery, IReadOnlyCollection<string> reasonCodes, int recipientCount)
    {
        ArgumentNullException.ThrowIfNull(reasonCodes);
        var distinct = reasonCodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        activity?.SetTag("clinicmail.decision", decision);
        activity?.SetTag("clinicmail.secure_delivery", secureDelivery);
        activity?.SetTag("clinicmail.reason_codes", distinct);
        activity?.SetTag("clinicmail.reason_count", reasonCodes.Count);
        activity?.SetTag("clinicmail.recipient_count", recipientCount);
        var decisionTag = new KeyValuePair<string, object?>("clinicmail.decision", decision);
        CheckDuration.Record(elapsed.TotalSeconds, decisionTag);
        Checks.Add(1, decisionTag, new KeyValuePair<string, object?>("clinicmail.secure_delivery", secureDelivery));
        Recipients.Record(recipientCount);
        foreach (var code in reasonCodes)
        {
            Reasons.Add(1, new KeyValuePair<string, object?>("clinicmail.reason_code", code));
        }
    }

    /// <summary>A check that ended without a decision (failure kind only).</summary>
    public static void RecordCheckFailure(Activity? activity, string failure)
    {
        activity?.SetStatus(ActivityStatusCode.Error, failure);
        activity?.SetTag("clinicmail.failure", failure);
        Checks.Add(1, new KeyValuePair<string, object?>("clinicmail.decision", "none"), new KeyValuePair<string, object?>("clinicmail.failure", failure));
    }

    /// <summary>Starts the span of one secure-message creation.</summary>
    public static Activity? StartSecureDelivery() => Source.StartActivity("clinicmail.secure.create");

    /// <summary>Records a created secure message: recipient and attachment counts, how many links were mailed.</summary>
    public static void RecordSecureDelivery(Activity? activity, int recipientCount, int attachmentCount, int mailedLinks, string format)
    {
        activity?.SetTag("clinicmail.recipient_count", recipientCount);
        activity?.SetTag("clinicmail.attachment_count", attachmentCount);
        activity?.SetTag("clinicmail.mailed_links", mailedLinks);
        activity?.SetTag("clinicmail.body_format", format);
        SecureMessages.Add(1, new KeyValuePair<string, object?>("clinicmail.outcome", "created"), new KeyValuePair<string, object?>("clinicmail.body_format", format));
    }

    /// <summary>Counts a reader page by outcome ("shown", "expired", "locked"…).</summary>
    public static void RecordSecureOpen(string outcome) =>
        SecureOpens.Add(1, new KeyValuePair<string, object?>("clinicmail.outcome", outcome));
}
