using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ClinicMail.Core.Audit;

/// <summary>The hash chain: how a record's hash is computed, and how a sequence of records is
/// verified. Pure functions; the stores call <see cref="Link"/> inside their append transaction.</summary>
public static class AuditChain
{
    /// <summary>The previous hash of the first record.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Version of the hashed layout; part of every hash so a future layout cannot be confused with this one.</summary>
    private const string LayoutVersion = "clinicmail-audit-v1";

    /// <summary>Builds the stored record for <paramref name="entry"/> at position <paramref name="sequence"/> after <paramref name="previousHash"/>.</summary>
    public static AuditRecord Link(AuditEntry entry, long sequence, DateTimeOffset at, string previousHash)
    {
        var record = new AuditRecord
        {
            Sequence = sequence,
            // Millisecond precision in UTC: what every store keeps exactly.
            At = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
            Event = entry.Event,
            ActorTenantId = entry.ActorTenantId,
            ActorObjectId = entry.ActorObjectId,
            CheckId = entry.CheckId,
            SubjectId = entry.SubjectId,
            Decision = entry.Decision,
            DataJson = CanonicalJson(entry.Data),
            PreviousHash = previousHash,
            Hash = "",
        };
        return record with { Hash = ComputeHash(record) };
    }

    /// <summary>SHA-256 over a length-prefixed encoding of every field but the hash itself.</summary>
    public static string ComputeHash(AuditRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + record.DataJson.Length);
        Write(buffer, LayoutVersion);
        Write(buffer, record.Sequence.ToString(CultureInfo.InvariantCulture));
        Write(buffer, record.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        Write(buffer, ((int)record.Event).ToString(CultureInfo.InvariantCulture));
        Write(buffer, record.ActorTenantId);
        Write(buffer, record.ActorObjectId);
        Write(buffer, record.CheckId);
        Write(buffer, record.SubjectId);
        Write(buffer, record.Decision);
        Write(buffer, record.DataJson);
        Write(buffer, record.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>Verifies records in sequence order, starting after <paramref name="anchorSequence"/>
    /// whose hash is <paramref name="anchorHash"/> (the genesis, or a signed checkpoint that retention
    /// kept). Returns the first broken link, or a success with the count and head.</summary>
    public static AuditVerification Verify(IEnumerable<AuditRecord> records, long anchorSequence = 0, string anchorHash = GenesisHash)
    {
        var walker = new AuditChainWalker(anchorSequence, anchorHash);
        foreach (var record in records)
        {
            if (walker.Next(record) is { } broken)
            {
                return broken;
            }
        }

        return walker.Result();
    }

    /// <summary>The chain alone (no signatures, no head row), streamed from <paramref name="reader"/>.
    /// <see cref="AuditVerifier"/> does the full verification; this is the building block.</summary>
    public static async Task<AuditVerification> VerifyAsync(IAuditReader reader, long anchorSequence = 0, string anchorHash = GenesisHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var walker = new AuditChainWalker(anchorSequence, anchorHash);
        await foreach (var record in reader.ReadAllAsync(anchorSequence, cancellationToken).ConfigureAwait(false))
        {
            if (walker.Next(record) is { } broken)
            {
                return broken;
            }
        }

        return walker.Result();
    }

    /// <summary>Canonical JSON: keys sorted ordinally, no whitespace, numbers invariant.</summary>
    public static string CanonicalJson(IReadOnlyDictionary<string, object?> data)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case IEnumerable<string> strings:
                writer.WriteStartArray();
                foreach (var s in strings)
                {
                    writer.WriteStringValue(s);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"Audit data values are strings, booleans, integers or string lists; got {value.GetType().Name}.", nameof(value));
        }
    }

    private static void Write(ArrayBufferWriter<byte> buffer, string? value)
    {
        // Length-prefixed (-1 for null) so that no two different records encode to the same bytes.
        var length = value is null ? -1 : Encoding.UTF8.GetByteCount(value);
        var prefix = buffer.GetSpan(4);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(prefix, length);
        buffer.Advance(4);
        if (value is not null)
        {
            var span = buffer.GetSpan(length);
            buffer.Advance(Encoding.UTF8.GetBytes(value, span));
        }
    }
}

