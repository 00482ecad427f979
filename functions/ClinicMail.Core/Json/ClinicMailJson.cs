using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Policy;

namespace ClinicMail.Core.Json;

/// <summary>The one JSON contract shared by the CLI, the HTTP API and the add-in: camelCase
/// properties, enums as snake_case strings (<c>mental_health</c>, <c>not_needed</c>), reason and
/// etiquette codes as UPPER_SNAKE (<c>CONSENT_MISSING</c>), recipients accepted as a string or
/// <c>{address, name}</c>. Unknown properties are ignored; malformed values are errors.</summary>
public static class ClinicMailJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>Applies the contract to options owned by a host (ASP.NET Core's JSON options).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter<ReasonCode>(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<EtiquetteCode>(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new DraftRecipientConverter());
        options.AllowTrailingCommas = true;
        options.ReadCommentHandling = JsonCommentHandling.Skip;
        options.MaxDepth = 32;
        // Accented French as is ("façon", not "fa\u00E7on"), as ASP.NET Core writes it: the CLI and the
        // hosts return the same bytes for the same decision. Never embedded in HTML unencoded.
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = indented };
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>A recipient is either <c>"a@b.ca"</c> or <c>{"address": "a@b.ca", "name": "…"}</c>. Errors are
/// message-less JsonExceptions so the serializer adds the JSON path (<c>$.to[0]</c>) the caller needs.</summary>
internal sealed class DraftRecipientConverter : JsonConverter<DraftRecipient>
{
    public override DraftRecipient Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new DraftRecipient(reader.GetString() ?? "");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException();
        }

        string? address = null;
        string? name = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException();
            }

            var property = reader.GetString();
            reader.Read();
            if (string.Equals(property, "address", StringComparison.OrdinalIgnoreCase) || string.Equals(property, "emailAddress", StringComparison.OrdinalIgnoreCase))
            {
                address = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException();
            }
            else if (string.Equals(property, "name", StringComparison.OrdinalIgnoreCase) || string.Equals(property, "displayName", StringComparison.OrdinalIgnoreCase))
            {
                name = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    _ => throw new JsonException(),
                };
            }
            else
            {
                reader.Skip();
            }
        }

        return address is null ? throw new JsonException() : new DraftRecipient(address, name);
    }

    public override void Write(Utf8JsonWriter writer, DraftRecipient value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("address", value.Address);
        if (value.Name is not null)
        {
            writer.WriteString("name", value.Name);
        }

        writer.WriteEndObject();
    }
}
