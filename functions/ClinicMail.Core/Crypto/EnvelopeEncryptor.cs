using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ClinicMail.Core.Crypto;

/// <summary>Envelope encryption of secure messages. MSSS: « Pour envoyer un courriel à l'extérieur
/// de ce réseau, par exemple à une patiente ou à un patient, le médecin doit utiliser un niveau de
/// chiffrement supplémentaire »: the content stays on the server, encrypted, and the mail carries a link.
/// <para>Each message gets a fresh 256-bit data key; every part (the message, then each attachment)
/// is sealed with AES-256-GCM under a random 96-bit nonce and a 128-bit tag; the data key is wrapped
/// by the <see cref="IKeyEncryptionKey"/> and zeroed. Associated data binds each part to the header
/// (format version, message id, data key id, algorithm, part count), to the recipients and to its
/// index; attachments also to the hash of their name.</para>
/// <para>Fails closed: decryption verifies every part before returning anything, and throws an
/// <see cref="EnvelopeException"/> (or <see cref="KeyProviderException"/> when the key service is
/// unreachable) instead of returning unverified bytes.</para>
/// Sealed and stateless apart from the key-encryption key: register it as a singleton.</summary>
public sealed class EnvelopeEncryptor
{
    private const int DataKeyLength = 32;
    private static readonly byte[] AadLabel = "ClinicMail/envelope/v1"u8.ToArray();

    private readonly IKeyEncryptionKey _kek;

    public EnvelopeEncryptor(IKeyEncryptionKey kek)
    {
        ArgumentNullException.ThrowIfNull(kek);
        _kek = kek;
    }

    /// <summary>Encrypts a message for these recipients.</summary>
    /// <exception cref="ArgumentException">Empty message id or recipients.</exception>
    /// <exception cref="KeyProviderException">The data key could not be wrapped; nothing is returned.</exception>
    public async Task<SealedEnvelope> EncryptAsync(EnvelopeContent content, EnvelopeBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var recipientsHash = ValidateBinding(binding);
        var dataKey = RandomNumberGenerator.GetBytes(DataKeyLength);
        byte[]? messagePart = null;
        try
        {
            var wrapped = await _kek.WrapAsync(dataKey, cancellationToken).ConfigureAwait(false);
            var dataKeyId = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
            var header = new EnvelopeHeader
            {
                FormatVersion = EnvelopeHeader.CurrentFormatVersion,
                MessageId = binding.MessageId,
                DataKeyId = dataKeyId,
                ContentAlgorithm = KeyAlgorithms.Aes256Gcm,
                PartCount = 1 + content.Attachments.Count,
            };
            var headerJson = header.ToJsonBytes();
            if (headerJson.Length > ushort.MaxValue)
            {
                throw new ArgumentException("The envelope header is too long.", nameof(binding));
            }

            messagePart = SerializeMessagePart(content);
            var plaintexts = new ReadOnlyMemory<byte>[header.PartCount];
            plaintexts[0] = messagePart;
            for (var i = 0; i < content.Attachments.Count; i++)
            {
                plaintexts[i + 1] = content.Attachments[i].Content;
            }

            var total = EnvelopeHeader.PrefixLength + headerJson.Length;
            foreach (var plaintext in plaintexts)
            {
                total = checked(total + EnvelopeHeader.NonceLength + 4 + plaintext.Length + EnvelopeHeader.TagLength);
            }

            var blob = new byte[total];
            EnvelopeHeader.Magic.CopyTo(blob);
            blob[4] = EnvelopeHeader.CurrentFormatVersion;
            BinaryPrimitives.WriteUInt16BigEndian(blob.AsSpan(5, 2), (ushort)headerJson.Length);
            headerJson.CopyTo(blob, EnvelopeHeader.PrefixLength);

            var headerHash = SHA256.HashData(headerJson);
            using var aes = new AesGcm(dataKey, EnvelopeHeader.TagLength);
            var offset = EnvelopeHeader.PrefixLength + headerJson.Length;
            for (var index = 0; index < plaintexts.Length; index++)
            {
                var plaintext = plaintexts[index].Span;
                var nonce = blob.AsSpan(offset, EnvelopeHeader.NonceLength);
                // Random nonces are safe here: a data key seals only this message's few parts.
                RandomNumberGenerator.Fill(nonce);
                offset += EnvelopeHeader.NonceLength;
                BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(offset, 4), (uint)plaintext.Length);
                offset += 4;
                var nameHash = index == 0 ? null : NameHash(content.Attachments[index - 1].Name);
                var aad = AssociatedData(headerHash, recipientsHash, index, nameHash);
                aes.Encrypt(nonce, plaintext, blob.AsSpan(offset, plaintext.Length), blob.AsSpan(offset + plaintext.Length, EnvelopeHeader.TagLength), aad);
                offset += plaintext.Length + EnvelopeHeader.TagLength;
            }

            return new SealedEnvelope
            {
                Key = new WrappedDataKey { MessageId = binding.MessageId, DataKeyId = dataKeyId, WrappedKey = wrapped },
                Ciphertext = blob,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
            if (messagePart is not null)
            {
                CryptographicOperations.ZeroMemory(messagePart);
            }
        }
    }

