using System.Globalization;
using System.Text.Json;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>Enum values as stored: their snake_case contract names ("family_shared",
/// "mental_health"), the same ids the JSON API uses. Stable across renames of the C# members only if
/// the name is kept, which is why the schema's CHECK constraints list them.</summary>
internal static class StorageNames
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => Names<TEnum>.ToName[value];

    /// <summary>Fails closed on a value this build does not know rather than guessing.</summary>
    public static TEnum Parse<TEnum>(string name)
        where TEnum : struct, Enum =>
        Names<TEnum>.FromName.TryGetValue(name, out var value)
            ? value
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Unknown stored value for {typeof(TEnum).Name}."));

    public static string JsonArray(IEnumerable<string> values) => JsonSerializer.Serialize(values.ToArray());

    public static string JsonArray<TEnum>(IEnumerable<TEnum> values)
        where TEnum : struct, Enum => JsonArray(values.Select(Of));

    public static IReadOnlyList<string> ParseStrings(string json) =>
        JsonSerializer.Deserialize<string[]>(json) ?? [];

    public static IReadOnlyList<TEnum> ParseEnums<TEnum>(string json)
        where TEnum : struct, Enum => [.. ParseStrings(json).Select(Parse<TEnum>)];

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Instant(DateTimeOffset instant) => instant.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static class Names<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly Dictionary<TEnum, string> ToName = Enum.GetValues<TEnum>()
            .ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

        public static readonly Dictionary<string, TEnum> FromName = ToName.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
