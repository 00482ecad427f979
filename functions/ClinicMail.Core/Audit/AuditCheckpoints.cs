using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Crypto;

namespace ClinicMail.Core.Audit;

/// <summary>What a checkpoint signature covers. The digest names its layout, so a signature made for
/// anything else (a wrapped key, another layout) can never pass as a checkpoint. Version 2 also covers
/// the link to the previous checkpoint: the checkpoints form a chain of signed heads, so one deleted
/// (or one inserted by replaying an old signature) breaks the link of the next.</summary>
public static class AuditCheckpoints
{
    private const string LayoutV1 = "clinicmail-audit-checkpoint-v1";
    private const string LayoutV2 = "clinicmail-audit-checkpoint-v2";
    private const string LinkLayout = "clinicmail-audit-checkpoint-link-v1";

    /// <summary>What the first chained checkpoint names as its predecessor.</summary>
    public const string FirstLink = "first";

    /// <summary>SHA-256 of the version-1 layout (sequence, record hash, signing time); kept to verify
    /// checkpoints signed before the chain of checkpoints existed.</summary>
    public static byte[] Digest(long sequence, string hash, DateTimeOffset at) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{LayoutV1}\n{sequence}\n{hash}\n{Truncate(at):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}")));

    /// <summary>SHA-256 of the version-2 layout: the version-1 fields plus the previous checkpoint's link.</summary>
    public static byte[] Digest(long sequence, string hash, DateTimeOffset at, string previous) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{LayoutV2}\n{sequence}\n{hash}\n{Truncate(at):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\n{previous}")));

    /// <summary>The value the next checkpoint signs as its predecessor: SHA-256 (hex) over this checkpoint's
    /// fields and signature.</summary>
    public static string Link(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{LinkLayout}\n{checkpoint.Sequence}\n{checkpoint.Hash}\n{Truncate(checkpoint.At):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\n{checkpoint.KeyId}\n{checkpoint.Previous}\n{Convert.ToBase64String(checkpoint.Signature)}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Signs the head (<paramref name="sequence"/>, <paramref name="hash"/>) and its link to
    /// <paramref name="previous"/> (null: the first checkpoint) with the audit signing key.</summary>
    public static async Task<AuditCheckpoint> SignAsync(IAuditSigningKey key, long sequence, string hash, DateTimeOffset at, AuditCheckpoint? previous, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var when = Truncate(at);
        var link = previous is null ? FirstLink : Link(previous);
        var signature = await key.SignAsync(Digest(sequence, hash, when, link), cancellationToken).ConfigureAwait(false);
        return new AuditCheckpoint
        {
            Sequence = sequence,
            Hash = hash,
            At = when,
            KeyId = signature.KeyId,
            Algorithm = signature.Algorithm,
            Signature = signature.Value,
            Previous = link,
        };
    }

    /// <summary>True when the signature is the key's over this checkpoint: a version-2 checkpoint by the
    /// audit signing key, a version-1 one (no link) by <paramref name="legacyKey"/> when given. A key id
    /// the provider does not know (a signature made with someone else's key) is an invalid signature, not
    /// an error; an unreachable provider still throws, because "could not check" is not "forged".</summary>
    public static async Task<bool> IsSignedAsync(IAuditSigningKey key, IKeyEncryptionKey? legacyKey, AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var signature = new KeySignature { KeyId = checkpoint.KeyId, Algorithm = checkpoint.Algorithm, Value = checkpoint.Signature };
        try
        {
            if (checkpoint.Previous is { } previous)
            {
                return await key.VerifyAsync(Digest(checkpoint.Sequence, checkpoint.Hash, checkpoint.At, previous), signature, cancellationToken).ConfigureAwait(false);
            }

            return legacyKey is not null
                && await legacyKey.VerifyAsync(Digest(checkpoint.Sequence, checkpoint.Hash, checkpoint.At), signature, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyProviderException ex) when (ex.Failure is KeyProviderFailure.KeyNotFound or KeyProviderFailure.Rejected)
        {
            return false;
        }
    }

    /// <summary>Same content, field by field (the copy outside the database against the row).</summary>
    public static bool SameAs(AuditCheckpoint a, AuditCheckpoint b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return string.Equals(Link(a), Link(b), StringComparison.Ordinal);
    }

    private static DateTimeOffset Truncate(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
