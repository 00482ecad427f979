using ClinicMail.Core.Crypto;

namespace ClinicMail.Core.Secure;

/// <summary>Storage of secure messages (SQLite in the embedded default). Ciphertexts and wrapped
/// data keys are kept in separate tables so destroying a key row shreds the content (see
/// <see cref="WrappedDataKey"/>). Mutations that race (failed attempts, close) are atomic in the store.</summary>
public interface ISecureMessageStore
{
    /// <summary>Stores the message, its envelope (ciphertext and key row) and its access records,
    /// with the SHA-256 of each access's link token (same order), in one transaction.</summary>
    Task CreateAsync(SecureMessage message, SealedEnvelope envelope, IReadOnlyList<SecureAccess> accesses, IReadOnlyList<byte[]> tokenHashes, CancellationToken cancellationToken = default);

    Task<SecureMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecureAccess>> GetAccessesAsync(string messageId, CancellationToken cancellationToken = default);

    Task<SecureAccess?> GetAccessAsync(string accessId, CancellationToken cancellationToken = default);

    Task<SecureAccess?> FindAccessByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken = default);

    /// <summary>The ciphertext and key of an envelope (message or reply); null once shredded.</summary>
    Task<SealedEnvelope?> GetEnvelopeAsync(string envelopeId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the pending one-time code of an access (hash, salt, expiry) and counts the send.</summary>
    Task SaveCodeAsync(string accessId, byte[] codeHash, byte[] salt, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Before a typed code is compared, one atomic statement counts the attempt and checks the
    /// lock: it succeeds only for an unlocked access with a live code and fewer than
    /// <paramref name="maxAttempts"/> attempts, so concurrent attempts can never exceed the limit.
    /// Returns the attempt number and the code to compare with, or null (locked, exhausted, no live code).</summary>
    Task<CodeAttempt?> BeginCodeAttemptAsync(string accessId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>A correct code, consumed by compare-and-swap: succeeds only while the access is unlocked and
    /// still holds <paramref name="codeHash"/> (clears it and the count, marks the access opened). False:
    /// another request consumed or replaced the code, or the access was locked meanwhile.</summary>
    Task<bool> ConsumeCodeAsync(string accessId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Locks the access (and clears its code) once the attempts reached <paramref name="maxAttempts"/>;
    /// true only for the call that locked it.</summary>
    Task<bool> LockIfExhaustedAsync(string accessId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task CreateSessionAsync(byte[] sessionHash, string accessId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The access id of a live session, or null.</summary>
    Task<string?> FindSessionAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task AddReplyAsync(SecureReply reply, SealedEnvelope envelope, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecureReply>> GetRepliesAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>Sets a new expiry on an active message. False when it is not active.</summary>
    Task<bool> UpdateExpiryAsync(string messageId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Closes an active message (revoked or expired) and, in the same transaction, deletes
    /// the key rows of its envelope and replies, their ciphertexts and its sessions.
    /// Returns the number of key rows destroyed, or null when the message was not active.</summary>
    Task<int?> CloseAndShredAsync(string messageId, SecureMessageStatus status, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Active messages whose expiry has passed, oldest first.</summary>
    Task<IReadOnlyList<string>> FindExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Key rows not wrapped under <paramref name="currentKeyId"/>, in envelope-id order after <paramref name="afterEnvelopeId"/>.</summary>
    Task<IReadOnlyList<StoredKey>> ReadKeysNotUnderAsync(string currentKeyId, string? afterEnvelopeId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Writes rewrapped key rows in one transaction (a row shredded meanwhile stays deleted).</summary>
    Task ReplaceKeysAsync(IReadOnlyList<StoredKey> keys, CancellationToken cancellationToken = default);

    Task<long> CountKeysNotUnderAsync(string currentKeyId, CancellationToken cancellationToken = default);
}

/// <summary>One counted attempt at a one-time code: its number and the code (keyed hash, salt) to compare with.</summary>
public sealed record CodeAttempt(int Attempt, byte[] CodeHash, byte[] CodeSalt);
