using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using ClinicMail.Application.Configuration;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Audit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinicMail.Application.Audit;

/// <summary><c>AuditCopy:*</c> — where the copy of the audit checkpoints outside the database lives.</summary>
public sealed class AuditCopyOptions
{
    public const string Section = "AuditCopy";

    /// <summary><c>File</c> (embedded default: <c>Audit:CheckpointCopyPath</c>, else <c>audit-checkpoints.jsonl</c>
    /// in the data folder) or <c>Blob</c> (production: a container under a time-based immutability policy).</summary>
    public string Provider { get; set; } = "File";

    /// <summary>Blob: the container's URL (<c>https://account.blob.core.windows.net/audit-checkpoints</c>),
    /// reached as the app's managed identity.</summary>
    public Uri? BlobContainerUri { get; set; }

    /// <summary>Blob: a storage connection string instead of the URL (the Azurite emulator in tests).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Blob with <see cref="ConnectionString"/>: the container's name.</summary>
    public string ContainerName { get; set; } = "audit-checkpoints";

    /// <summary>Blob: the client id of the user-assigned managed identity (unset: the system-assigned one).</summary>
    public string? ManagedIdentityClientId { get; set; }

    public bool IsBlob => string.Equals(Provider, "Blob", StringComparison.OrdinalIgnoreCase);

    public bool IsFile => string.Equals(Provider, "File", StringComparison.OrdinalIgnoreCase);
}

public static class AuditCopyRegistration
{
    /// <summary>Registers the checkpoint copy the configuration names; a Blob copy without a container stops startup.</summary>
    public static IServiceCollection AddAuditCheckpointCopy(this IServiceCollection services, IConfiguration configuration, StartupSettings settings, AuditOptions audit)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(audit);
        var copy = configuration.GetSection(AuditCopyOptions.Section).Get<AuditCopyOptions>() ?? new AuditCopyOptions();
        if (copy.IsFile)
        {
            // A singleton: it serialises its appends.
            services.TryAddSingleton<IAuditCheckpointCopy>(_ => new FileAuditCheckpointCopy(
                audit.CheckpointCopyPath ?? Path.Combine(settings.ClinicMail.DataDirectory, "audit-checkpoints.jsonl")));
            return services;
        }

        if (!copy.IsBlob)
        {
            throw new StartupConfigurationException(["AuditCopy:Provider must be 'File' or 'Blob' (env AuditCopy__Provider)."]);
        }

        var container = Container(copy, settings)
            ?? throw new StartupConfigurationException(["AuditCopy:BlobContainerUri (or AuditCopy:ConnectionString with AuditCopy:ContainerName) must name the checkpoint container when AuditCopy:Provider is 'Blob' (env AuditCopy__BlobContainerUri)."]);
        // A singleton: one client pipeline, and the copy remembers the last sequence it appended.
        services.TryAddSingleton<IAuditCheckpointCopy>(sp => new BlobAuditCheckpointCopy(container, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static BlobContainerClient? Container(AuditCopyOptions copy, StartupSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(copy.ConnectionString))
        {
            return new BlobContainerClient(copy.ConnectionString, copy.ContainerName);
        }

        if (copy.BlobContainerUri is null)
        {
            return null;
        }

        var clientId = string.IsNullOrWhiteSpace(copy.ManagedIdentityClientId) ? null : copy.ManagedIdentityClientId;
        TokenCredential credential = settings.ClinicMail.IsProduction
            ? new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return new BlobContainerClient(copy.BlobContainerUri, credential);
    }
}
