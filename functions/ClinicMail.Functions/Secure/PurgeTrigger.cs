using System.Net;
using ClinicMail.Infrastructure.Secure;

namespace ClinicMail.Functions.Secure;

/// <summary>The timer function's handler. With a custom handler the Functions host POSTs
/// <c>{"Data":{"timer":{...}},"Metadata":{...}}</c> to <c>/PurgeSecureMessages</c> over loopback and
/// expects <c>{"Outputs":{},"Logs":[...],"ReturnValue":null}</c>. Only the local host may call it:
/// the request must come from a loopback address and carry no forwarding header (a request relayed
/// from the Internet by a front end has one). Even so the operation is harmless: it only shreds
/// messages that are already past their expiry.</summary>
public static class PurgeTrigger
{
    public const string FunctionName = "PurgeSecureMessages";

    public static async Task<IResult> HandleAsync(HttpContext http, SecureMessagePurger purger, ILoggerFactory loggers, CancellationToken ct)
    {
        var remote = http.Connection.RemoteIpAddress;
        var forwarded = http.Request.Headers.ContainsKey("X-Forwarded-For") || http.Request.Headers.ContainsKey("X-Forwarded-Host")
            || http.Request.Headers.ContainsKey("X-Original-URL") || http.Request.Headers.ContainsKey("X-ARR-LOG-ID");
        // No peer address at all means an in-process transport (the test server), never the network.
        if ((remote is not null && !IPAddress.IsLoopback(remote)) || forwarded)
        {
            return Results.NotFound();
        }

        var purged = await purger.PurgeExpiredAsync(cancellationToken: ct).ConfigureAwait(false);
        loggers.CreateLogger(typeof(PurgeTrigger)).LogInformation("Secure purge (timer): {Purged} messages shredded", purged);
        return Results.Json(new { Outputs = new Dictionary<string, object?>(), Logs = new[] { $"purged {purged}" }, ReturnValue = (object?)null });
    }
}

/// <summary>The standalone purge: the same work on an interval when the app is not under the
/// Functions host (which runs the timer function instead).</summary>
public sealed class PurgeBackgroundService(SecureMessagePurger purger, Microsoft.Extensions.Options.IOptions<SecureOptions> options, TimeProvider time, ILogger<PurgeBackgroundService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, time);
        do
        {
            try
            {
                var purged = await purger.PurgeExpiredAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    logger.LogInformation("Secure purge: {Purged} messages shredded", purged);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round is logged and retried at the next tick; the service must not die.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogError("Secure purge failed: {ExceptionType}", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
