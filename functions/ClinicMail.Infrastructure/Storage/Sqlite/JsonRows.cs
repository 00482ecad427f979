using System.Text;
using System.Text.Json;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>The JSON array of rows that the set-based statements read with <c>json_each</c>,
/// written with <see cref="Utf8JsonWriter"/> directly: the rows hold only strings, integers, nulls
/// and lists of strings, and the reflection-based serializer spent about 0.75 s of a
/// 100,000-patient import resolving the runtime type of each of the 1.4 million cells.</summary>
internal static class JsonRows
{
    public static string Write(IReadOnlyList<object?[]> rows)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(Math.Max(256, rows.Count * 128));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                writer.WriteStartArray();
                foreach (var cell in row)
                {
                    WriteCell(writer, cell);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCell(Utf8JsonWriter writer, object? cell)
    {
        switch (cell)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case IEnumerable<string> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            default:
                // Fails loudly rather than writing something json_each would read differently.
                throw new ArgumentException("Unsupported cell type in a registry row.", nameof(cell));
        }
    }
}
