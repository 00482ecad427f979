namespace ClinicMail.Core.InformedConsent;

/// <summary>Policy versions, consent invitations (link, code, session), consent evidence, the
/// patients' dates of birth, and the whole-registry lists of the clinic page. One provider-neutral
/// implementation (Infrastructure/Storage/InformedConsent), contract-tested on SQLite and PostgreSQL.</summary>
public interface IInformedConsentStore
{
    /// <summary>Stores the next version (current + 1) unless its hash equals the current one's; returns the current version after the call.</summary>
    Task<ConsentPolicyVersion> PublishPolicyAsync(ClinicEmailPolicy policy, string hash, string actorId, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<ConsentPolicyVersion?> CurrentPolicyAsync(CancellationToken cancellationToken = default);

    Task<ConsentPolicyVersion?> PolicyAsync(int version, CancellationToken cancellationToken = default);

    Task<DateOnly?> BirthDateAsync(string patientId, CancellationToken cancellationToken = default);

    Task SetBirthDateAsync(string patientId, DateOnly birthDate, CancellationToken cancellationToken = default);

    Task CreateInvitationAsync(ConsentInvitation invitation, byte[] tokenHash, CancellationToken cancellationToken = default);

    Task<ConsentInvitation?> InvitationByTokenAsync(byte[] tokenHash, CancellationToken cancellationToken = default);

    Task<ConsentInvitation?> InvitationAsync(string id, CancellationToken cancellationToken = default);

    Task SaveCodeAsync(string invitationId, byte[] codeHash, byte[] salt, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Counts an attempt and returns the pending code in one statement; null when the code is
    /// missing, expired, the invitation locked, or <paramref name="maxAttempts"/> reached.</summary>
    Task<ConsentCodeAttempt?> BeginCodeAttemptAsync(string invitationId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<bool> LockIfExhaustedAsync(string invitationId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Clears the code if it is still <paramref name="codeHash"/> (compare-and-swap): one of two concurrent right answers wins.</summary>
    Task<bool> ConsumeCodeAsync(string invitationId, byte[] codeHash, CancellationToken cancellationToken = default);

    Task CreateSessionAsync(byte[] sessionHash, string invitationId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    Task<bool> HasSessionAsync(byte[] sessionHash, string invitationId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Ends every session of the invitation (a signature that did not match: another try needs another code).</summary>
    Task EndSessionsAsync(string invitationId, CancellationToken cancellationToken = default);

    /// <summary>Marks the invitation answered with this evidence, only if it was not answered yet (compare-and-swap).</summary>
    Task<bool> MarkAnsweredAsync(string invitationId, string evidenceId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Marks the invitation withdrawn, only once.</summary>
    Task<bool> MarkWithdrawnAsync(string invitationId, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task SaveEvidenceAsync(ConsentEvidence evidence, CancellationToken cancellationToken = default);

    Task<ConsentEvidence?> EvidenceAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Patients whose consent is missing, expired on <paramref name="today"/>, or granted
    /// without evidence; ordered by family name, given name, id; at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ConsentAttentionRow>> AttentionAsync(DateOnly today, int limit, CancellationToken cancellationToken = default);

    /// <summary>Pairs of addresses of different patients that share a domain and a confusable
    /// skeleton or an affix bucket and are near misses; at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<LookAlikePair>> LookAlikePairsAsync(int limit, CancellationToken cancellationToken = default);
}
