using System.Buffers.Text;
using System.Security.Cryptography;
using ClinicMail.Application.Configuration;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Mail;
using ClinicMail.Core.Secure;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Secure;

/// <summary>One link's code and session state as its store keeps it: a secure message's access
/// (the reader) or a consent invitation (the consent page). <see cref="Id"/> binds the code hash
/// and the session to that link.</summary>
internal interface ICodeGate
{
    string Id { get; }

    Task SaveCodeAsync(byte[] codeHash, byte[] salt, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Counts an attempt and returns the code to compare, atomically; null when there is no
    /// live code or the attempts are used up (issue 22: concurrent attempts never exceed the limit).</summary>
    Task<CodeAttempt?> BeginAttemptAsync(int maxAttempts, DateTimeOffset now, CancellationToken ct);

    /// <summary>After a refused attempt: whether the link is locked (rather than simply without a live code).</summary>
    Task<bool> IsLockedAsync(int maxAttempts, CancellationToken ct);

    Task<bool> LockIfExhaustedAsync(int maxAttempts, DateTimeOffset now, CancellationToken ct);

    /// <summary>Consumes the code by compare-and-swap: of two requests with the right code, one wins.</summary>
    Task<bool> ConsumeAsync(byte[] codeHash, DateTimeOffset now, CancellationToken ct);

    Task CreateSessionAsync(byte[] sessionHash, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Whether the session is live and was created for this link (another link needs its own code).</summary>
    Task<bool> HasSessionAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken ct);
}

/// <summary>What a code check came to. <see cref="Attempts"/> counts this attempt; <see cref="LockedNow"/>
/// is true only for the request that locked the link (so the lock is audited once).</summary>
internal readonly record struct CodeCheck(CodeVerdict Verdict, int Attempts, bool LockedNow);

internal enum CodeVerdict
{
    /// <summary>The code was right: the session cookie is set.</summary>
    Opened,

    /// <summary>A wrong code, attempts left.</summary>
    Wrong,

    /// <summary>A wrong code that used the last attempt: the link is locked.</summary>
    Exhausted,

    /// <summary>No live code (expired, consumed, or none asked for).</summary>
    NoCode,

    /// <summary>The link was locked already.</summary>
    Locked,
}

/// <summary>The one-time code and session steps shared by the patient's pages (the secure reader and
/// the consent page; docs/secure-delivery.md): « le patient prouve qu'il possède l'adresse » with a
/// code sent to that address only, hashed under the code key and bound to the link, a limited number
/// of attempts then a lock, and a short session in an HttpOnly, Secure, SameSite=Strict, __Host-
/// cookie whose value is stored only as its SHA-256. Each page keeps its own pages, texts and audit.</summary>
public sealed class OneTimeCodeFlow(OneTimeCodeKey codeKey, IMailSender mail, IOptions<SecureOptions> options, TimeProvider time)
{
    private SecureOptions Secure => options.Value;

