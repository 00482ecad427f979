using System.Buffers.Text;
using System.Text.Json;

namespace ClinicMail.Core.Crypto;

/// <summary>The key half of an envelope: one message's data key, wrapped by the key-encryption key.
/// Stored apart from the ciphertext (its own row) for crypto-shredding: deleting this record, and
/// any backup of it, makes the ciphertext unrecoverable without touching the ciphertext store.
/// Rewrapping under a new key version replaces this record only.</summary>
/// <remarks>Serialized form (<see cref="ToJson"/>), version 1, fields in this order:
/// <c>{"v":1,"mid":message id,"dk":data key id,"kid":key-encryption key id with version,
/// "alg":wrap algorithm,"wk":wrapped key (base64url)}</c>.</remarks>
public sealed record WrappedDataKey
{
    /// <summary>The only version this build writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The message this data key encrypts.</summary>
    public required string MessageId { get; init; }

    /// <summary>Random id of the data key, repeated in the ciphertext header so a ciphertext is
    /// paired with exactly one key record.</summary>
    public required string DataKeyId { get; init; }

    /// <summary>The wrapped data key: key-encryption key id (with version), wrap algorithm, bytes.</summary>
    public required WrappedKey WrappedKey { get; init; }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", FormatVersion);
            writer.WriteString("mid", MessageId);
            writer.WriteString("dk", DataKeyId);
            writer.WriteString("kid", WrappedKey.KeyId);
            writer.WriteString("alg", WrappedKey.Algorithm);
            writer.WriteString("wk", Base64Url.EncodeToString(WrappedKey.Value));
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads <see cref="ToJson"/>'s form.</summary>
    /// <exception cref="EnvelopeIntegrityException">Not a key record.</exception>
    /// <exception cref="EnvelopeFormatException">A version this build does not read.</exception>
    public static WrappedDataKey FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var version = root.GetProperty("v").GetInt32();
            if (version != CurrentFormatVersion)
            {
                throw new EnvelopeFormatException($"key record version {version}");
            }

            return new WrappedDataKey
            {
                FormatVersion = version,
                MessageId = RequiredString(root, "mid"),
                DataKeyId = RequiredString(root, "dk"),
                WrappedKey = new WrappedKey
                {
                    KeyId = RequiredString(root, "kid"),
                    Algorithm = RequiredString(root, "alg"),
                    Value = Base64Url.DecodeFromChars(RequiredString(root, "wk")),
                },
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "key record is not readable", ex);
        }
    }

    private static string RequiredString(JsonElement root, string name)
    {
        var value = root.GetProperty(name).GetString();
        return string.IsNullOrEmpty(value) ? throw new FormatException($"empty {name}") : value;
    }
}

/// <summary>An encrypted secure message: the key record and the ciphertext, meant to be stored
/// apart (see <see cref="WrappedDataKey"/>).</summary>
public sealed record SealedEnvelope
{
    public required WrappedDataKey Key { get; init; }

    /// <summary>The ciphertext blob: versioned header, then the message part and one part per
    /// attachment (see <see cref="EnvelopeHeader"/>).</summary>
    public required byte[] Ciphertext { get; init; }
}
