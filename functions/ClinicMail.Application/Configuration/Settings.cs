using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Configuration;

/// <summary>The one shape of a configuration section (docs/architecture.md, "Options"; docs/configuration.md):
/// a sealed options class with its defaults, bound with <c>BindConfiguration(section)</c>, checked by one
/// <see cref="IValidateOptions{TOptions}"/> with <c>ValidateOnStart()</c>. The composition root also reads a
/// section with <see cref="Read{T}"/> when a registration depends on it; both run the same validator, so a
/// wrong value stops startup with the same message, naming the setting in English and French (never its value).</summary>
public static partial class Settings
{
    /// <summary>Registers <typeparamref name="T"/> for <c>IOptions&lt;T&gt;</c>: bound from <paramref name="section"/>,
    /// completed by <paramref name="defaults"/> (embedded defaults that depend on <c>ClinicMail:Mode</c>), validated at start.</summary>
    public static OptionsBuilder<T> AddSettings<T, TValidator>(this IServiceCollection services, string section, Action<T, ClinicMailOptions>? defaults = null)
        where T : class
        where TValidator : class, IValidateOptions<T>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, TValidator>());
        var builder = services.AddOptions<T>().BindConfiguration(section);
        if (defaults is not null)
        {
            builder.PostConfigure<IOptions<ClinicMailOptions>>((options, clinic) => defaults(options, clinic.Value));
        }

        return builder.ValidateOnStart();
    }

    /// <summary>Binds and checks a section at composition time. Problems (a value that does not convert, a
    /// rule the validator refuses) are added to <paramref name="problems"/>; the caller throws them all at once.</summary>
    public static T Read<T>(IConfiguration configuration, string section, IValidateOptions<T> validator, List<string> problems, Action<T>? defaults = null)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(problems);
        T options;
        try
        {
            options = configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the key ("… at 'Limits:MaxBodyChars' to type …"); the value is never repeated.
            var setting = BinderPath().Match(ex.Message) is { Success: true } m ? m.Groups[1].Value : section;
            problems.Add(Problem(setting, $"{setting} has a value of the wrong type", $"{setting} a une valeur du mauvais type"));
            return new T();
        }

        defaults?.Invoke(options);
        if (validator.Validate(Options.DefaultName, options) is { Failed: true } result)
        {
            problems.AddRange(result.Failures);
        }

        return options;
    }

    /// <summary>As <see cref="Read{T}"/>, throwing <see cref="StartupConfigurationException"/> on any problem.</summary>
    public static T ReadOrThrow<T>(IConfiguration configuration, string section, IValidateOptions<T> validator, Action<T>? defaults = null)
        where T : class, new()
    {
        var problems = new List<string>();
        var options = Read(configuration, section, validator, problems, defaults);
        return problems.Count > 0 ? throw new StartupConfigurationException(problems) : options;
    }

    /// <summary>One problem with one setting, in both languages; each sentence names the setting, and the
    /// environment-variable spelling an App Service setting uses.</summary>
    public static string Problem(string setting, string english, string french) =>
        $"{english} (env {setting.Replace(":", "__", StringComparison.Ordinal)}). / {french}.";

    [GeneratedRegex("at '([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex BinderPath();
}

/// <summary>A validator that lists every problem of one options class (the setting's name, never its value).</summary>
public abstract class SettingsValidator<T> : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Check(options, problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    protected abstract void Check(T options, List<string> problems);

    protected static void Positive(long value, string setting, List<string> problems)
    {
        if (value <= 0)
        {
            problems.Add(Settings.Problem(setting, $"{setting} must be a positive number", $"{setting} doit être un nombre positif"));
        }
    }

    protected static void Positive(TimeSpan value, string setting, List<string> problems)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add(Settings.Problem(setting, $"{setting} must be a positive duration (hh:mm:ss)", $"{setting} doit être une durée positive (hh:mm:ss)"));
        }
    }

    /// <summary>Checks, in order, that each of <paramref name="settings"/> of <paramref name="section"/> is positive
    /// (the messages above): the sections that are mostly limits list them once instead of one call each.</summary>
    protected static void Positive(List<string> problems, string section, params PositiveSetting[] settings)
    {
        foreach (var (name, count, duration) in settings)
        {
            var setting = section + ":" + name;
            if (duration is { } value)
            {
                Positive(value, setting, problems);
            }
            else
            {
                Positive(count, setting, problems);
            }
        }
    }

    /// <summary>A count setting (its property name and value) for <see cref="Positive(List{string}, string, PositiveSetting[])"/>.</summary>
    protected static PositiveSetting Count(string name, long value) => new(name, value, null);

    /// <summary>A duration setting (hh:mm:ss) for <see cref="Positive(List{string}, string, PositiveSetting[])"/>.</summary>
    protected static PositiveSetting Duration(string name, TimeSpan value) => new(name, 0, value);

    protected static void OneOf(string? value, string setting, List<string> problems, params string[] allowed)
    {
        if (!allowed.Contains(value ?? "", StringComparer.OrdinalIgnoreCase))
        {
            var list = string.Join("', '", allowed.Where(a => a.Length > 0));
            problems.Add(Settings.Problem(setting, $"{setting} must be '{list}'", $"{setting} doit valoir '{list}'"));
        }
    }
}

/// <summary>One setting that must be positive: a count, or a duration when <paramref name="Duration"/> is set.</summary>
public readonly record struct PositiveSetting(string Name, long Count, TimeSpan? Duration);
