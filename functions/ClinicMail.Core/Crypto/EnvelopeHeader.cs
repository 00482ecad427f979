using System.Buffers.Binary;
using System.Text.Json;

namespace ClinicMail.Core.Crypto;

/// <summary>The versioned header at the start of every ciphertext blob (docs/architecture.md, "Contracts"). It is
/// authenticated as associated data of every part, so changing any of its bytes fails decryption.</summary>
/// <remarks>
/// Blob layout, version 1 (all integers big-endian):
/// <code>
/// "CMEV" | u8 format version | u16 header length | header (UTF-8 JSON)
/// then PartCount times: nonce (12) | u32 ciphertext length | ciphertext | tag (16)
/// </code>
/// Header JSON, fields in this order: <c>{"v":1,"mid":message id,"dk":data key id,"enc":"A256GCM","parts":n}</c>.
/// The key-encryption key id and wrap algorithm live in the key record (<see cref="WrappedDataKey"/>),
/// which the header points to by data key id: that is what lets a key rotation rewrap the data key
/// without rewriting a byte of ciphertext, and lets deleting the key record shred the message.
/// Part 0 is the message (subject, format, body, attachment names and types, as JSON); part i ≥ 1
/// is attachment i-1.
/// </remarks>
public sealed record EnvelopeHeader
{
    internal static ReadOnlySpan<byte> Magic => "CMEV"u8;

    internal const int NonceLength = 12;
    internal const int TagLength = 16;
    internal const int PrefixLength = 4 + 1 + 2;
    internal const int MaxMessageIdLength = 256;

    public const int CurrentFormatVersion = 1;

    public required int FormatVersion { get; init; }

    public required string MessageId { get; init; }

    public required string DataKeyId { get; init; }

    /// <summary>The content algorithm, <see cref="KeyAlgorithms.Aes256Gcm"/>.</summary>
    public required string ContentAlgorithm { get; init; }

    /// <summary>1 (the message part) plus the number of attachments.</summary>
    public required int PartCount { get; init; }

    /// <summary>Reads the header of a ciphertext blob without any key (for tools and stores that
    /// need the message or data key id). Nothing here is verified until decryption.</summary>
    /// <exception cref="EnvelopeIntegrityException">Not an envelope.</exception>
    /// <exception cref="EnvelopeFormatException">A version or algorithm this build does not read.</exception>
    public static EnvelopeHeader Read(ReadOnlySpan<byte> ciphertext) => ParseHeader(ciphertext, out _);

    internal byte[] ToJsonBytes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", FormatVersion);
            writer.WriteString("mid", MessageId);
            writer.WriteString("dk", DataKeyId);
            writer.WriteString("enc", ContentAlgorithm);
            writer.WriteNumber("parts", PartCount);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Parses the prefix and header; <paramref name="headerEnd"/> is where part 0 starts.</summary>
    internal static EnvelopeHeader ParseHeader(ReadOnlySpan<byte> blob, out int headerEnd)
    {
        if (blob.Length < PrefixLength || !blob[..4].SequenceEqual(Magic))
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "not a ClinicMail envelope");
        }

        var version = blob[4];
        if (version != CurrentFormatVersion)
        {
            throw new EnvelopeFormatException($"envelope format version {version}");
        }

        int headerLength = BinaryPrimitives.ReadUInt16BigEndian(blob[5..7]);
        headerEnd = PrefixLength + headerLength;
        if (headerLength == 0 || blob.Length < headerEnd)
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "truncated header");
        }

        EnvelopeHeader header;
        try
        {
            var reader = new Utf8JsonReader(blob[PrefixLength..headerEnd]);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            header = new EnvelopeHeader
            {
                FormatVersion = root.GetProperty("v").GetInt32(),
                MessageId = root.GetProperty("mid").GetString() ?? throw new FormatException("mid"),
                DataKeyId = root.GetProperty("dk").GetString() ?? throw new FormatException("dk"),
                ContentAlgorithm = root.GetProperty("enc").GetString() ?? throw new FormatException("enc"),
                PartCount = root.GetProperty("parts").GetInt32(),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "header is not readable", ex);
        }

        if (header.FormatVersion != version)
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "header version differs from prefix");
        }

        if (!string.Equals(header.ContentAlgorithm, KeyAlgorithms.Aes256Gcm, StringComparison.Ordinal))
        {
            throw new EnvelopeFormatException($"content algorithm {header.ContentAlgorithm}");
        }

        if (header.PartCount < 1)
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "no message part");
        }

        return header;
    }
}