public enum AuditBreak
{
    /// <summary>A record's content no longer matches its hash.</summary>
    Altered,
    /// <summary>A sequence number is missing: a record was deleted.</summary>
    Missing,
    /// <summary>A sequence number repeats or goes back: a record was inserted.</summary>
    Inserted,
    /// <summary>A record does not point to the hash of the one before it.</summary>
    PreviousHashMismatch,
    /// <summary>A signed checkpoint does not match the chain or its signature is invalid.</summary>
    CheckpointMismatch,
    /// <summary>The stored head does not match the last record: the tail was cut off, or records were
    /// appended behind the writer's back.</summary>
    HeadMismatch,
    /// <summary>More records follow the last valid signed checkpoint than the checkpoint policy allows:
    /// the signatures that should cover them are missing.</summary>
    Unsigned,
}

/// <summary>The outcome of a verification: intact with the count and head, or the first broken link.</summary>
public sealed record AuditVerification
{
    public required bool Ok { get; init; }

    public long RecordsVerified { get; init; }

    public long HeadSequence { get; init; }

    public string? HeadHash { get; init; }

    /// <summary>The sequence number where the chain first breaks.</summary>
    public long? BrokenAt { get; init; }

    public AuditBreak? Problem { get; init; }

    /// <summary>A stable code refining <see cref="Problem"/> (e.g. <c>signature_invalid</c>); never content.</summary>
    public string? Detail { get; init; }

    /// <summary>Where verification started: 0 (genesis) or the checkpoint a retention purge kept.</summary>
    public long AnchorSequence { get; init; }

    /// <summary>Signed checkpoints whose signature and position in the chain were verified.</summary>
    public int CheckpointsVerified { get; init; }

    /// <summary>The sequence number of the newest verified checkpoint (0: none).</summary>
    public long LastCheckpointSequence { get; init; }

    /// <summary>Records after the newest verified checkpoint, not yet covered by a signature.</summary>
    public long UnsignedRecords { get; init; }

    public static AuditVerification Intact(long count, long head, string headHash) =>
        new() { Ok = true, RecordsVerified = count, HeadSequence = head, HeadHash = headHash };

    public static AuditVerification Broken(long at, AuditBreak problem, long verified, string? detail = null) =>
        new() { Ok = false, BrokenAt = at, Problem = problem, RecordsVerified = verified, Detail = detail };
}

/// <summary>Incremental verification, one record at a time, so a store can stream millions of records
/// through it with bounded memory. Feed records in sequence order; the first broken link is returned and
/// the walk should stop there (what follows a break cannot be trusted).</summary>
public sealed class AuditChainWalker(long anchorSequence = 0, string anchorHash = AuditChain.GenesisHash)
{
    private long _expected = anchorSequence + 1;
    private string _previous = anchorHash;
    private long _count;

    /// <summary>The last verified record's sequence number (the anchor before the first).</summary>
    public long LastSequence => _expected - 1;

    /// <summary>The last verified record's hash (the anchor's before the first).</summary>
    public string LastHash => _previous;

    public long Count => _count;

    /// <summary>Checks one record against its predecessor; null when it links correctly.</summary>
    public AuditVerification? Next(AuditRecord record)
    {
        if (record.Sequence != _expected)
        {
            var problem = record.Sequence > _expected ? AuditBreak.Missing : AuditBreak.Inserted;
            return AuditVerification.Broken(_expected, problem, _count);
        }

        if (!string.Equals(record.PreviousHash, _previous, StringComparison.Ordinal))
        {
            return AuditVerification.Broken(record.Sequence, AuditBreak.PreviousHashMismatch, _count);
        }

        if (!string.Equals(AuditChain.ComputeHash(record), record.Hash, StringComparison.Ordinal))
        {
            return AuditVerification.Broken(record.Sequence, AuditBreak.Altered, _count);
        }

        _previous = record.Hash;
        _expected++;
        _count++;
        return null;
    }

    public AuditVerification Result() => AuditVerification.Intact(_count, _expected - 1, _previous);
}
