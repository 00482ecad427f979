using ClinicMail.Core.Filing;
using Microsoft.Extensions.Logging;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>The embedded default has no mailbox to mark: the category is recorded in the log with the
/// ids (filing, mailbox item), so a reader of the log sees what production would have marked.</summary>
public sealed class LoggingMailboxCategorizer(ILogger<LoggingMailboxCategorizer> logger) : IMailboxCategorizer
{
    public Task MarkFiledAsync(string filingId, string mailbox, string mailboxItemId, CancellationToken cancellationToken = default)
    {
        logger.LogInformation("Mailbox category (no-op, embedded default): filing {FilingId}, item {MailboxItemId}", filingId, mailboxItemId);
        return Task.CompletedTask;
    }
}
