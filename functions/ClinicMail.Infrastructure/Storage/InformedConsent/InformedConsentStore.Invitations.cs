using System.Data.Common;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Secure;

namespace ClinicMail.Infrastructure.Storage.InformedConsent;

/// <summary>Consent invitations: the same link, code and session rules as the secure reader's
/// access records — hashes only, atomic attempt counting, compare-and-swap consumption.</summary>
public sealed partial class InformedConsentStore
{
    private const string InvitationColumns =
        "id, patient_id, address, language, created_at, created_by, expires_at, code_hash, code_salt, code_expires_at, failed_attempts, codes_sent, locked_at, answered_at, withdrawn_at, evidence_id, address_sealed";

    public async Task CreateInvitationAsync(ConsentInvitation invitation, byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        // The address is never written in clear (issue 22 item 10): a keyed look-up hash and the sealed address.
        var protector = AddressProtector();
        var sealedAddress = await protector.SealAsync(invitation.Address, AddressContext(invitation.Id), cancellationToken).ConfigureAwait(false);
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null,
            "INSERT INTO consent_invitations (id, token_hash, patient_id, address, language, created_at, created_by, expires_at, address_hash, address_sealed) VALUES (@id, @t, @p, '', @l, @c, @by, @e, @ah, @as);",
            cancellationToken, ("id", invitation.Id), ("t", tokenHash), ("p", invitation.PatientId), ("ah", protector.LookupHash(invitation.Address)), ("as", sealedAddress), ("l", invitation.Language),
            ("c", invitation.CreatedAt.ToUnixTimeMilliseconds()), ("by", invitation.CreatedBy), ("e", invitation.ExpiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    public Task<ConsentInvitation?> InvitationByTokenAsync(byte[] tokenHash, CancellationToken cancellationToken = default) =>
        ReadInvitationAsync("token_hash = @k", tokenHash, cancellationToken);

    public Task<ConsentInvitation?> InvitationAsync(string id, CancellationToken cancellationToken = default) =>
        ReadInvitationAsync("id = @k", id, cancellationToken);

    public async Task SaveCodeAsync(string invitationId, byte[] codeHash, byte[] salt, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null,
            "UPDATE consent_invitations SET code_hash = @h, code_salt = @s, code_expires_at = @e, codes_sent = codes_sent + 1 WHERE id = @id;",
            cancellationToken, ("h", codeHash), ("s", salt), ("e", expiresAt.ToUnixTimeMilliseconds()), ("id", invitationId)).ConfigureAwait(false);
    }

    public async Task<ConsentCodeAttempt?> BeginCodeAttemptAsync(string invitationId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One statement: the count and the lock test cannot be raced by a concurrent attempt.
        await using var command = Command(connection, null,
            "UPDATE consent_invitations SET failed_attempts = failed_attempts + 1 WHERE id = @id AND locked_at IS NULL AND code_hash IS NOT NULL " +
            "AND code_expires_at > @now AND failed_attempts < @max RETURNING code_hash, code_salt, failed_attempts;",
            ("id", invitationId), ("now", now.ToUnixTimeMilliseconds()), ("max", (long)maxAttempts));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new ConsentCodeAttempt((byte[])reader.GetValue(0), (byte[])reader.GetValue(1), (int)reader.GetInt64(2))
            : null;
    }

    public async Task<bool> LockIfExhaustedAsync(string invitationId, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null,
            "UPDATE consent_invitations SET locked_at = @now, code_hash = NULL, code_salt = NULL WHERE id = @id AND locked_at IS NULL AND failed_attempts >= @max;",
            cancellationToken, ("now", now.ToUnixTimeMilliseconds()), ("id", invitationId), ("max", (long)maxAttempts)).ConfigureAwait(false) == 1;
    }

