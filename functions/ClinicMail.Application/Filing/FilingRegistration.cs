using Azure.Identity;
using Azure.Storage.Blobs;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Hosting;
using ClinicMail.Application.Incoming;
using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Filing;
using ClinicMail.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Filing;

/// <summary>Record filing's registrations (called from <see cref="ServiceRegistration"/>), each with the
/// reason for its lifetime. A destination named in <c>RecordFiling:Destinations</c> without its settings
/// stops startup naming the setting.</summary>
public static class FilingRegistration
{
    public static IServiceCollection AddClinicMailRecordFiling(this IServiceCollection services, IConfiguration configuration, StartupSettings settings)
    {
        var filing = configuration.GetSection(RecordFilingOptions.Section).Get<RecordFilingOptions>() ?? new RecordFilingOptions();
        services.AddOptions<RecordFilingOptions>().Bind(configuration.GetSection(RecordFilingOptions.Section));

        // The store opens a pooled connection per operation: one instance per database.
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageBackend>().FilingOutbox);
        // Stateless services over singletons: singletons. The validator compiles schemas once per process.
        services.TryAddSingleton<FilingSignal>();
        services.TryAddSingleton<PatientMatcher>();
        services.TryAddSingleton<FilingPayload>();
        services.TryAddSingleton<ExchangeSourceReader>();
        services.TryAddSingleton<ExchangeFilingService>();
        services.TryAddSingleton<FilingDeliveryService>();
        services.TryAddSingleton<FilingQueryHandler>();
        services.TryAddSingleton<FilingPdfRenderer>();
        services.TryAddSingleton(_ => new FhirResourceValidator());
        services.TryAddSingleton<FilingRetention>();
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageBackend>().SentItemsCursors);
        if (filing.Enabled && filing.Graph.Enabled)
        {
            AddGraph(services, configuration, filing, settings);
        }

        services.TryAddSingleton<IMailboxCategorizer, LoggingMailboxCategorizer>();
        // The incoming-mail watcher's exchanges (and its acknowledgements) go to the record too.
        if (filing.Enabled)
        {
            services.Replace(ServiceDescriptor.Singleton<IExchangeObserver, FilingExchangeObserver>());
        }

        var kinds = filing.DestinationKindsFor(settings.ClinicMail.IsProduction);
        AddDestinations(services, filing, kinds, settings);

        // Production without a destination named: rows are recorded (never lost) but wait, and
        // /api/ready reports record filing degraded once they wait longer than RecordFiling:PendingAlarm.
        if (filing.Enabled && filing.BackgroundDelivery && kinds.Count > 0)
        {
            services.AddHostedService<FilingDeliveryBackgroundService>();
        }

        if (filing.Enabled && filing.WatchMailSent && !settings.ClinicMail.IsProduction)
        {
            var folder = filing.MailSentFolder ?? Path.Combine(settings.ClinicMail.DataDirectory, "mail-sent");
            services.TryAddSingleton(sp => new MailSentFolderWatcher(sp.GetRequiredService<ExchangeFilingService>(), folder,
                sp.GetRequiredService<IOptions<RecordFilingOptions>>(), sp.GetRequiredService<ILogger<MailSentFolderWatcher>>()));
            services.AddHostedService(sp => sp.GetRequiredService<MailSentFolderWatcher>());
        }

        return services;
    }

    /// <summary>Production's mailbox side (<c>RecordFiling:Graph:*</c>): the Sent Items sweep and the
    /// "Filed to record" category, both through one Graph SDK client per process (it caches the token).</summary>
    private static void AddGraph(IServiceCollection services, IConfiguration configuration, RecordFilingOptions filing, StartupSettings settings)
    {
        var configured = filing.Graph.Mailboxes.Count > 0
            ? filing.Graph.Mailboxes
            : configuration.GetSection("IncomingMail:Mailboxes").GetChildren().Select(b => b["Address"]).OfType<string>().ToList();
        var mailboxes = configured.Select(a => Core.Registry.AddressNormalizer.Normalize(a)).ToList();
        if (mailboxes.Count == 0 || mailboxes.Any(a => a is null))
        {
            throw new StartupConfigurationException(["RecordFiling:Graph:Mailboxes (or IncomingMail:Mailboxes) must name the mailboxes whose Sent Items are filed when RecordFiling:Graph:Enabled is true (env RecordFiling__Graph__Mailboxes__0)."]);
        }

        if (filing.Graph.BaseUri.Scheme != Uri.UriSchemeHttps && !filing.Graph.BaseUri.IsLoopback)
        {
            throw new StartupConfigurationException(["RecordFiling:Graph:BaseUri must be an https URL (env RecordFiling__Graph__BaseUri)."]);
        }

        var mail = configuration.GetSection(MailOptions.Section).Get<MailOptions>() ?? new MailOptions();
        services.TryAddSingleton(new SentItemsMailboxes([.. mailboxes.OfType<string>().Distinct(StringComparer.Ordinal)]));
        services.TryAddSingleton(new FilingGraphClient(GraphClients.Create(Credential(mail, settings), new Infrastructure.Mail.GraphMailSenderOptions { BaseUri = filing.Graph.BaseUri })));
        services.TryAddSingleton<ISentItemsReader>(sp => new GraphSentItemsReader(sp.GetRequiredService<FilingGraphClient>().Client));
        services.TryAddSingleton<IMailboxCategorizer>(sp => new GraphMailboxCategorizer(sp.GetRequiredService<FilingGraphClient>().Client));
        services.TryAddSingleton<SentItemsSweep>();
        if (filing.BackgroundDelivery)
        {
            services.AddHostedService<SentItemsSweepBackgroundService>();
        }
    }

    /// <summary>Production: the Function App's managed identity only; elsewhere the developer's chain.</summary>
    private static Azure.Core.TokenCredential Credential(MailOptions mail, StartupSettings settings)
    {
        var clientId = string.IsNullOrWhiteSpace(mail.ManagedIdentityClientId) ? null : mail.ManagedIdentityClientId;
        return settings.ClinicMail.IsProduction
            ? new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }

    /// <summary>The folder the embedded destination writes to.</summary>
    public static string LocalFolder(RecordFilingOptions filing, StartupSettings settings) =>
        filing.Folder ?? Path.Combine(settings.ClinicMail.DataDirectory, "record-filing");

    private static void AddDestinations(IServiceCollection services, RecordFilingOptions filing, IReadOnlyList<string> kinds, StartupSettings settings)
    {
        var problems = new List<string>();
        foreach (var kind in kinds)
        {
            switch (kind)
            {
                case "local":
                    if (settings.ClinicMail.IsProduction)
                    {
                        problems.Add("RecordFiling:Destinations may not name 'local' in production: the record goes to 'blob' (env RecordFiling__Destinations).");
                    }

                    // Writes files; holds nothing else: a singleton.
                    services.AddSingleton<IFilingDestination>(_ => new LocalFolderDestination(LocalFolder(filing, settings)));
                    break;
                case "blob":
                    if (string.IsNullOrWhiteSpace(filing.Blob.ServiceUri) && string.IsNullOrWhiteSpace(filing.Blob.ConnectionString))
                    {
                        problems.Add("RecordFiling:Blob:ServiceUri must name the storage account's blob endpoint when RecordFiling:Destinations has 'blob' (env RecordFiling__Blob__ServiceUri).");
                        break;
                    }

                    // One client per process (its pipeline caches the managed identity's token).
                    services.AddSingleton<IFilingDestination>(_ => new BlobFilingDestination(BlobContainer(filing.Blob, settings)));
                    break;
                case "fhir":
                    if (!Uri.TryCreate(filing.Fhir.Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && !endpoint.IsLoopback))
                    {
                        problems.Add("RecordFiling:Fhir:Endpoint must be an https URL when RecordFiling:Destinations has 'fhir' (env RecordFiling__Fhir__Endpoint).");
                        break;
                    }

                    System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null;
                    if (!string.IsNullOrWhiteSpace(filing.Fhir.ClientCertificate))
                    {
                        try
                        {
                            // Loaded once at startup: a wrong certificate stops the host, naming the setting.
                            clientCertificate = FhirClientCertificate.Load(filing.Fhir.ClientCertificate, filing.Fhir.ClientCertificatePassword);
                        }
                        catch (FormatException exception)
                        {
                            problems.Add("RecordFiling:Fhir:ClientCertificate must be a base64 PKCS#12 with its private key (and RecordFiling:Fhir:ClientCertificatePassword its password): " + exception.Message);
                            break;
                        }
                    }

                    // Mutual TLS when a client certificate is configured (the handler presents it).
                    services.AddHttpClient("record-filing-fhir").ConfigurePrimaryHttpMessageHandler(() => FhirClientCertificate.Handler(clientCertificate));
                    services.AddSingleton<IFilingDestination>(sp => new FhirEndpointDestination(
                        sp.GetRequiredService<IHttpClientFactory>().CreateClient("record-filing-fhir"), endpoint, filing.Fhir.BearerToken));
                    break;
                default:
                    problems.Add("RecordFiling:Destinations knows 'local', 'blob' and 'fhir' (env RecordFiling__Destinations).");
                    break;
            }
        }

        if (problems.Count > 0)
        {
            throw new StartupConfigurationException(problems);
        }
    }

    private static BlobContainerClient BlobContainer(BlobFilingOptions blob, StartupSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(blob.ConnectionString))
        {
            return new BlobContainerClient(blob.ConnectionString, blob.Container);
        }

        var clientId = string.IsNullOrWhiteSpace(blob.ManagedIdentityClientId) ? null : blob.ManagedIdentityClientId;
        Azure.Core.TokenCredential credential = settings.ClinicMail.IsProduction
            ? new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return new BlobContainerClient(new Uri(new Uri(blob.ServiceUri!.TrimEnd('/') + "/"), blob.Container), credential);
    }
}

/// <summary>Record filing's Graph SDK client (one per process), named so it is not mistaken for another's.</summary>
public sealed record FilingGraphClient(Microsoft.Graph.GraphServiceClient Client);
