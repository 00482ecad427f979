using System.Text.Json;
using ClinicMail.Core.Audit;

namespace ClinicMail.Application.Filing;

/// <summary>Compares a filed document's SHA-256 with the audit log's filing records: the rendition, the
/// resource or an attachment of a filing. Reads the chain in order (a reviewer's action, not a hot path).</summary>
public static class FilingVerifier
{
    public static async Task<FilingVerification> VerifyAsync(IAuditReader audit, string sha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var wanted = sha256.Trim().ToLowerInvariant();
        await foreach (var record in audit.ReadAllAsync(0, cancellationToken).ConfigureAwait(false))
        {
            if (record.Event != AuditEventType.RecordFiled)
            {
                continue;
            }

            using var data = JsonDocument.Parse(record.DataJson);
            var root = data.RootElement;
            var part = Matches(root, "renditionSha256", wanted) ? "rendition"
                : Matches(root, "resourceSha256", wanted) ? "resource"
                : root.TryGetProperty("attachmentSha256", out var list) && list.ValueKind == JsonValueKind.Array && list.EnumerateArray().Any(e => e.GetString() == wanted) ? "attachment"
                : null;
            if (part is not null)
            {
                return new FilingVerification(true, record.SubjectId, part, record.Sequence, record.At);
            }
        }

        return new FilingVerification(false, null, null, null, null);
    }

    /// <summary>True for 64 hexadecimal digits.</summary>
    public static bool IsSha256(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigit);

    private static bool Matches(JsonElement root, string name, string wanted) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() == wanted;
}

/// <summary>The answer: matched, and which filing, which part and which audit record.</summary>
public sealed record FilingVerification(bool Matched, string? FilingId, string? Part, long? AuditSequence, DateTimeOffset? RecordedAt);
