using System.Text.Json;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Registry;

namespace ClinicMail.Core.InformedConsent;

/// <summary>Contract names (snake_case, as in the JSON and the database) and display names of the
/// consent vocabularies, for the consent page's forms and the audit.</summary>
public static class ConsentVocabulary
{
    public static string Code<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>The value whose contract name is <paramref name="code"/>; false for anything else.</summary>
    public static bool TryParse<TEnum>(string? code, out TEnum value)
        where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Code(candidate), code, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static LocalizedText UseName(ConsentUse use) => ReasonMessages.UseName(use);
}