    /// <summary>A new code (the previous one stops working) mailed to <paramref name="address"/>, in the
    /// page's language then the other.</summary>
    internal async Task SendCodeAsync(ICodeGate gate, string address, string lang, string mailKind, CancellationToken ct)
    {
        var code = SecretTokens.NewCode(Secure.CodeDigits);
        var salt = RandomNumberGenerator.GetBytes(16);
        await gate.SaveCodeAsync(codeKey.Hash(code, salt, gate.Id), salt, time.GetUtcNow().Add(Secure.CodeLifetime), ct).ConfigureAwait(false);
        var minutes = (int)Secure.CodeLifetime.TotalMinutes;
        var text = new LocalizedText(
            $"Votre code ClinicMail : {code}\n\nIl expire dans {minutes} minutes. Ne le communiquez à personne : votre clinique ne vous le demandera jamais.\nSi vous n'avez rien demandé, ignorez ce courriel.",
            $"Your ClinicMail code: {code}\n\nIt expires in {minutes} minutes. Do not share it with anyone: your clinic will never ask you for it.\nIf you did not ask for it, ignore this e-mail.");
        await mail.SendAsync(new OutgoingMail
        {
            To = address,
            Subject = lang == "en" ? "Your ClinicMail code" : "Votre code ClinicMail",
            TextBody = text.For(lang) + "\n\n----\n\n" + text.For(lang == "en" ? "fr" : "en"),
            Kind = mailKind,
            Language = lang,
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Checks the typed code; when right, opens a session for this link under <paramref name="cookieName"/>.</summary>
    internal async Task<CodeCheck> VerifyAsync(ICodeGate gate, string? code, HttpContext http, string cookieName, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var max = Secure.MaxCodeAttempts;
        // Counted (and the lock checked) before comparing, in one atomic statement.
        var attempt = await gate.BeginAttemptAsync(max, now, ct).ConfigureAwait(false);
        if (attempt is null)
        {
            return new(await gate.IsLockedAsync(max, ct).ConfigureAwait(false) ? CodeVerdict.Locked : CodeVerdict.NoCode, 0, false);
        }

        if (!codeKey.Matches(code, attempt.CodeSalt, gate.Id, attempt.CodeHash))
        {
            return attempt.Attempt >= max
                ? new(CodeVerdict.Exhausted, attempt.Attempt, await gate.LockIfExhaustedAsync(max, now, ct).ConfigureAwait(false))
                : new(CodeVerdict.Wrong, attempt.Attempt, false);
        }

        if (!await gate.ConsumeAsync(attempt.CodeHash, now, ct).ConfigureAwait(false))
        {
            return new(CodeVerdict.NoCode, attempt.Attempt, false);
        }

        var sessionId = RandomNumberGenerator.GetBytes(32);
        await gate.CreateSessionAsync(SHA256.HashData(sessionId), now.Add(Secure.SessionLifetime), ct).ConfigureAwait(false);
        // The __Host- prefix makes the browser require Secure, Path=/ and no Domain: the cookie cannot
        // be set or widened by another host. Browsers treat http://localhost as a secure context.
        http.Response.Cookies.Append(cookieName, Base64Url.EncodeToString(sessionId), new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict,
            Path = "/",
            MaxAge = Secure.SessionLifetime,
            IsEssential = true,
        });
        return new(CodeVerdict.Opened, attempt.Attempt, false);
    }

    /// <summary>Whether the request carries a live session cookie of this link.</summary>
    internal async Task<bool> HasSessionAsync(ICodeGate gate, HttpContext http, string cookieName, CancellationToken ct)
    {
        if (!http.Request.Cookies.TryGetValue(cookieName, out var value) || value is null || value.Length > 64)
        {
            return false;
        }

        byte[] id;
        try
        {
            id = Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            return false;
        }

        return await gate.HasSessionAsync(SHA256.HashData(id), time.GetUtcNow(), ct).ConfigureAwait(false);
    }
}

/// <summary>The secure reader's link: a secure message's access.</summary>
internal sealed class SecureAccessGate(ISecureMessageStore store, string accessId) : ICodeGate
{
    public string Id => accessId;

    public Task SaveCodeAsync(byte[] codeHash, byte[] salt, DateTimeOffset expiresAt, CancellationToken ct) =>
        store.SaveCodeAsync(accessId, codeHash, salt, expiresAt, ct);

    public Task<CodeAttempt?> BeginAttemptAsync(int maxAttempts, DateTimeOffset now, CancellationToken ct) =>
        store.BeginCodeAttemptAsync(accessId, maxAttempts, now, ct);

    public async Task<bool> IsLockedAsync(int maxAttempts, CancellationToken ct)
    {
        var current = await store.GetAccessAsync(accessId, ct).ConfigureAwait(false);
        return current is null || current.LockedAt is not null || current.FailedAttempts >= maxAttempts;
    }

    public Task<bool> LockIfExhaustedAsync(int maxAttempts, DateTimeOffset now, CancellationToken ct) =>
        store.LockIfExhaustedAsync(accessId, maxAttempts, now, ct);

    public Task<bool> ConsumeAsync(byte[] codeHash, DateTimeOffset now, CancellationToken ct) =>
        store.ConsumeCodeAsync(accessId, codeHash, now, ct);

    public Task CreateSessionAsync(byte[] sessionHash, DateTimeOffset expiresAt, CancellationToken ct) =>
        store.CreateSessionAsync(sessionHash, accessId, expiresAt, ct);

    public async Task<bool> HasSessionAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken ct) =>
        string.Equals(await store.FindSessionAsync(sessionHash, now, ct).ConfigureAwait(false), accessId, StringComparison.Ordinal);
}
