using ClinicMail.Core.Localization;

namespace ClinicMail.Core.Crypto;

/// <summary>Why a key provider failed. The HTTP layer maps <see cref="Unavailable"/> and
/// <see cref="Throttled"/> to 503 and the others to 500; none of them falls back to plaintext.</summary>
public enum KeyProviderFailure
{
    /// <summary>The provider is not configured, or configured for development only.</summary>
    Misconfigured,
    /// <summary>The provider rejected our identity or its permission (401, 403).</summary>
    Unauthorized,
    /// <summary>The key id names a key or version this provider does not hold, or another vault.</summary>
    KeyNotFound,
    /// <summary>The provider refused the operation: wrong key for this wrapped value, bad algorithm, disabled key.</summary>
    Rejected,
    /// <summary>Still throttled (429) after the retries.</summary>
    Throttled,
    /// <summary>Unreachable, or still failing (5xx) after the retries.</summary>
    Unavailable,
    /// <summary>The provider answered with something we could not read.</summary>
    BadResponse,
}

/// <summary>A key provider could not do what was asked. The message names the operation, the
/// failure, the HTTP status and the provider's error code; never a token, a key or any content.</summary>
public sealed class KeyProviderException : Exception
{
    public KeyProviderException(KeyProviderFailure failure, string operation, string detail, int? status = null, Exception? inner = null)
        : base(Compose(failure, operation, detail, status), inner)
    {
        Failure = failure;
        Operation = operation;
        Status = status;
    }

    public KeyProviderFailure Failure { get; }

    /// <summary>"wrapkey", "unwrapkey", "sign", "get key", "open key file"…</summary>
    public string Operation { get; }

    /// <summary>The HTTP status the provider answered, when there was one.</summary>
    public int? Status { get; }

    /// <summary>What a user is told: the key service, not the message, is at fault.</summary>
    public LocalizedText UserMessage => Failure is KeyProviderFailure.Throttled or KeyProviderFailure.Unavailable
        ? new LocalizedText(
            "Le service de clés de chiffrement est temporairement indisponible. Réessayez dans quelques minutes.",
            "The encryption key service is temporarily unavailable. Try again in a few minutes.")
        : new LocalizedText(
            "Le service de clés de chiffrement a refusé l'opération. Avisez l'administrateur de ClinicMail.",
            "The encryption key service refused the operation. Tell your ClinicMail administrator.");

    private static string Compose(KeyProviderFailure failure, string operation, string detail, int? status) =>
        status is { } s
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Key provider {operation} failed ({failure}, HTTP {s}): {detail}")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Key provider {operation} failed ({failure}): {detail}");
}
