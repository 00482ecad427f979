using ClinicMail.Application.Identity;
using ClinicMail.Application.Incoming;
using ClinicMail.Core.Incoming;
using ClinicMail.Functions.Http;

namespace ClinicMail.Functions.Routes;

/// <summary>Incoming patient mail (docs/incoming-mail.md): the Graph webhook, the queue-triggered
/// worker and the awaiting-answer list.</summary>
public sealed class IncomingMailFunctions(
    FunctionHttp http,
    AwaitingAnswersHandler awaiting,
    GraphNotificationHandler notifications,
    GraphLifecycleHandler lifecycle,
    MailSubscriptionKeeper subscriptions,
    IncomingMailbook mailbook,
    IncomingMailProcessor processor)
{
    /// <summary>The Storage queue the webhook fills (app setting <c>IncomingMail:QueueName</c>).</summary>
    public const string QueueName = "%IncomingMail:QueueName%";

    /// <summary>Every 3 hours: a subscription lives 70 hours by default and is renewed within 24 of its end.</summary>
    public const string RenewalSchedule = "0 20 */3 * * *";

    [Function("MailAwaiting")]
    public Task AwaitingAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/mail/awaiting")] HttpRequest req) =>
        http.RunAsync(req, IdentitySetup.RegistryReadPolicy, async c =>
            await awaiting.ListAsync(c.User, QueryBinding.Int(c.Request.Query, "limit"), QueryBinding.Int(c.Request.Query, "weeks"), c.RequestAborted).ConfigureAwait(false));

    /// <summary>Anonymous on purpose: Graph presents no token; the clientState is the proof.</summary>
    [Function("MailNotifications")]
    public Task NotificationsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/mail/notifications")] HttpRequest req) =>
        http.RunAsync(req, null, async c => await notifications.HandleAsync(c.Request, c.RequestAborted).ConfigureAwait(false));

    /// <summary>Anonymous on purpose, like the webhook: the subscription's clientState is the proof.</summary>
    [Function("MailLifecycle")]
    public Task LifecycleAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/mail/lifecycle")] HttpRequest req) =>
        http.RunAsync(req, null, async c => await lifecycle.HandleAsync(c.Request, c.RequestAborted).ConfigureAwait(false));

    /// <summary>Creates the missing subscriptions and renews those close to expiry (Graph mode only).</summary>
    [Function("MailSubscriptionRenewal")]
    public async Task RenewAsync([TimerTrigger(RenewalSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (mailbook.Options.Graph.IsEnabled && mailbook.Mailboxes.Count > 0)
        {
            await subscriptions.MaintainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One work item. An exception makes the host retry (<c>maxDequeueCount</c> in host.json) and then
    /// move the message to the poison queue; processing is idempotent per message id, so a retry after a
    /// partial success does not acknowledge twice.</summary>
    [Function("IncomingMailQueue")]
    public async Task ProcessAsync([QueueTrigger(QueueName, Connection = "IncomingMail:QueueConnection")] string payload, CancellationToken cancellationToken)
    {
        var item = WorkItemJson.Read(payload) ?? throw new InvalidDataException("The queue message is not a work item.");
        await processor.ProcessAsync(item, cancellationToken).ConfigureAwait(false);
    }
}
