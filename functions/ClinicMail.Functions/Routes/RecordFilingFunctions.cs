using ClinicMail.Application.Filing;
using ClinicMail.Application.Identity;
using ClinicMail.Functions.Http;
using Microsoft.Extensions.Options;

namespace ClinicMail.Functions.Routes;

/// <summary>Record filing's routes (as the local host's RecordFilingEndpoints) and its delivery timer
/// (the worker sets <c>RecordFiling:BackgroundDelivery</c> false).</summary>
public sealed class RecordFilingFunctions(FunctionHttp http, FilingQueryHandler filing, FilingDeliveryService delivery, IServiceProvider services, IOptions<RecordFilingOptions> options, ILogger<RecordFilingFunctions> logger)
{
    private const string Base = "api/v1/record-filing";

    /// <summary>Every minute: a filing waits at most that long plus its delivery.</summary>
    public const string DeliverySchedule = "0 * * * * *";

    /// <summary>Every five minutes, as <c>RecordFiling:Graph:SweepInterval</c>'s default on the local host.</summary>
    public const string SentItemsSchedule = "30 */5 * * * *";

    [Function("RecordFilingStatus")]
    public Task StatusAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Base)] HttpRequest req) =>
        http.RunAsync(req, IdentitySetup.ClinicAdminPolicy, async c => await filing.StatusAsync(c.RequestAborted).ConfigureAwait(false));

    [Function("RecordFilingConfirm")]
    public Task ConfirmAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Base + "/{id}/confirm")] HttpRequest req, string id) =>
        http.RunAsync<FilingConfirmRequest>(req, IdentitySetup.ClinicAdminPolicy, async (c, body) => await filing.ConfirmAsync(id, body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RecordFilingRetry")]
    public Task RetryAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Base + "/{id}/retry")] HttpRequest req, string id) =>
        http.RunAsync(req, IdentitySetup.ClinicAdminPolicy, async c => await filing.RetryAsync(id, c.RequestAborted).ConfigureAwait(false));

    [Function("RecordFilingVerify")]
    public Task VerifyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Base + "/verify")] HttpRequest req) =>
        http.RunAsync<FilingVerifyRequest>(req, IdentitySetup.ComplianceReviewerPolicy, async (c, body) => await filing.VerifyAsync(body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RecordFilingDeliver")]
    public async Task DeliverAsync([TimerTrigger(DeliverySchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var total = 0;
        int delivered;
        while ((delivered = await delivery.DeliverDueAsync(cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += delivered;
        }

        logger.LogInformation("Record filing (timer): {Handled} rows handled", total);
    }

    /// <summary>The Sent Items sweep (<see cref="SentItemsSweep"/>), registered only when
    /// <c>RecordFiling:Graph:Enabled</c> is true; otherwise the timer has nothing to do.</summary>
    [Function("RecordFilingSentItems")]
    public async Task SweepSentItemsAsync([TimerTrigger(SentItemsSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled || services.GetService<SentItemsSweep>() is not { } sweep)
        {
            return;
        }

        var recorded = await sweep.SweepAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Sent Items sweep (timer): {Recorded} recorded", recorded);
    }
}
