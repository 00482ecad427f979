namespace ClinicMail.Core.Localization;

/// <summary>A user-facing string in both languages the product speaks. Every message shown to a
/// physician, an administrator or a patient is one of these: there is no single-language path.</summary>
public sealed record LocalizedText(string Fr, string En)
{
    /// <summary>Picks the language for a two-letter code or culture name ("fr", "fr-CA", "en-US"); English otherwise.</summary>
    public string For(string? language) =>
        language is not null && language.StartsWith("fr", StringComparison.OrdinalIgnoreCase) ? Fr : En;
}
