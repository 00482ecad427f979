using System.Globalization;
using System.Text;
using System.Text.Json;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Infrastructure.Audit;

/// <summary>The embedded default's copy of the checkpoints outside the database: one JSON line per
/// checkpoint, appended and flushed to disk, created owner-only (0600). Someone who can rewrite
/// <c>clinicmail.db</c> but not this file cannot delete checkpoints or rewrite signed history unseen.
/// Production uses an append blob under a time-based immutability policy instead
/// (BlobAuditCheckpointCopy).</summary>
public sealed class FileAuditCheckpointCopy(string path) : SerializedCheckpointCopy
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    protected override async Task AppendUnlockedAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(Path, options);
        var line = Encoding.UTF8.GetBytes(CheckpointLines.Format(checkpoint) + "\n");
        await stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
#pragma warning disable CA1849 // Only the synchronous overload reaches the disk (fsync); the copy must survive a crash.
        stream.Flush(flushToDisk: true);
#pragma warning restore CA1849
    }

    protected override async Task<IReadOnlyList<AuditCheckpoint>> ReadUnlockedAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        var text = await File.ReadAllTextAsync(Path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        return CheckpointLines.Parse(text);
    }
}

/// <summary>The line format of the checkpoint copies (file and blob): one JSON object per line.</summary>
public static class CheckpointLines
{
    public static string Format(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", checkpoint.Sequence);
            writer.WriteString("hash", checkpoint.Hash);
            writer.WriteString("at", checkpoint.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("keyId", checkpoint.KeyId);
            writer.WriteString("algorithm", checkpoint.Algorithm);
            writer.WriteString("signature", Convert.ToBase64String(checkpoint.Signature));
            writer.WriteString("previous", checkpoint.Previous);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Every well-formed line, sorted by sequence. A torn last line (a crash mid-write) is skipped:
    /// its checkpoint is still in the database and is copied again by the next checkpoint.</summary>
    public static IReadOnlyList<AuditCheckpoint> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var checkpoints = new SortedList<long, AuditCheckpoint>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                var checkpoint = new AuditCheckpoint
                {
                    Sequence = root.GetProperty("seq").GetInt64(),
                    Hash = root.GetProperty("hash").GetString()!,
                    At = DateTimeOffset.Parse(root.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                    KeyId = root.GetProperty("keyId").GetString()!,
                    Algorithm = root.GetProperty("algorithm").GetString() ?? KeyAlgorithms.Rs256,
                    Signature = Convert.FromBase64String(root.GetProperty("signature").GetString()!),
                    Previous = root.TryGetProperty("previous", out var previous) && previous.ValueKind == JsonValueKind.String ? previous.GetString() : null,
                };
                checkpoints.TryAdd(checkpoint.Sequence, checkpoint);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
            {
                // Skipped: see the summary.
            }
        }

        return [.. checkpoints.Values];
    }
}
