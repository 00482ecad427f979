using ClinicMail.Application.Checking;
using ClinicMail.Application.Configuration;
using ClinicMail.Core.Checking;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Hosting;

/// <summary>The one composition root (docs/architecture.md, "Composition"). The local host, the
/// Functions worker and the CLI call it; nothing else registers ClinicMail services.</summary>
public static class ClinicMailComposition
{
    /// <summary>Everything a host needs: settings read and checked once (a wrong value stops startup
    /// with a message naming the setting), storage, keys, audit, secure delivery, identity and the
    /// use-case services.</summary>
    public static IServiceCollection AddClinicMail(this IServiceCollection services, IConfiguration configuration) =>
        services.AddClinicMail(configuration, StartupSettings.Read(configuration));

    /// <summary>As <see cref="AddClinicMail(IServiceCollection, IConfiguration)"/>, for a host that read the
    /// settings itself first (the local host sizes Kestrel's body limit from them).</summary>
    public static IServiceCollection AddClinicMail(this IServiceCollection services, IConfiguration configuration, StartupSettings settings)
    {
        services.TryAddSingleton(settings);
        return services.AddClinicMailServices(configuration, settings);
    }

    /// <summary>The decision alone — <c>ClinicMail:InternalDomains</c>, <c>ClinicMail:TimeZone</c> and
    /// <c>Policy:*</c> bound exactly as <see cref="AddClinicMail(IServiceCollection, IConfiguration)"/> binds
    /// them — for the CLI's <c>check</c>, which reads a registry file and records nothing.</summary>
    public static IServiceCollection AddClinicMailDecisions(this IServiceCollection services, IConfiguration configuration)
    {
        // No host starts here, so the sections are read and checked now (the mode is not needed to decide).
        var clinic = Settings.ReadOrThrow(configuration, ClinicMailOptions.Section, new ClinicMailOptionsValidator(modeRequired: false), EmbeddedDefaults.Normalize);
        services.AddOptions<ClinicMailOptions>().Configure(o => ServiceRegistration.Copy(clinic, o));
        services.TryAddSingleton(Options.Create(SettingsRegistration.ReadPolicy(configuration)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(DraftChecker.Default);
        services.TryAddSingleton<DecisionService>();
        return services;
    }

    /// <summary>Work done once before the host takes requests (schema, first-run keys, demo seed).
    /// <paramref name="stepDone"/>, when given, is told the type of each step once it has run (a startup timeline).</summary>
    public static async Task RunClinicMailStartupStepsAsync(this IServiceProvider services, CancellationToken cancellationToken, Action<Type>? stepDone = null)
    {
        // The data folder first, before the other steps are built: building some of them reaches into it
        // (the one-time code key file), and a file in its place must stop startup naming the setting.
        if (services.GetService<DataDirectoryStartupStep>() is { } dataDirectory)
        {
            await dataDirectory.RunAsync(cancellationToken).ConfigureAwait(false);
            stepDone?.Invoke(dataDirectory.GetType());
        }

        foreach (var step in services.GetServices<IStartupStep>())
        {
            await step.RunAsync(cancellationToken).ConfigureAwait(false);
            stepDone?.Invoke(step.GetType());
        }
    }
}
