using System.Collections;
using System.Reflection;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Identity;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Telemetry;

namespace ClinicMail.Application.Hosting;

/// <summary>Every configuration section, its options class and who reads it; and the settings that the
/// platform or an SDK reads rather than ClinicMail. docs/configuration.md lists the same, and
/// AppSettingsTests fails when the Bicep sets a setting that nothing here reads.</summary>
public static class SettingsCatalog
{
    public sealed record SectionEntry(string Section, Type Options, string ReadBy);

    /// <summary>Longest section first, so <c>Audit:SigningKey:*</c> is found before <c>Audit:*</c>.</summary>
    public static IReadOnlyList<SectionEntry> Sections { get; } =
    [
        new(AuditSigningKeyOptions.Section, typeof(AuditSigningKeyOptions), "local host, worker, CLI audit"),
        new(ClinicMailOptions.Section, typeof(ClinicMailOptions), "local host, worker; the CLI's check (InternalDomains, TimeZone)"),
        new(IdentityOptions.Section, typeof(IdentityOptions), "local host, worker"),
        new(StorageOptions.Section, typeof(StorageOptions), "local host, worker"),
        new(LimitsOptions.Section, typeof(LimitsOptions), "local host, worker"),
        new(KeyProviderOptions.SectionName, typeof(KeyProviderOptions), "local host, worker"),
        new(SecureOptions.Section, typeof(SecureOptions), "local host, worker"),
        new(MailOptions.Section, typeof(MailOptions), "local host, worker"),
        new(AuditOptions.Section, typeof(AuditOptions), "local host, worker"),
        new(ClinicMail.Application.Audit.AuditCopyOptions.Section, typeof(ClinicMail.Application.Audit.AuditCopyOptions), "local host, worker"),
        new(TelemetryOptions.Section, typeof(TelemetryOptions), "local host, worker"),
        new(PolicySettings.Section, typeof(PolicySettings), "local host, worker, CLI check"),
        new(ClinicMail.Application.Incoming.IncomingMailOptions.Section + ":Graph", typeof(ClinicMail.Application.Incoming.GraphSubscriptionSettings), "local host, worker"),
        new(ClinicMail.Application.Incoming.IncomingMailOptions.Section, typeof(ClinicMail.Application.Incoming.IncomingMailOptions), "local host, worker"),
        new(ClinicMail.Application.Filing.RecordFilingOptions.Section, typeof(ClinicMail.Application.Filing.RecordFilingOptions), "local host, worker"),
    ];

    /// <summary>Settings read by the Functions host, an Azure SDK or Application Insights, with who reads them.</summary>
    public static IReadOnlyDictionary<string, string> PlatformSettings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureWebJobsStorage:accountName"] = "Functions host: the storage account of triggers and timers (identity-based connection)",
        ["AzureWebJobsStorage:credential"] = "Functions host: 'managedidentity'",
        ["AzureWebJobsStorage:clientId"] = "Functions host: the user-assigned identity of the storage connection",
        ["AZURE_CLIENT_ID"] = "Azure.Identity (DefaultAzureCredential): the user-assigned identity",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "Functions host; ClinicMail's telemetry when Telemetry:ConnectionString is empty",
        ["IncomingMail:QueueConnection:queueServiceUri"] = "Functions host: the IncomingMailQueue trigger's Storage queue service (identity-based connection)",
        ["IncomingMail:QueueConnection:credential"] = "Functions host: 'managedidentity' for the IncomingMailQueue trigger",
        ["IncomingMail:QueueConnection:clientId"] = "Functions host: the user-assigned identity of the IncomingMailQueue trigger",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "Functions host and Application Insights: Entra authentication of ingestion",
    };

    /// <summary>Who reads <paramref name="key"/> (<c>Section:Name</c> or the environment's <c>Section__Name</c>); null: nothing does.</summary>
    public static string? ReaderOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var path = key.Replace("__", ":", StringComparison.Ordinal);
        if (PlatformSettings.TryGetValue(path, out var platform))
        {
            return platform;
        }

        foreach (var entry in Sections.OrderByDescending(s => s.Section.Length))
        {
            if (!path.StartsWith(entry.Section + ":", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = path[(entry.Section.Length + 1)..].Split(':');
            return Reads(entry.Options, rest) ? $"{entry.Options.Name} ({entry.ReadBy})" : null;
        }

        return null;
    }

    /// <summary>Every setting an options class binds, one line per property (a list or map as <c>Name:…</c>).</summary>
    public static IEnumerable<string> SettingsOf(SectionEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return SettingsOf(entry.Section, entry.Options);
    }

    /// <summary>A nested options class (<c>RecordFiling:Blob:*</c>) is listed setting by setting.</summary>
    private static IEnumerable<string> SettingsOf(string prefix, Type options) =>
        Bindable(options).SelectMany(p => IsNestedOptions(p.PropertyType)
            ? SettingsOf($"{prefix}:{p.Name}", p.PropertyType)
            : [$"{prefix}:{p.Name}"]);

    private static bool Reads(Type options, string[] path)
    {
        var property = Bindable(options).FirstOrDefault(p => string.Equals(p.Name, path[0], StringComparison.OrdinalIgnoreCase));
        if (property is null)
        {
            return false;
        }

        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (path.Length == 1)
        {
            return !IsNestedOptions(type);
        }

        if (IsNestedOptions(type))
        {
            return Reads(type, path[1..]);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var value = type.GetGenericArguments()[1];
            return path.Length == 2 || (IsComplex(value) && Reads(value, path[2..]));
        }

        // A list: the next segment is an index; a list of objects (IncomingMail:Mailboxes:0:Address) continues
        // into the element's properties.
        if (!typeof(IEnumerable).IsAssignableFrom(type) || type == typeof(string) || path.Length < 2 || !int.TryParse(path[1], out _))
        {
            return false;
        }

        var element = type.IsGenericType ? type.GetGenericArguments()[0] : typeof(object);
        return path.Length == 2 || (IsComplex(element) && Reads(element, path[2..]));
    }

    /// <summary>A section's own sub-section class (not a list, map or framework type).</summary>
    private static bool IsNestedOptions(Type type) =>
        IsComplex(type) && type != typeof(Uri) && type.Namespace?.StartsWith("ClinicMail", StringComparison.Ordinal) == true;

    private static bool IsComplex(Type type) => type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    private static IEnumerable<PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic
            // Derived by the composition root, never configured.
            && !(type == typeof(KeyProviderOptions) && p.Name == nameof(KeyProviderOptions.AllowDevelopmentKeys)));
}
