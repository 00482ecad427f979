using ClinicMail.Core.Localization;

namespace ClinicMail.Core.Crypto;

/// <summary>Base of the envelope failures. Messages name the failure, never content, names or keys.
/// Decryption throws one of these rather than return anything it could not fully verify.</summary>
public abstract class EnvelopeException : Exception
{
    protected EnvelopeException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>What a reader or physician is told.</summary>
    public abstract LocalizedText UserMessage { get; }
}

public enum EnvelopeFailure
{
    /// <summary>The bytes do not have the envelope's structure (truncated, garbled, trailing bytes).</summary>
    Malformed,
    /// <summary>The envelope or its key record belongs to another message or data key.</summary>
    BindingMismatch,
    /// <summary>An authentication tag did not verify: a byte of the header, a nonce, a ciphertext or
    /// a tag changed, the recipients differ, or the attachments were reordered.</summary>
    AuthenticationFailed,
}

/// <summary>The envelope does not verify: it was altered, truncated or paired with the wrong record.</summary>
public sealed class EnvelopeIntegrityException : EnvelopeException
{
    public EnvelopeIntegrityException(EnvelopeFailure failure, string detail, Exception? inner = null)
        : base($"Secure message envelope failed verification ({failure}): {detail}", inner)
    {
        Failure = failure;
    }

    public EnvelopeFailure Failure { get; }

    public override LocalizedText UserMessage => new(
        "Ce message sécurisé ne peut pas être ouvert : son intégrité n'a pas pu être vérifiée.",
        "This secure message cannot be opened: its integrity could not be verified.");
}

/// <summary>The data key cannot be recovered: the wrapped key names a key version the provider does
/// not hold, the key is the wrong one, or the key record was deleted (crypto-shredded).</summary>
public sealed class EnvelopeKeyException : EnvelopeException
{
    public EnvelopeKeyException(string detail, Exception? inner = null)
        : base($"Secure message data key could not be recovered: {detail}", inner)
    {
    }

    public override LocalizedText UserMessage => new(
        "Ce message sécurisé ne peut plus être déchiffré : sa clé n'est pas disponible ou a été détruite.",
        "This secure message can no longer be decrypted: its key is unavailable or was destroyed.");
}

/// <summary>The envelope was written in a format version or with an algorithm this build does not read.</summary>
public sealed class EnvelopeFormatException : EnvelopeException
{
    public EnvelopeFormatException(string detail)
        : base($"Unsupported secure message envelope: {detail}")
    {
    }

    public override LocalizedText UserMessage => new(
        "Ce message sécurisé utilise un format que cette version de ClinicMail ne lit pas.",
        "This secure message uses a format this version of ClinicMail cannot read.");
}
