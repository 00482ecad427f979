using ClinicMail.Core.Crypto;

namespace ClinicMail.Core.Audit;

/// <summary>The key that signs audit checkpoints. Deliberately not the envelope key-encryption key:
/// the two keys have separate Key Vault permissions (sign/verify here, wrapKey/unwrapKey there), so the
/// identity that can unwrap patients' messages cannot vouch for the audit log and the reverse.</summary>
public interface IAuditSigningKey
{
    /// <summary>The key version new signatures use.</summary>
    string KeyId { get; }

    /// <summary>Signs a SHA-256 digest (RS256).</summary>
    Task<KeySignature> SignAsync(ReadOnlyMemory<byte> digest32, CancellationToken cancellationToken = default);

    /// <summary>False for a bad signature; throws <see cref="KeyProviderException"/> when the key version
    /// is unknown or the provider cannot be reached.</summary>
    Task<bool> VerifyAsync(ReadOnlyMemory<byte> digest32, KeySignature signature, CancellationToken cancellationToken = default);
}

/// <summary>A signing key served by a key provider (a Key Vault key or a local key file) that is opened
/// for signing only: a distinct key from the one that wraps data keys.</summary>
public sealed class ProviderAuditSigningKey(IKeyEncryptionKey key) : IAuditSigningKey, IDisposable
{
    public string KeyId => key.KeyId;

    public Task<KeySignature> SignAsync(ReadOnlyMemory<byte> digest32, CancellationToken cancellationToken = default) =>
        key.SignAsync(digest32, cancellationToken);

    public Task<bool> VerifyAsync(ReadOnlyMemory<byte> digest32, KeySignature signature, CancellationToken cancellationToken = default) =>
        key.VerifyAsync(digest32, signature, cancellationToken);

    public void Dispose() => (key as IDisposable)?.Dispose();
}

/// <summary>The copy of every checkpoint kept outside the database (an append-only file in the embedded
/// default, an append blob under a time-based immutability policy in production). Someone who can
/// write the database but not this copy cannot delete checkpoints or rewrite history undetected.</summary>
public interface IAuditCheckpointCopy
{
    /// <summary>Appends one checkpoint; idempotent for a checkpoint already copied.</summary>
    Task AppendAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Every checkpoint copied, in sequence order.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> ReadAllAsync(CancellationToken cancellationToken = default);
}

/// <summary>Told when the checkpointer finds the log broken and refuses to sign (an operator must look).</summary>
public interface IAuditIntegrityAlert
{
    void Raise(AuditVerification verification);
}

/// <summary>The head this process last saw (the checkpointer's poll): if the record at that position
/// later has another hash, the unsigned tail was rewritten behind the app's back.</summary>
/// <remarks>A singleton; thread-safe.</remarks>
public sealed class AuditHeadWitness
{
    private AuditChainHead? _seen;

    public AuditChainHead? Seen => Volatile.Read(ref _seen);

    public void Observe(AuditChainHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        AuditChainHead? current;
        do
        {
            current = Volatile.Read(ref _seen);
            if (current is not null && current.Sequence > head.Sequence)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _seen, head, current) != current);
    }
}

/// <summary>The checkpointer found the log broken and refused to sign it.</summary>
public sealed class AuditIntegrityException(AuditVerification verification)
    : Exception($"The audit log is broken ({verification?.Problem} at {verification?.BrokenAt}, {verification?.Detail}); the checkpoint was not signed.")
{
    public AuditVerification Verification { get; } = verification!;
}
