using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Core.Audit;

/// <summary>What a checkpoint signature covers. The digest names its layout, so a signature made for
/// anything else (a wrapped key, another layout) can never pass as a checkpoint.</summary>
public static class AuditCheckpoints
{
    private const string Layout = "clinicmail-audit-checkpoint-v1";

    /// <summary>SHA-256 of the layout, the sequence number, the record hash and the signing time (ms, UTC).</summary>
    public static byte[] Digest(long sequence, string hash, DateTimeOffset at) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{Layout}\n{sequence}\n{hash}\n{Truncate(at):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}")));

    /// <summary>Signs the head (<paramref name="sequence"/>, <paramref name="hash"/>) with the key-encryption key.</summary>
    public static async Task<AuditCheckpoint> SignAsync(IKeyEncryptionKey key, long sequence, string hash, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var when = Truncate(at);
        var signature = await key.SignAsync(Digest(sequence, hash, when), cancellationToken).ConfigureAwait(false);
        return new AuditCheckpoint
        {
            Sequence = sequence,
            Hash = hash,
            At = when,
            KeyId = signature.KeyId,
            Algorithm = signature.Algorithm,
            Signature = signature.Value,
        };
    }

    /// <summary>True when the signature is the key's over this checkpoint. A key id the provider does not
    /// know (a signature made with someone else's key) is an invalid signature, not an error; an
    /// unreachable provider still throws, because "could not check" is not "forged".</summary>
    public static async Task<bool> IsSignedAsync(IKeyEncryptionKey key, AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(checkpoint);
        try
        {
            return await key.VerifyAsync(
                Digest(checkpoint.Sequence, checkpoint.Hash, checkpoint.At),
                new KeySignature { KeyId = checkpoint.KeyId, Algorithm = checkpoint.Algorithm, Value = checkpoint.Signature },
                cancellationToken).ConfigureAwait(false);
        }
        catch (KeyProviderException ex) when (ex.Failure is KeyProviderFailure.KeyNotFound or KeyProviderFailure.Rejected)
        {
            return false;
        }
    }

    private static DateTimeOffset Truncate(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
