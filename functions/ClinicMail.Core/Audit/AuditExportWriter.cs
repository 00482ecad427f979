using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ClinicMail.Core.Audit;

public enum AuditExportFormat
{
    Csv,
    JsonLines,
}

/// <summary>Writes records as CSV (RFC 4180) or JSON Lines to a stream, one record at a time, flushing
/// every few hundred records: memory stays bounded whatever the number of records. The columns are the
/// stored record exactly (data as its canonical JSON, both hashes), so an export can be re-verified
/// outside ClinicMail with the algorithm in docs/audit.md. Records hold ids, codes and hashes only.</summary>
public static class AuditExportWriter
{
    public static readonly IReadOnlyList<string> Columns =
        ["seq", "at", "event", "event_name", "actor_tid", "actor_oid", "check_id", "subject_id", "decision", "data", "prev_hash", "hash"];

    private const int FlushEvery = 512;

    public static string ContentType(AuditExportFormat format) => format switch
    {
        AuditExportFormat.Csv => "text/csv; charset=utf-8",
        AuditExportFormat.JsonLines => "application/x-ndjson; charset=utf-8",
    };

    public static string Extension(AuditExportFormat format) => format switch
    {
        AuditExportFormat.Csv => "csv",
        AuditExportFormat.JsonLines => "jsonl",
    };

    /// <returns>The number of records written.</returns>
    public static async Task<long> WriteAsync(IAsyncEnumerable<AuditRecord> records, Stream output, AuditExportFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        long count = 0;
        await using var text = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 64 * 1024, leaveOpen: true);
        var json = new MemoryStream(1024);
        if (format == AuditExportFormat.Csv)
        {
            await text.WriteAsync(string.Join(',', Columns) + "\r\n").ConfigureAwait(false);
        }

        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (format == AuditExportFormat.Csv)
            {
                await text.WriteAsync(CsvLine(record)).ConfigureAwait(false);
            }
            else
            {
                json.SetLength(0);
                WriteJson(record, json);
                await text.WriteAsync(Encoding.UTF8.GetString(json.GetBuffer(), 0, (int)json.Length)).ConfigureAwait(false);
                await text.WriteAsync('\n').ConfigureAwait(false);
            }

            if (++count % FlushEvery == 0)
            {
                await text.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await text.FlushAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    public static string CsvLine(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var builder = new StringBuilder(256 + record.DataJson.Length);
        string?[] fields =
        [
            record.Sequence.ToString(CultureInfo.InvariantCulture),
            FormatTime(record.At),
            ((int)record.Event).ToString(CultureInfo.InvariantCulture),
            record.Event.ToString(),
            record.ActorTenantId, record.ActorObjectId, record.CheckId, record.SubjectId, record.Decision,
            record.DataJson, record.PreviousHash, record.Hash,
        ];
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            AppendCsv(builder, fields[i]);
        }

        return builder.Append("\r\n").ToString();
    }

    private static void WriteJson(AuditRecord record, Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        writer.WriteNumber("seq", record.Sequence);
        writer.WriteString("at", FormatTime(record.At));
        writer.WriteNumber("event", (int)record.Event);
        writer.WriteString("event_name", record.Event.ToString());
        writer.WriteString("actor_tid", record.ActorTenantId);
        writer.WriteString("actor_oid", record.ActorObjectId);
        writer.WriteString("check_id", record.CheckId);
        writer.WriteString("subject_id", record.SubjectId);
        writer.WriteString("decision", record.Decision);
        // The canonical JSON as stored (and hashed), embedded as an object.
        writer.WritePropertyName("data");
        writer.WriteRawValue(record.DataJson, skipInputValidation: false);
        writer.WriteString("prev_hash", record.PreviousHash);
        writer.WriteString("hash", record.Hash);
        writer.WriteEndObject();
    }

    private static void AppendCsv(StringBuilder builder, string? value)
    {
        if (value is null)
        {
            return;
        }

        // A leading = + - @ would make a spreadsheet evaluate the cell; ids and codes never start so,
        // but the export must be safe to open whatever a future event holds.
        var risky = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        if (!risky && value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            builder.Append(value);
            return;
        }

        builder.Append('"');
        if (risky)
        {
            builder.Append('\'');
        }

        builder.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private static string FormatTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
