using System.Globalization;

namespace ClinicMail.Core.Incoming;

/// <summary>Why a message gets no automatic answer. Auto-replies answering auto-replies are how mail
/// loops start (RFC 3834, section 2); the codes are stable (audit data, metrics).</summary>
public enum SuppressionReason
{
    /// <summary><c>Auto-Submitted</c> other than <c>no</c> (RFC 3834).</summary>
    AutoSubmitted,
    /// <summary><c>X-Auto-Response-Suppress</c> asks Exchange-style senders not to auto-reply.</summary>
    AutoResponseSuppressed,
    /// <summary><c>Precedence: bulk | list | junk</c>, or a mailing list (<c>List-Id</c>).</summary>
    BulkOrList,
    /// <summary>Null sender (<c>Return-Path: &lt;&gt;</c>, no From) or a delivery report.</summary>
    NullSender,
    /// <summary>A no-reply, postmaster or mailer-daemon address.</summary>
    NoReplySender,
    /// <summary>One of ClinicMail's own acknowledgements (loop protection).</summary>
    OwnAcknowledgement,
    /// <summary>A sender inside the clinic's network (not acknowledged unless configured).</summary>
    InternalSender,
}

/// <summary>The never-acknowledge rules of issue 18. Pure.</summary>
public static class AutoReplySuppression
{
    /// <summary>The header ClinicMail puts on every acknowledgement it sends; seeing it on incoming
    /// mail means the message is ours (or a reply-all loop of it).</summary>
    public const string AcknowledgementHeader = "X-ClinicMail-Acknowledgement";

    private static readonly string[] NoReplyLocals =
        ["noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "mailer-daemon", "postmaster", "bounce", "bounces", "notifications-noreply"];

    private static readonly string[] SuppressValues = ["all", "autoreply", "oof"];

    /// <summary>The first rule the message breaks, or null when it may be acknowledged.</summary>
    /// <param name="message">The received message.</param>
    /// <param name="internalDomains">Domains of the clinic's own network (lower case).</param>
    /// <param name="acknowledgeInternal">Acknowledge senders of <paramref name="internalDomains"/> too.</param>
    public static SuppressionReason? Check(IncomingMessage message, IReadOnlyCollection<string> internalDomains, bool acknowledgeInternal = false)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(internalDomains);
        if (message.Header(AcknowledgementHeader) is not null)
        {
            return SuppressionReason.OwnAcknowledgement;
        }

        if (message.Header("Auto-Submitted") is { } auto && !auto.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return SuppressionReason.AutoSubmitted;
        }

        if (message.Header("X-Auto-Response-Suppress") is { } suppress
            && suppress.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Any(v => SuppressValues.Contains(v.ToLowerInvariant())))
        {
            return SuppressionReason.AutoResponseSuppressed;
        }

        if (message.Header("Precedence") is { } precedence && precedence.Trim().ToLowerInvariant() is "bulk" or "list" or "junk" or "auto_reply")
        {
            return SuppressionReason.BulkOrList;
        }

        if (message.Header("List-Id") is not null || message.Header("List-Unsubscribe") is not null)
        {
            return SuppressionReason.BulkOrList;
        }

        if (message.From is null || message.Header("Return-Path") is { } path && path.Trim() == "<>"
            || message.Header("Content-Type") is { } type && type.TrimStart().StartsWith("multipart/report", StringComparison.OrdinalIgnoreCase))
        {
            return SuppressionReason.NullSender;
        }

        var at = message.From.LastIndexOf('@');
        var local = (at > 0 ? message.From[..at] : message.From).ToLowerInvariant();
        var domain = at > 0 ? message.From[(at + 1)..].ToLowerInvariant() : "";
        if (NoReplyLocals.Any(n => local == n || local.StartsWith(n + "+", StringComparison.Ordinal) || local.StartsWith(n + ".", StringComparison.Ordinal)))
        {
            return SuppressionReason.NoReplySender;
        }

        if (!acknowledgeInternal && internalDomains.Any(d => domain == d || domain.EndsWith("." + d, StringComparison.Ordinal)))
        {
            return SuppressionReason.InternalSender;
        }

        return null;
    }

    /// <summary>The stable code of a reason (audit data, metrics): snake_case.</summary>
    public static string Code(SuppressionReason reason) => reason switch
    {
        SuppressionReason.AutoSubmitted => "auto_submitted",
        SuppressionReason.AutoResponseSuppressed => "auto_response_suppressed",
        SuppressionReason.BulkOrList => "bulk_or_list",
        SuppressionReason.NullSender => "null_sender",
        SuppressionReason.NoReplySender => "noreply_sender",
        SuppressionReason.OwnAcknowledgement => "own_acknowledgement",
        SuppressionReason.InternalSender => "internal_sender",
        _ => ((int)reason).ToString(CultureInfo.InvariantCulture),
    };
}