    public async Task<bool> ConsumeCodeAsync(string invitationId, byte[] codeHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null,
            "UPDATE consent_invitations SET code_hash = NULL, code_salt = NULL, code_expires_at = NULL, failed_attempts = 0 WHERE id = @id AND code_hash = @h;",
            cancellationToken, ("id", invitationId), ("h", codeHash)).ConfigureAwait(false) == 1;
    }

    public async Task CreateSessionAsync(byte[] sessionHash, string invitationId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "INSERT INTO consent_sessions (id_hash, invitation_id, expires_at) VALUES (@h, @id, @e);",
            cancellationToken, ("h", sessionHash), ("id", invitationId), ("e", expiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    public async Task<bool> HasSessionAsync(byte[] sessionHash, string invitationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync(connection, "SELECT 1 FROM consent_sessions WHERE id_hash = @h AND invitation_id = @id AND expires_at > @now;",
            cancellationToken, ("h", sessionHash), ("id", invitationId), ("now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false) is not null;
    }

    public async Task<bool> MarkAnsweredAsync(string invitationId, string evidenceId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null,
            "UPDATE consent_invitations SET answered_at = @at, evidence_id = @e WHERE id = @id AND answered_at IS NULL AND withdrawn_at IS NULL;",
            cancellationToken, ("at", at.ToUnixTimeMilliseconds()), ("e", evidenceId), ("id", invitationId)).ConfigureAwait(false) == 1;
    }

    public async Task<bool> MarkWithdrawnAsync(string invitationId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        var changed = await ExecuteAsync(connection, null,
            "UPDATE consent_invitations SET withdrawn_at = @at WHERE id = @id AND withdrawn_at IS NULL;",
            cancellationToken, ("at", at.ToUnixTimeMilliseconds()), ("id", invitationId)).ConfigureAwait(false) == 1;
        if (changed)
        {
            // The link is spent: its sessions end with it.
            await ExecuteAsync(connection, null, "DELETE FROM consent_sessions WHERE invitation_id = @id;", cancellationToken, ("id", invitationId)).ConfigureAwait(false);
        }

        return changed;
    }

    public async Task EndSessionsAsync(string invitationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "DELETE FROM consent_sessions WHERE invitation_id = @id;", cancellationToken, ("id", invitationId)).ConfigureAwait(false);
    }

    private async Task<ConsentInvitation?> ReadInvitationAsync(string where, object key, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT " + InvitationColumns + " FROM consent_invitations WHERE " + where + ";", ("k", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var id = reader.GetString(0);
        // A row written before migration 0013 is read as it is until the startup step seals it.
        var address = await reader.IsDBNullAsync(16, cancellationToken).ConfigureAwait(false)
            ? reader.GetString(2)
            : await AddressProtector().OpenAsync((byte[])reader.GetValue(16), AddressContext(id), cancellationToken).ConfigureAwait(false);
        return new ConsentInvitation
        {
            Id = id,
            PatientId = reader.GetString(1),
            Address = address,
            Language = reader.GetString(3),
            CreatedAt = Instant(reader, 4)!.Value,
            CreatedBy = reader.GetString(5),
            ExpiresAt = Instant(reader, 6)!.Value,
            CodeHash = Bytes(reader, 7),
            CodeSalt = Bytes(reader, 8),
            CodeExpiresAt = Instant(reader, 9),
            FailedAttempts = (int)reader.GetInt64(10),
            CodesSent = (int)reader.GetInt64(11),
            LockedAt = Instant(reader, 12),
            AnsweredAt = Instant(reader, 13),
            WithdrawnAt = Instant(reader, 14),
            EvidenceId = Text(reader, 15),
        };
    }

    /// <summary>The context an invitation's sealed address is bound to (its row).</summary>
    public static string AddressContext(string invitationId) => "consent_invitations.address:" + invitationId;

    private PatientAddressProtector AddressProtector() => addresses
        ?? throw new InvalidOperationException("Patient addresses are only stored sealed: this consent store was built without the address protector.");

    private static DateTimeOffset? Instant(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
