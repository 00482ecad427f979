using ClinicMail.Application.Configuration;
using ClinicMail.Application.Identity;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Policy;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinicMail.Application.Hosting;

/// <summary>Every section of <see cref="SettingsCatalog"/> as <c>IOptions&lt;T&gt;</c>, in one shape:
/// <c>BindConfiguration(section)</c>, the mode's embedded defaults, its validator, <c>ValidateOnStart()</c>.</summary>
public static class SettingsRegistration
{
    public static IServiceCollection AddClinicMailSettings(this IServiceCollection services, IConfiguration configuration)
    {
        // The hosts register their configuration already; a bare service collection (a test, a tool) gets this one.
        services.TryAddSingleton(configuration);
        services.AddSettings<ClinicMailOptions, ClinicMailOptionsValidator>(ClinicMailOptions.Section).PostConfigure(EmbeddedDefaults.Normalize);
        services.AddSettings<IdentityOptions, IdentityOptionsValidator>(IdentityOptions.Section, EmbeddedDefaults.Apply);
        services.AddSettings<StorageOptions, StorageOptionsValidator>(StorageOptions.Section, EmbeddedDefaults.Apply);
        services.AddSettings<LimitsOptions, LimitsOptionsValidator>(LimitsOptions.Section);
        services.AddSettings<KeyProviderOptions, KeyProviderOptionsValidator>(KeyProviderOptions.SectionName, EmbeddedDefaults.Apply);
        services.AddSettings<AuditSigningKeyOptions, AuditSigningKeyOptionsValidator>(AuditSigningKeyOptions.Section);
        services.AddSettings<SecureOptions, SecureOptionsValidator>(SecureOptions.Section);
        services.AddSettings<MailOptions, MailOptionsValidator>(MailOptions.Section);
        services.AddSettings<AuditOptions, AuditOptionsValidator>(AuditOptions.Section);
        services.AddSettings<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.Section);
        services.AddSettings<PolicySettings, PolicySettingsValidator>(PolicySettings.Section);
        return services;
    }

    /// <summary><c>Policy:*</c> as the engine reads it, read and checked now (the CLI has no host to start).</summary>
    public static PolicyOptions ReadPolicy(IConfiguration configuration) =>
        Settings.ReadOrThrow(configuration, PolicySettings.Section, new PolicySettingsValidator()).ToPolicy();
}
