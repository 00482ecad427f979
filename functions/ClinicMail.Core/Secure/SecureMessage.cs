namespace ClinicMail.Core.Secure;

/// <summary>Where a secure message is in its life. Only <see cref="Active"/> messages can be read;
/// the two others are final and their data keys are destroyed (crypto-shredding).</summary>
public enum SecureMessageStatus
{
    Active,
    Revoked,
    Expired,
}

/// <summary>A secure message as stored, without its content (which lives in the envelope).</summary>
public sealed record SecureMessage
{
    /// <summary>"sm_" + UUID v7: also the envelope's message id (bound into its associated data).</summary>
    public required string Id { get; init; }

    public required string OwnerTenantId { get; init; }

    public required string OwnerObjectId { get; init; }

    /// <summary>The check the physician ran before sending it.</summary>
    public required string CheckId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public SecureMessageStatus Status { get; init; } = SecureMessageStatus.Active;

    /// <summary>When it was revoked or expired.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>When its data keys were destroyed.</summary>
    public DateTimeOffset? ShreddedAt { get; init; }

    /// <summary>The envelope binding's recipients: the registered addresses it was sent to
    /// (normalized), one per access record.</summary>
    public required IReadOnlyList<string> Recipients { get; init; }

    /// <summary>The physician's mailbox, for reply notifications (never content); null when unknown.</summary>
    public string? NotifyAddress { get; init; }

    /// <summary>Readable now: active and not past its expiry (the purge may not have run yet).</summary>
    public bool IsReadableAt(DateTimeOffset now) => Status == SecureMessageStatus.Active && now < ExpiresAt;

    /// <summary>The actor id the envelope of a reply is bound to.</summary>
    public string OwnerBinding => OwnerTenantId + "/" + OwnerObjectId;
}

/// <summary>One recipient's way in: a link token (only its SHA-256 is stored), the registered
/// address the one-time code goes to, and the code state.</summary>
public sealed record SecureAccess
{
    /// <summary>"sa_" + UUID v7.</summary>
    public required string Id { get; init; }

    public required string MessageId { get; init; }

    /// <summary>The normalized registered address: codes go here and nowhere else.</summary>
    public required string Address { get; init; }

    /// <summary>Registry ids of the patients behind that address (several for a shared family address).</summary>
    public required IReadOnlyList<string> PatientIds { get; init; }

    /// <summary>"fr" or "en", from the registry: the reader's default language.</summary>
    public required string Language { get; init; }

    public DateTimeOffset? OpenedAt { get; init; }

    public int OpenCount { get; init; }

    /// <summary>Wrong codes since the last success; at the limit the access locks.</summary>
    public int FailedAttempts { get; init; }

    public DateTimeOffset? LockedAt { get; init; }

    public byte[]? CodeHash { get; init; }

    public byte[]? CodeSalt { get; init; }

    public DateTimeOffset? CodeExpiresAt { get; init; }

    public int CodesSent { get; init; }
}

/// <summary>A patient's reply, stored as its own envelope (own data key) bound to the physician.</summary>
public sealed record SecureReply
{
    /// <summary>"smr_" + UUID v7: the reply envelope's message id.</summary>
    public required string Id { get; init; }

    public required string MessageId { get; init; }

    public required string AccessId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A key record to rewrap, with the envelope it belongs to.</summary>
public sealed record StoredKey(string EnvelopeId, Crypto.WrappedDataKey Key);
