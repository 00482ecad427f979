using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Secure;

namespace ClinicMail.Application.Secure;

/// <summary>The consent page's link: a consent invitation (its own code, attempts and sessions).</summary>
internal sealed class ConsentInvitationGate(IInformedConsentStore store, string invitationId) : ICodeGate
{
    public string Id => invitationId;

    public Task SaveCodeAsync(byte[] codeHash, byte[] salt, DateTimeOffset expiresAt, CancellationToken ct) =>
        store.SaveCodeAsync(invitationId, codeHash, salt, expiresAt, ct);

    public async Task<CodeAttempt?> BeginAttemptAsync(int maxAttempts, DateTimeOffset now, CancellationToken ct) =>
        await store.BeginCodeAttemptAsync(invitationId, maxAttempts, now, ct).ConfigureAwait(false) is { } attempt
            ? new CodeAttempt(attempt.Attempt, attempt.CodeHash, attempt.CodeSalt)
            : null;

    public async Task<bool> IsLockedAsync(int maxAttempts, CancellationToken ct)
    {
        var current = await store.InvitationAsync(invitationId, ct).ConfigureAwait(false);
        return current is null || current.LockedAt is not null || current.FailedAttempts >= maxAttempts;
    }

    public Task<bool> LockIfExhaustedAsync(int maxAttempts, DateTimeOffset now, CancellationToken ct) =>
        store.LockIfExhaustedAsync(invitationId, maxAttempts, now, ct);

    // The invitation's code is single-use by its hash; the store needs no clock for it.
    public Task<bool> ConsumeAsync(byte[] codeHash, DateTimeOffset now, CancellationToken ct) =>
        store.ConsumeCodeAsync(invitationId, codeHash, ct);

    public Task CreateSessionAsync(byte[] sessionHash, DateTimeOffset expiresAt, CancellationToken ct) =>
        store.CreateSessionAsync(sessionHash, invitationId, expiresAt, ct);

    public Task<bool> HasSessionAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken ct) =>
        store.HasSessionAsync(sessionHash, invitationId, now, ct);
}
