using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Incoming;
using ClinicMail.Core.Incoming;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Mail;
using ClinicMail.Infrastructure.Mail.Incoming;
using ClinicMail.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinicMail.Application.Hosting;

/// <summary>Incoming patient mail (issue 18; docs/incoming-mail.md): the use case, its store and queue,
/// and the transports. The embedded default watches the drop folder over the database queue; production
/// takes Graph change notifications onto Azure Storage Queues.</summary>
public static class IncomingMailRegistration
{
    public static IServiceCollection AddClinicMailIncoming(this IServiceCollection services, IConfiguration configuration, StartupSettings settings)
    {
        var options = configuration.GetSection(IncomingMailOptions.Section).Get<IncomingMailOptions>() ?? new IncomingMailOptions();
        var development = settings.ClinicMail.IsDevelopment;
        if (development && string.IsNullOrWhiteSpace(options.ClinicPhone))
        {
            // The embedded default's demo number (the 555-01xx range is reserved for fiction).
            options.ClinicPhone = "514 555-0100";
        }

        var enabled = options.IsEnabled(development);
        if (enabled && options.Problems() is { Count: > 0 } problems)
        {
            throw new StartupConfigurationException(problems);
        }

        var mail = configuration.GetSection(MailOptions.Section).Get<MailOptions>() ?? new MailOptions();
        var boxes = options.Mailboxes.Select(b => new WatchedMailbox
        {
            Address = AddressNormalizer.Normalize(b.Address) ?? b.Address,
            Mode = b.Mode,
            ResponseDelayBusinessDays = b.ResponseDelayBusinessDays,
            OwnerObjectId = string.IsNullOrWhiteSpace(b.OwnerObjectId) ? null : b.OwnerObjectId,
        }).ToList();
        if (boxes.Count == 0 && development)
        {
            var address = mail.SenderAddress ?? "clinique@" + (settings.ClinicMail.InternalDomains.FirstOrDefault() ?? "clinicmail.local");
            boxes.Add(new WatchedMailbox { Address = AddressNormalizer.Normalize(address) ?? address });
        }

        // Configuration read once: singletons.
        services.TryAddSingleton(new IncomingMailbook(options, boxes, settings.ClinicMail.TimeZone, settings.ClinicMail.InternalDomains));
        services.TryAddSingleton<IExchangeObserver, NoExchangeObserver>();
        services.TryAddSingleton<IIncomingMailStore>(sp => sp.GetRequiredService<StorageBackend>().Incoming);
        services.TryAddSingleton<IDatabaseQueue>(sp => sp.GetRequiredService<StorageBackend>().Incoming);
        services.TryAddSingleton<IncomingMailProcessor>();
        services.TryAddSingleton<AwaitingAnswersHandler>();

        // The drop folder is the embedded default's mailbox; a transport is stateless over its folders.
        var data = settings.ClinicMail.DataDirectory;
        var drop = string.IsNullOrWhiteSpace(options.DropFolder) ? Path.Combine(data, "mail-inbox") : options.DropFolder;
        var pickup = string.IsNullOrWhiteSpace(mail.PickupDirectory) ? Path.Combine(data, "mail-pickup") : mail.PickupDirectory;
        services.TryAddSingleton(sp => new DropFolderTransport(drop, pickup, [.. boxes.Select(b => b.Address)], sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IIncomingTransport>(sp => sp.GetRequiredService<DropFolderTransport>());
        services.TryAddSingleton<DatabaseIncomingQueue>();
        services.TryAddSingleton<DatabaseQueueWorker>();
        services.TryAddSingleton<DropFolderWatcher>();
        services.TryAddSingleton<GraphNotificationHandler>();
        if (options.UsesStorageQueue)
        {
            // One client per process (it holds the connection pipeline).
            services.TryAddSingleton<IIncomingQueue>(_ => new StorageQueueIncomingQueue(options.QueueConnectionString is { Length: > 0 } connection
                ? new QueueClient(connection, options.QueueName, StorageQueueIncomingQueue.Options())
                : new QueueClient(new Uri(options.QueueServiceUri ?? throw new StartupConfigurationException(["IncomingMail:QueueServiceUri or IncomingMail:QueueConnectionString must name the Storage queue when IncomingMail:Queue is 'StorageQueue'."]), options.QueueName),
                    Credential(mail, settings), StorageQueueIncomingQueue.Options())));
        }

        services.TryAddSingleton<IIncomingQueue>(sp => sp.GetRequiredService<DatabaseIncomingQueue>());
        services.TryAddSingleton<IMailSubscriptionStore>(sp => sp.GetRequiredService<StorageBackend>().MailSubscriptions);
        services.TryAddSingleton<SubscriptionClientStates>();
        if (options.Graph.IsEnabled)
        {
            // Graph change notifications (production): one SDK client per process (it caches the token),
            // shared by the mailbox transport and the subscription upkeep.
            services.TryAddSingleton(_ => new GraphMailboxTransport(Credential(mail, settings), [.. boxes.Select(b => b.Address)], new GraphMailSenderOptions { BaseUri = options.Graph.BaseUri }));
            services.AddSingleton<IIncomingTransport>(sp => sp.GetRequiredService<GraphMailboxTransport>());
            services.TryAddSingleton<IMailSubscriptionService>(sp => new GraphSubscriptionClient(sp.GetRequiredService<GraphMailboxTransport>().Client));
        }

        // Without Graph mode the lifecycle route still exists (both hosts map it) and refuses every call.
        services.TryAddSingleton<IMailSubscriptionService, GraphModeOff>();
        services.TryAddSingleton<MailSubscriptionKeeper>();
        services.TryAddSingleton<GraphLifecycleHandler>();

        // The worker (Functions) drains Storage Queues with a queue trigger and renews from a timer instead
        // (IncomingMail:RunBackground=false there).
        var background = enabled && configuration.GetValue(IncomingMailOptions.Section + ":RunBackground", true);
        if (background && !options.UsesStorageQueue)
        {
            services.AddHostedService(sp => sp.GetRequiredService<DatabaseQueueWorker>());
            if (development)
            {
                services.AddHostedService(sp => sp.GetRequiredService<DropFolderWatcher>());
            }
        }

        if (background && options.Graph.IsEnabled)
        {
            services.AddHostedService<MailSubscriptionRenewalService>();
        }

        return services;
    }

    /// <summary>Production: the Function App's managed identity only; elsewhere the developer's chain.</summary>
    private static TokenCredential Credential(MailOptions mail, StartupSettings settings)
    {
        var clientId = string.IsNullOrWhiteSpace(mail.ManagedIdentityClientId) ? null : mail.ManagedIdentityClientId;
        return settings.ClinicMail.IsProduction
            ? new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }
}