    /// <summary>Decrypts and verifies an envelope for the message and recipients the caller has on record.</summary>
    /// <exception cref="EnvelopeIntegrityException">Altered, truncated, or bound to another message,
    /// data key or recipient set.</exception>
    /// <exception cref="EnvelopeKeyException">The data key cannot be unwrapped (wrong or unknown key).</exception>
    /// <exception cref="EnvelopeFormatException">A format version or algorithm this build does not read.</exception>
    /// <exception cref="KeyProviderException">The key service is unreachable or refused our identity.</exception>
    public async Task<EnvelopeContent> DecryptAsync(SealedEnvelope envelope, EnvelopeBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var recipientsHash = ValidateBinding(binding);
        var blob = envelope.Ciphertext;
        var header = EnvelopeHeader.ParseHeader(blob, out var headerEnd);
        var parts = SliceParts(blob, headerEnd, header.PartCount);
        CheckPairing(header, envelope.Key, binding);

        var dataKey = await UnwrapDataKeyAsync(envelope.Key.WrappedKey, cancellationToken).ConfigureAwait(false);
        var plaintexts = new List<byte[]>(parts.Count);
        try
        {
            var headerHash = SHA256.HashData(blob.AsSpan(EnvelopeHeader.PrefixLength, headerEnd - EnvelopeHeader.PrefixLength));
            using var aes = new AesGcm(dataKey, EnvelopeHeader.TagLength);
            plaintexts.Add(OpenPart(aes, blob, parts[0], AssociatedData(headerHash, recipientsHash, 0, null)));
            var message = ParseMessagePart(plaintexts[0]);
            if (message.Attachments.Count != header.PartCount - 1)
            {
                throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "attachment count differs from header");
            }

            var attachments = new List<EnvelopeAttachment>(message.Attachments.Count);
            for (var i = 0; i < message.Attachments.Count; i++)
            {
                var (name, contentType) = message.Attachments[i];
                var bytes = OpenPart(aes, blob, parts[i + 1], AssociatedData(headerHash, recipientsHash, i + 1, NameHash(name)));
                plaintexts.Add(bytes);
                attachments.Add(new EnvelopeAttachment { Name = name, ContentType = contentType, Content = bytes });
            }

            CryptographicOperations.ZeroMemory(plaintexts[0]);
            plaintexts.Clear();
            return new EnvelopeContent { Subject = message.Subject, Body = message.Body, Format = message.Format, Attachments = attachments };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
            // Only reached with entries left when a later part failed: wipe what was already opened.
            foreach (var plaintext in plaintexts)
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }
    }

    /// <summary>True when the key record is wrapped under the current key version.</summary>
    public bool IsCurrent(WrappedDataKey keyRecord)
    {
        ArgumentNullException.ThrowIfNull(keyRecord);
        return string.Equals(keyRecord.WrappedKey.KeyId, _kek.KeyId, StringComparison.Ordinal);
    }

    /// <summary>Rewraps a message's data key under the current key version (for <c>clinicmail keys
    /// rewrap</c> after a rotation). Only the key record changes; the ciphertext is not read or
    /// written, so it stays byte-identical. A record already current is returned as is.</summary>
    /// <exception cref="EnvelopeKeyException">The old version cannot unwrap it.</exception>
    public async Task<WrappedDataKey> RewrapAsync(WrappedDataKey keyRecord, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyRecord);
        if (IsCurrent(keyRecord))
        {
            return keyRecord;
        }

        var dataKey = await UnwrapDataKeyAsync(keyRecord.WrappedKey, cancellationToken).ConfigureAwait(false);
        try
        {
            var rewrapped = await _kek.WrapAsync(dataKey, cancellationToken).ConfigureAwait(false);
            return keyRecord with { WrappedKey = rewrapped };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private async Task<byte[]> UnwrapDataKeyAsync(WrappedKey wrapped, CancellationToken cancellationToken)
    {
        if (!string.Equals(wrapped.Algorithm, KeyAlgorithms.RsaOaep256, StringComparison.Ordinal))
        {
            throw new EnvelopeFormatException($"wrap algorithm {wrapped.Algorithm}");
        }

        byte[] dataKey;
        try
        {
            dataKey = await _kek.UnwrapAsync(wrapped, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyProviderException ex) when (ex.Failure is KeyProviderFailure.KeyNotFound or KeyProviderFailure.Rejected)
        {
            throw new EnvelopeKeyException(ex.Failure == KeyProviderFailure.KeyNotFound ? "key version not held by the provider" : "the provider could not unwrap it", ex);
        }

        if (dataKey.Length != DataKeyLength)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            throw new EnvelopeKeyException("unwrapped key has the wrong length");
        }

        return dataKey;
    }

    private static void CheckPairing(EnvelopeHeader header, WrappedDataKey keyRecord, EnvelopeBinding binding)
    {
        if (!string.Equals(header.MessageId, binding.MessageId, StringComparison.Ordinal)
            || !string.Equals(keyRecord.MessageId, binding.MessageId, StringComparison.Ordinal))
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.BindingMismatch, "envelope belongs to another message");
        }

        if (!string.Equals(header.DataKeyId, keyRecord.DataKeyId, StringComparison.Ordinal))
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.BindingMismatch, "key record belongs to another envelope");
        }
    }

    private static byte[] OpenPart(AesGcm aes, byte[] blob, PartSlice part, byte[] aad)
    {
        var plaintext = new byte[part.Length];
        try
        {
            aes.Decrypt(
                blob.AsSpan(part.Offset, EnvelopeHeader.NonceLength),
                blob.AsSpan(part.Offset + EnvelopeHeader.NonceLength + 4, part.Length),
                blob.AsSpan(part.Offset + EnvelopeHeader.NonceLength + 4 + part.Length, EnvelopeHeader.TagLength),
                plaintext,
                aad);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            // AesGcm has already cleared the output; there is nothing to return.
            throw new EnvelopeIntegrityException(EnvelopeFailure.AuthenticationFailed, "a part did not authenticate", ex);
        }

        return plaintext;
    }

    private readonly record struct PartSlice(int Offset, int Length);

    private static List<PartSlice> SliceParts(byte[] blob, int offset, int count)
    {
        var parts = new List<PartSlice>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            if (blob.Length - offset < EnvelopeHeader.NonceLength + 4)
            {
                throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "truncated part");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(offset + EnvelopeHeader.NonceLength, 4));
            var remaining = (long)blob.Length - offset - EnvelopeHeader.NonceLength - 4;
            if (length > remaining - EnvelopeHeader.TagLength)
            {
                throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "truncated part");
            }

            parts.Add(new PartSlice(offset, (int)length));
            offset += EnvelopeHeader.NonceLength + 4 + (int)length + EnvelopeHeader.TagLength;
        }

        if (offset != blob.Length)
        {
            throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "trailing bytes after the last part");
        }

        return parts;
    }

    /// <summary>label | SHA-256(header) | SHA-256(recipients) | u32 index | SHA-256(name) or 32 zero bytes.</summary>
    private static byte[] AssociatedData(byte[] headerHash, byte[] recipientsHash, int index, byte[]? nameHash)
    {
        var aad = new byte[AadLabel.Length + 32 + 32 + 4 + 32];
        var span = aad.AsSpan();
        AadLabel.CopyTo(span);
        span = span[AadLabel.Length..];
        headerHash.CopyTo(span);
        recipientsHash.CopyTo(span[32..]);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(64, 4), (uint)index);
        nameHash?.CopyTo(span[68..]);
        return aad;
    }

    private static byte[] NameHash(string name) => SHA256.HashData(Encoding.UTF8.GetBytes(name.Normalize(NormalizationForm.FormC)));

    /// <summary>Validates the binding and hashes its canonical recipient set:
    /// u32 count, then for each (trimmed, lower-cased, ordinal order) u32 length and UTF-8 bytes.</summary>
    private static byte[] ValidateBinding(EnvelopeBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (string.IsNullOrWhiteSpace(binding.MessageId) || binding.MessageId.Length > EnvelopeHeader.MaxMessageIdLength)
        {
            throw new ArgumentException("The message id must be 1 to 256 characters.", nameof(binding));
        }

        var recipients = binding.Recipients
            .Select(r => (r ?? string.Empty).Trim().ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (recipients.Count == 0 || recipients.Any(r => r.Length == 0))
        {
            throw new ArgumentException("A secure message needs at least one recipient, none of them empty.", nameof(binding));
        }

        using var canonical = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)recipients.Count);
        canonical.Write(length);
        foreach (var recipient in recipients)
        {
            var bytes = Encoding.UTF8.GetBytes(recipient);
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
            canonical.Write(length);
            canonical.Write(bytes);
        }

        return SHA256.HashData(canonical.ToArray());
    }

    private static byte[] SerializeMessagePart(EnvelopeContent content)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("subject", content.Subject);
            writer.WriteString("format", content.Format switch
            {
                BodyFormat.Text => "text",
                BodyFormat.Html => "html",
            });
            writer.WriteString("body", content.Body);
            writer.WriteStartArray("attachments");
            foreach (var attachment in content.Attachments)
            {
                ArgumentException.ThrowIfNullOrEmpty(attachment.Name, nameof(content));
                writer.WriteStartObject();
                writer.WriteString("name", attachment.Name);
                writer.WriteString("type", attachment.ContentType);
                writer.WriteNumber("size", attachment.Content.Length);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        // GetBuffer would avoid a copy but leave an unzeroed spare buffer behind; ToArray then wipe.
        var bytes = buffer.ToArray();
        CryptographicOperations.ZeroMemory(buffer.GetBuffer());
        return bytes;
    }

    private sealed record MessagePart(string Subject, string Body, BodyFormat Format, IReadOnlyList<(string Name, string ContentType)> Attachments);

    private static MessagePart ParseMessagePart(byte[] plaintext)
    {
        try
        {
            using var document = JsonDocument.Parse(plaintext);
            var root = document.RootElement;
            var format = root.GetProperty("format").GetString() switch
            {
                "text" => BodyFormat.Text,
                "html" => BodyFormat.Html,
                _ => throw new FormatException("unknown body format"),
            };
            var attachments = root.GetProperty("attachments").EnumerateArray()
                .Select(a => (a.GetProperty("name").GetString() ?? throw new FormatException("name"), a.GetProperty("type").GetString() ?? string.Empty))
                .ToList();
            return new MessagePart(
                root.GetProperty("subject").GetString() ?? string.Empty,
                root.GetProperty("body").GetString() ?? string.Empty,
                format,
                attachments);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // Authenticated but unreadable: written by a broken build, never returned as content.
            throw new EnvelopeIntegrityException(EnvelopeFailure.Malformed, "message part is not readable", ex);
        }
    }
}
