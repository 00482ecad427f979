using ClinicMail.Application.Configuration;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Files;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinicMail.Application.Secure;

/// <summary>Where the one-time code key comes from: <c>Secure:CodeKey</c> (base64, at least 32 bytes;
/// production: an app setting that is a Key Vault reference), else an owner-only file
/// <c>secure-code-hmac.key</c> in the data folder, created on first run (development only: production
/// requires the setting, see SecureOptionsValidator). Never the database.</summary>
public static class OneTimeCodeKeyRegistration
{
    public const string Setting = SecureOptions.CodeKeySetting;

    public static IServiceCollection AddOneTimeCodeKey(this IServiceCollection services, IConfiguration configuration, StartupSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Secure:CodeKey is checked at startup by SecureOptionsValidator; Decode keeps its own guard.
        var configured = Settings.ReadOrThrow(configuration, SecureOptions.Section, new SecureOptionsValidator(Microsoft.Extensions.Options.Options.Create(settings.ClinicMail))).CodeKey;
        services.TryAddSingleton(_ => new OneTimeCodeKey(configured is { Length: > 0 }
            ? Decode(configured)
            : PrivateFile.ReadOrCreate(Path.Combine(settings.ClinicMail.DataDirectory, "secure-code-hmac.key"), () => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))));
        return services;
    }

    private static byte[] Decode(string value)
    {
        try
        {
            var key = Convert.FromBase64String(value);
            return key.Length >= 32 ? key : throw new StartupConfigurationException([$"{Setting} must be at least 32 bytes, base64-encoded."]);
        }
        catch (FormatException)
        {
            throw new StartupConfigurationException([$"{Setting} is not base64."]);
        }
    }
}
