using Azure.Core;
using Azure.Identity;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Handlers;
using ClinicMail.Application.Hosting;
using ClinicMail.Application.Validation;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Mail;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Mail;
using ClinicMail.Infrastructure.Secure;
using ClinicMail.Infrastructure.Storage;
using FluentValidation;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinicMail.Application.Secure;

/// <summary>Secure delivery's registrations (called from <see cref="ServiceRegistration"/>), each
/// with the reason for its lifetime.</summary>
public static class SecureRegistration
{
    public static IServiceCollection AddClinicMailSecure(this IServiceCollection services, IConfiguration configuration, StartupSettings settings)
    {
        // IOptions<SecureOptions> is registered with the other sections (SettingsRegistration); this copy sizes the rate limits.
        var secure = Settings.ReadOrThrow(configuration, SecureOptions.Section, new SecureOptionsValidator(Microsoft.Extensions.Options.Options.Create(settings.ClinicMail)));

        // Stateless apart from the key-encryption key, itself a singleton.
        services.TryAddSingleton(sp => new EnvelopeEncryptor(sp.GetRequiredService<IKeyEncryptionKey>()));
        // Patients' addresses are hashed and sealed in the secure-message and consent tables (issue 22
        // item 10): one protector per process, it caches the unwrapped address data key.
        services.TryAddSingleton(sp => new PatientAddressProtector(sp.GetRequiredService<OneTimeCodeKey>(), sp.GetRequiredService<IKeyEncryptionKey>(),
            new AddressKeyStore(sp.GetRequiredService<StorageBackend>().Database), sp.GetRequiredService<TimeProvider>()));
        // The store opens a pooled connection per operation: one instance per database.
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageBackend>().SecureMessagesWith(sp.GetRequiredService<PatientAddressProtector>()));
        // After the schema step (registered before): rows written before migration 0013 are sealed.
        services.AddSingleton<IStartupStep, LegacyAddressSealingStep>();
        services.TryAddSingleton(sp => new SecureMessagePurger(sp.GetRequiredService<ISecureMessageStore>(), sp.GetRequiredService<Core.Audit.IAuditWriter>(), sp.GetRequiredService<TimeProvider>()));
        services.AddClinicMailMail(configuration, settings);
        services.AddOneTimeCodeKey(configuration, settings);
        // The code and session steps the reader and the consent page share (stateless: a singleton).
        services.TryAddSingleton<OneTimeCodeFlow>();

        // Handlers and validators hold no per-request state: singletons.
        services.TryAddSingleton<SecureMessageHandler>();
        services.TryAddSingleton<SecureReaderHandler>();
        services.TryAddSingleton<IValidator<SecureMessageRequest>, SecureMessageRequestValidator>();
        services.TryAddSingleton<IValidator<ExpiryChangeRequest>, ExpiryChangeValidator>();

        // The local host purges on an interval; the Functions worker sets this false and runs its timer.
        if (secure.BackgroundPurge)
        {
            services.AddHostedService<PurgeBackgroundService>();
        }

        services.AddRateLimiter(limiter => ConfigureRateLimits(limiter, secure));
        // The worker's copy of the same limits; its windows live as long as the process.
        services.TryAddSingleton<ReaderRateLimiter>();

        // ASP.NET Core's request log writes every URL at Information, and a reader URL holds the
        // link token: that category logs warnings and above only (docs/secure-delivery.md also
        // asks for request telemetry of /secure/* to be scrubbed in Application Insights).
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));
        return services;
    }

    /// <summary>Mail is a security sink for the codes: production must name Graph and a sender;
    /// there is no silent fallback to files.</summary>
    private static void AddClinicMailMail(this IServiceCollection services, IConfiguration configuration, StartupSettings settings)
    {
        // Graph needs a sender, production needs Graph: MailOptionsValidator refuses anything else.
        var mail = Settings.ReadOrThrow(configuration, MailOptions.Section, new MailOptionsValidator(Microsoft.Extensions.Options.Options.Create(settings.ClinicMail)));
        if (mail.IsGraph)
        {
            // Production: app-only Graph as the Function App's user-assigned managed identity, nothing
            // else (no developer sign-in or environment credential in the chain); Mail.Send for the
            // sender mailbox comes from Exchange RBAC for Applications (infra/exchange/grant-mail-send.ps1).
            var clientId = string.IsNullOrWhiteSpace(mail.ManagedIdentityClientId) ? null : mail.ManagedIdentityClientId;
            TokenCredential credential = settings.ClinicMail.IsProduction
                ? new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
                : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
            // One pipeline per process (it caches the Graph token).
            services.TryAddSingleton<IMailSender>(_ => new GraphMailSender(mail.SenderAddress!, credential));
            return;
        }

        var folder = string.IsNullOrWhiteSpace(mail.PickupDirectory) ? Path.Combine(settings.ClinicMail.DataDirectory, "mail-pickup") : mail.PickupDirectory;
        var from = string.IsNullOrWhiteSpace(mail.SenderAddress) ? "clinicmail@" + (settings.ClinicMail.InternalDomains.FirstOrDefault() ?? "clinicmail.local") : mail.SenderAddress;
        // Writes one file per mail: stateless, a singleton.
        services.TryAddSingleton<IMailSender>(sp => new PickupDirectoryMailSender(folder, from, sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>The local host's rate limits: the reader's partitions (<see cref="ReaderRateLimits"/>, shared
    /// with the worker's <see cref="ReaderRateLimiter"/>) as endpoint policies and the global limiter.</summary>
    private static void ConfigureRateLimits(RateLimiterOptions limiter, SecureOptions secure)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = (context, _) => new ValueTask(ReaderRateLimits.RejectAsync(context.HttpContext, context.Lease));
        limiter.AddPolicy(ReaderRateLimits.CodePolicy, http => ReaderRateLimits.PerLink(ReaderRateLimits.CodePolicy, http.Request.RouteValues["token"]?.ToString(), secure));
        limiter.AddPolicy(ReaderRateLimits.VerifyPolicy, http => ReaderRateLimits.PerLink(ReaderRateLimits.VerifyPolicy, http.Request.RouteValues["token"]?.ToString(), secure));
        limiter.GlobalLimiter = ReaderRateLimits.PerAddress(secure);
    }
}
