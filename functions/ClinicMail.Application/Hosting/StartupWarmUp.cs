using System.Diagnostics;
using System.Text.Json;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Handlers;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Registry;
using FluentValidation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Hosting;

/// <summary>Once per process, in the background: runs the check path on a built-in draft and loads the
/// identity provider's signing keys, so the first physician who presses Send on a cold instance does
/// not pay for them (JIT, lexicon tables, JSON metadata, the registry's first queries, and the OpenID
/// discovery document and keys, which JwtBearer otherwise fetches inside the first request).</summary>
/// <remarks>Read-only: the built-in draft goes to a reserved <c>.invalid</c> address, nothing is
/// written to the registry or the audit chain, and nothing of the draft is logged. A failure is
/// logged by type and ignored: the real request does the same work and reports its own errors.
/// Off with <c>ClinicMail:WarmUp=false</c>.
/// <para>The engine, the validator and the registry are resolved by the warm-up itself, on its own
/// thread: the host builds its hosted services on the start-up thread, which must not wait for the
/// engine's tables (<see cref="EnginePrebuild"/>).</para></remarks>
public sealed class StartupWarmUp(
    IServiceProvider services,
    IOptions<JsonOptions> json,
    IOptionsMonitor<JwtBearerOptions> jwt,
    IOptions<ClinicMailOptions> options,
    IOptions<PolicyOptions> policy,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<StartupWarmUp> logger) : BackgroundService
{
    /// <summary>A draft that walks every stage: HTML conversion, both languages, topics, identifiers,
    /// one internal and one unknown external recipient (the near-miss search runs), an attachment.</summary>
    internal static Draft Sample(string internalDomain) => new()
    {
        Subject = "Suivi / Follow-up",
        BodyFormat = BodyFormat.Html,
        Body = "<p>Bonjour, la biopsie montre un carcinome; le psychiatre vous recevra mardi. "
            + "RAMQ TREM 5501 0112, tél. 514-555-0199.</p><p>Hello, your new treatment starts on 2026-12-01.</p>"
            + "<blockquote>Le 3 nov., vous avez écrit : merci.</blockquote>",
        To = [new DraftRecipient("warm-up@clinicmail-warm-up.invalid")],
        Cc = [new DraftRecipient("accueil@" + internalDomain)],
        Attachments = [new AttachmentInfo("resultat.pdf", 1024, "application/pdf")],
    };

    /// <summary>Check path: validation, the engine with the configured registry, and the response's JSON.</summary>
    /// <returns>What the run saw, so a test can tell the real path ran (no text of the draft).</returns>
    public async Task<WarmUpCheck> WarmCheckPathAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var checker = services.GetRequiredService<DraftChecker>();
        var validator = services.GetRequiredService<IValidator<Draft>>();
        var directory = services.GetRequiredService<IPatientDirectory>();
        var serializer = json.Value.SerializerOptions;
        var draft = JsonSerializer.Deserialize<Draft>(
            JsonSerializer.SerializeToUtf8Bytes(Sample(options.Value.InternalDomains.FirstOrDefault() ?? "clinique.med"), serializer), serializer)!;
        var validation = await validator.ValidateAsync(draft, cancellationToken).ConfigureAwait(false);
        var context = new CheckContext
        {
            Directory = directory,
            InternalDomains = options.Value.InternalDomains,
            Policy = policy.Value,
            Today = ClinicClock.Today(time, options.Value),
        };
        var result = await checker.CheckAsync(draft, context, cancellationToken).ConfigureAwait(false);
        await JsonSerializer.SerializeAsync(Stream.Null, CheckResponse.From("chk_warm_up", result), serializer, cancellationToken).ConfigureAwait(false);
        return new WarmUpCheck(watch.Elapsed, validation.IsValid, result.Decision, [.. result.Topics.Select(t => t.Category)],
            result.Recipients.Count(r => r.Status == Core.Recipients.RecipientStatus.Unknown));
    }

    /// <summary>Loads the OpenID configuration (issuer metadata and signing keys) JwtBearer validates with.</summary>
    /// <returns>The number of signing keys, 0 when there is no metadata to load.</returns>
    public async Task<int> WarmIdentityAsync(CancellationToken cancellationToken)
    {
        var manager = jwt.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager;
        if (manager is null)
        {
            return 0;
        }

        var configuration = await manager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        return configuration.SigningKeys.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the server starts listening while this runs on another core.
        await Task.Yield();
        try
        {
            var check = await WarmCheckPathAsync(stoppingToken).ConfigureAwait(false);
            // The development issuer's metadata is served by this app: only once it listens.
            await WhenStartedAsync(stoppingToken).ConfigureAwait(false);
            var identity = Stopwatch.StartNew();
            var keys = await WarmIdentityAsync(stoppingToken).ConfigureAwait(false);
            logger.LogInformation("Warm-up done: check path {CheckMs} ms, identity metadata {IdentityMs} ms ({KeyCount} signing keys)",
                (int)check.Elapsed.TotalMilliseconds, (int)identity.Elapsed.TotalMilliseconds, keys);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A warm-up failure must never stop the app: the first request redoes the work and reports its own error.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogWarning("Warm-up skipped ({ExceptionType}); the first request will do this work", ex.GetType().Name);
        }
    }

    private async Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
    }
}

/// <summary>The outcome of a warm-up check: duration, whether the built-in draft passed validation,
/// and the engine's answer on it.</summary>
public sealed record WarmUpCheck(TimeSpan Elapsed, bool DraftValid, Decision Decision, IReadOnlyList<Core.Topics.TopicCategory> Topics, int UnknownRecipients);
