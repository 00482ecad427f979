using System.Text.Json;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Filing;

namespace ClinicMail.Application.Filing;

/// <summary>An observed exchange waits in the outbox sealed like a secure message (envelope encryption
/// under the key-encryption key, its wrapped data key in its own column): the database never holds it
/// in clear, and deleting the key column once filed, dismissed or expired shreds it.</summary>
public sealed class FilingPayload(EnvelopeEncryptor encryptor)
{
    private const string Audience = "record-filing";

    public async Task<(byte[] Ciphertext, string Key)> SealAsync(string filingId, FiledExchange exchange, CancellationToken cancellationToken)
    {
        var content = new EnvelopeContent { Subject = "", Body = JsonSerializer.Serialize(exchange), Format = BodyFormat.Text };
        var sealedEnvelope = await encryptor.EncryptAsync(content, Binding(filingId), cancellationToken).ConfigureAwait(false);
        return (sealedEnvelope.Ciphertext, sealedEnvelope.Key.ToJson());
    }

    public async Task<FiledExchange> OpenAsync(string filingId, byte[] ciphertext, string key, CancellationToken cancellationToken)
    {
        var content = await encryptor.DecryptAsync(new SealedEnvelope { Ciphertext = ciphertext, Key = WrappedDataKey.FromJson(key) }, Binding(filingId), cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize<FiledExchange>(content.Body) ?? throw new InvalidOperationException("Empty filing payload.");
    }

    private static EnvelopeBinding Binding(string filingId) => new() { MessageId = filingId, Recipients = [Audience] };
}
