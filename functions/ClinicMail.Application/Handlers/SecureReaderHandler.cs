using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ClinicMail.Application.Hosting;
using ClinicMail.Application.Secure;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Mail;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Secure;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using static ClinicMail.Application.Secure.ReaderPage;

namespace ClinicMail.Application.Handlers;

/// <summary>The patient's secure reader (Rule 6): « le patient prouve qu'il possède l'adresse
/// inscrite » with a one-time code sent to that address only, then reads, downloads and replies
/// within a short session. Every step is audited with ids only. Pages are plain HTML forms (no
/// script) served under a strict Content-Security-Policy.</summary>
public sealed partial class SecureReaderHandler(
    ISecureMessageStore store,
    EnvelopeEncryptor encryptor,
    IPatientDirectory directory,
    IMailSender mail,
    IAuditWriter audit,
    OneTimeCodeKey codeKey,
    IOptions<SecureOptions> secureOptions,
    IOptions<LimitsOptions> limits,
    IOptions<ClinicMailOptions> clinic,
    TimeProvider time,
    ILogger<SecureReaderHandler> logger)
{
    /// <summary>The session cookie. The __Host- prefix makes the browser require Secure, Path=/ and
    /// no Domain: the cookie cannot be set or widened by another host. Browsers treat
    /// http://localhost as a secure context, so the embedded default keeps Secure too.</summary>
    public const string SessionCookie = "__Host-clinicmail-reader";

    private SecureOptions Secure => secureOptions.Value;

    public async Task<IResult> LandingAsync(string token, string? lang, bool sent, bool replied, HttpContext http, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, lang, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var access = state!.Access;
        if (await HasSessionAsync(http, access.Id, ct).ConfigureAwait(false))
        {
            return await MessagePageAsync(state, replied ? ReaderTexts.ReplySent : null, null, ct).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var body = new StringBuilder();
        body.Append(Paragraph(ReaderTexts.LandingBody, state.Lang));
        var pending = access.CodeHash is not null && access.CodeExpiresAt > now;
        if (sent && pending)
        {
            body.Append(Paragraph(ReaderTexts.CodeSent((int)Secure.CodeLifetime.TotalMinutes), state.Lang, "code-sent", "notice"));
        }

        if (pending)
        {
            body.Append(CodeForm(state, null, focus: sent));
        }

        body.Append(SendCodeForm(state, pending));
        return Html(200, state.Lang, ReaderTexts.LandingTitle, body.ToString(), state.Toggle(""));
    }

    public async Task<IResult> SendCodeAsync(string token, string? lang, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, lang, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var access = state!.Access;
        // The code goes to the registered address only, and only while it is still registered to
        // the same patient: a patient who changed address since the message was sent is not mailed.
        var registered = await directory.FindByAddressesAsync([access.Address], ct).ConfigureAwait(false);
        if (!registered.TryGetValue(access.Address, out var matches) || !matches.Any(m => access.PatientIds.Contains(m.Patient.Id, StringComparer.Ordinal)))
        {
            logger.LogWarning("Secure access {AccessId}: address no longer registered to its patient; no code sent", access.Id);
            return Html(403, state.Lang, ReaderTexts.AddressChangedTitle, Paragraph(ReaderTexts.AddressChanged, state.Lang, "address-changed", "error"), null);
        }

        var code = SecretTokens.NewCode(Secure.CodeDigits);
        var salt = RandomNumberGenerator.GetBytes(16);
        var expires = time.GetUtcNow().Add(Secure.CodeLifetime);
        await store.SaveCodeAsync(access.Id, codeKey.Hash(code, salt, access.Id), salt, expires, ct).ConfigureAwait(false);
        var minutes = (int)Secure.CodeLifetime.TotalMinutes;
        var text = new LocalizedText(
            $"Votre code ClinicMail : {code}\n\nIl expire dans {minutes} minutes. Ne le communiquez à personne : votre clinique ne vous le demandera jamais.\nSi vous n'avez rien demandé, ignorez ce courriel.",
            $"Your ClinicMail code: {code}\n\nIt expires in {minutes} minutes. Do not share it with anyone: your clinic will never ask you for it.\nIf you did not ask for it, ignore this e-mail.");
        await mail.SendAsync(new OutgoingMail
        {
            To = access.Address,
            Subject = state.Lang == "en" ? "Your ClinicMail code" : "Votre code ClinicMail",
            TextBody = text.For(state.Lang) + "\n\n----\n\n" + text.For(state.Lang == "en" ? "fr" : "en"),
            Kind = "secure-code",
            Language = state.Lang,
        }, ct).ConfigureAwait(false);
        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.SecureCodeSent,
            ActorObjectId = "patient:" + access.Id,
            SubjectId = access.MessageId,
            Data = new Dictionary<string, object?> { ["accessId"] = access.Id, ["patientIds"] = access.PatientIds, ["codesSent"] = access.CodesSent + 1 },
        }, ct).ConfigureAwait(false);
        return new SeeOtherResult(state.Href("", "sent=1"));
    }

    public async Task<IResult> VerifyAsync(string token, string? lang, string? code, HttpContext http, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, lang, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var access = state!.Access;
        var now = time.GetUtcNow();
        // Counted (and the lock checked) before comparing, in one atomic statement: concurrent attempts
        // can never exceed the limit (issue 22).
        var attempt = await store.BeginCodeAttemptAsync(access.Id, Secure.MaxCodeAttempts, now, ct).ConfigureAwait(false);
        if (attempt is null)
        {
            var current = await store.GetAccessAsync(access.Id, ct).ConfigureAwait(false);
            if (current is null || current.LockedAt is not null || current.FailedAttempts >= Secure.MaxCodeAttempts)
            {
                return Locked(state.Lang);
            }

            var body = Paragraph(ReaderTexts.CodeExpired, state.Lang, "code-expired", "error") + SendCodeForm(state, pending: true);
            return Html(400, state.Lang, ReaderTexts.LandingTitle, body, state.Toggle(""));
        }

        if (!codeKey.Matches(code, attempt.CodeSalt, access.Id, attempt.CodeHash))
        {
            var attempts = attempt.Attempt;
            await audit.AppendAsync(new AuditEntry
            {
                Event = AuditEventType.SecureCodeFailed,
                ActorObjectId = "patient:" + access.Id,
                SubjectId = access.MessageId,
                Data = new Dictionary<string, object?> { ["accessId"] = access.Id, ["attempts"] = attempts },
            }, ct).ConfigureAwait(false);
            if (attempts >= Secure.MaxCodeAttempts)
            {
                if (await store.LockIfExhaustedAsync(access.Id, Secure.MaxCodeAttempts, now, ct).ConfigureAwait(false))
                {
                    await audit.AppendAsync(new AuditEntry
                    {
                        Event = AuditEventType.SecureAccessLocked,
                        ActorObjectId = "patient:" + access.Id,
                        SubjectId = access.MessageId,
                        Data = new Dictionary<string, object?> { ["accessId"] = access.Id, ["attempts"] = attempts },
                    }, ct).ConfigureAwait(false);
                }

                return Locked(state.Lang);
            }

            var body = Paragraph(ReaderTexts.WrongCode(Secure.MaxCodeAttempts - attempts), state.Lang, "code-wrong", "error", "code-error") + CodeForm(state, "code-error", focus: true) + SendCodeForm(state, pending: true);
            return Html(400, state.Lang, ReaderTexts.LandingTitle, body, state.Toggle(""));
        }

        // Consumed by compare-and-swap: of two requests with the right code, one opens the message.
        if (!await store.ConsumeCodeAsync(access.Id, attempt.CodeHash, now, ct).ConfigureAwait(false))
        {
            var body = Paragraph(ReaderTexts.CodeExpired, state.Lang, "code-expired", "error") + SendCodeForm(state, pending: true);
            return Html(400, state.Lang, ReaderTexts.LandingTitle, body, state.Toggle(""));
        }

        var sessionId = RandomNumberGenerator.GetBytes(32);
        var cookieValue = Base64Url.EncodeToString(sessionId);
        await store.CreateSessionAsync(SHA256.HashData(sessionId), access.Id, now.Add(Secure.SessionLifetime), ct).ConfigureAwait(false);
        http.Response.Cookies.Append(SessionCookie, cookieValue, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict,
            Path = "/",
            MaxAge = Secure.SessionLifetime,
            IsEssential = true,
        });
        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.SecureMessageOpened,
            ActorObjectId = "patient:" + access.Id,
            SubjectId = access.MessageId,
            Data = new Dictionary<string, object?> { ["accessId"] = access.Id, ["patientIds"] = access.PatientIds, ["firstOpen"] = access.OpenedAt is null },
        }, ct).ConfigureAwait(false);
        return new SeeOtherResult(state.Href("", null));
    }

    public async Task<IResult> AttachmentAsync(string token, int index, string? lang, HttpContext http, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, lang, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (!await HasSessionAsync(http, state!.Access.Id, ct).ConfigureAwait(false))
        {
            return Html(401, state.Lang, ReaderTexts.LandingTitle, Paragraph(ReaderTexts.SessionEnded, state.Lang, "session-ended", "error") + SendCodeForm(state, false), state.Toggle(""));
        }

        var (content, error) = await DecryptAsync(state, ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (index < 0 || index >= content!.Attachments.Count)
        {
            return Html(404, state.Lang, ReaderTexts.InvalidTitle, Paragraph(ReaderTexts.AttachmentMissing, state.Lang, null, "error"), null);
        }

        var attachment = content.Attachments[index];
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(attachment.Name);
        http.Response.Headers.ContentDisposition = disposition.ToString();
        // A downloaded file is never rendered in our origin: attachment disposition, nosniff (global),
        // and a sandbox policy in case a browser shows it anyway.
        http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        http.Response.Headers.CacheControl = "no-store";
        var type = MediaTypeHeaderValue.TryParse(attachment.ContentType, out var parsed) && parsed.MediaType.HasValue ? parsed.MediaType.Value! : "application/octet-stream";
        return Results.Bytes(attachment.Content.ToArray(), type);
    }

    public async Task<IResult> ReplyAsync(string token, string? lang, string? body, HttpContext http, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, lang, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var access = state!.Access;
        if (!await HasSessionAsync(http, access.Id, ct).ConfigureAwait(false))
        {
            return Html(401, state.Lang, ReaderTexts.LandingTitle, Paragraph(ReaderTexts.SessionEnded, state.Lang, "session-ended", "error") + SendCodeForm(state, false), state.Toggle(""));
        }

        var text = (body ?? "").Trim();
        var max = limits.Value.MaxSecureReplyChars;
        if (text.Length == 0 || text.Length > max)
        {
            return await MessagePageAsync(state, null, ReaderTexts.ReplyInvalid(max), ct, 400).ConfigureAwait(false);
        }

        var reply = new SecureReply { Id = "smr_" + Guid.CreateVersion7().ToString("N"), MessageId = access.MessageId, AccessId = access.Id, CreatedAt = time.GetUtcNow() };
        // The reply is its own envelope with its own data key, bound to the physician who owns the message.
        var envelope = await encryptor.EncryptAsync(
            new EnvelopeContent { Subject = "", Body = text, Format = BodyFormat.Text },
            new EnvelopeBinding { MessageId = reply.Id, Recipients = [state.Message.OwnerBinding] }, ct).ConfigureAwait(false);
        await store.AddReplyAsync(reply, envelope, ct).ConfigureAwait(false);
        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.SecureReplyCreated,
            ActorObjectId = "patient:" + access.Id,
            SubjectId = access.MessageId,
            Data = new Dictionary<string, object?> { ["accessId"] = access.Id, ["replyId"] = reply.Id, ["patientIds"] = access.PatientIds, ["ciphertextBytes"] = envelope.Ciphertext.Length },
        }, ct).ConfigureAwait(false);

        if (state.Message.NotifyAddress is { } physician)
        {
            var link = clinic.Value.PublicBaseUrl.TrimEnd('/') + "/api/v1/secure-messages/" + access.MessageId;
            var notification = new LocalizedText(
                $"Un patient a répondu de façon sécurisée à votre message {access.MessageId}. Le contenu n'est pas dans ce courriel : ouvrez-le dans ClinicMail après vous être connecté.\n\n{link}",
                $"A patient replied securely to your message {access.MessageId}. The content is not in this e-mail: open it in ClinicMail after signing in.\n\n{link}");
            try
            {
                await mail.SendAsync(new OutgoingMail
                {
                    To = physician,
                    Subject = "ClinicMail : réponse sécurisée / secure reply",
                    TextBody = notification.Fr + "\n\n----\n\n" + notification.En,
                    Kind = "secure-reply",
                }, ct).ConfigureAwait(false);
            }
            catch (MailSendException ex)
            {
                // The reply is stored and audited; a failed notification must not lose it.
                logger.LogWarning("Reply {ReplyId}: physician notification failed ({Failure})", reply.Id, ex.GetType().Name);
            }
        }

        return new SeeOtherResult(state.Href("", "replied=1"));
    }

    /// <summary>The reader's page for an error that has no page of its own (a 4xx from the edge: wrong
    /// method, no form, a refused path), with the status kept.</summary>
    public static IResult ErrorPage(int status, string lang) =>
        Html(status, lang, ReaderTexts.BadRequestTitle, Paragraph(ReaderTexts.BadRequest, lang, "bad-request", "error"), null);

    private async Task<(ReaderState? State, IResult? Failure)> OpenAsync(string token, string? lang, CancellationToken ct)
    {
        var requested = lang is "fr" or "en" ? lang : null;
        if (!SecretTokens.LooksLikeToken(token))
        {
            return (null, Invalid(requested ?? "fr"));
        }

        var access = await store.FindAccessByTokenHashAsync(SecretTokens.Hash(token), ct).ConfigureAwait(false);
        if (access is null)
        {
            return (null, Invalid(requested ?? "fr"));
        }

        var chosen = requested ?? access.Language;
        var message = await store.GetMessageAsync(access.MessageId, ct).ConfigureAwait(false);
        if (message is null)
        {
            return (null, Invalid(chosen));
        }

        if (message.Status == SecureMessageStatus.Revoked)
        {
            return (null, Html(410, chosen, ReaderTexts.RevokedTitle, Paragraph(ReaderTexts.Revoked, chosen, "revoked", "error"), null));
        }

        if (!message.IsReadableAt(time.GetUtcNow()))
        {
            return (null, Html(410, chosen, ReaderTexts.ExpiredTitle, Paragraph(ReaderTexts.Expired, chosen, "expired", "error"), null));
        }

        if (access.LockedAt is not null)
        {
            return (null, Locked(chosen));
        }

        return (new ReaderState(token, access, message, chosen), null);
    }

    private async Task<bool> HasSessionAsync(HttpContext http, string accessId, CancellationToken ct)
    {
        if (!http.Request.Cookies.TryGetValue(SessionCookie, out var value) || value is null || value.Length > 64)
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

        var owner = await store.FindSessionAsync(SHA256.HashData(id), time.GetUtcNow(), ct).ConfigureAwait(false);
        // A session opens only the access it was created for: another link needs its own code.
        return string.Equals(owner, accessId, StringComparison.Ordinal);
    }

    private async Task<(EnvelopeContent? Content, IResult? Error)> DecryptAsync(ReaderState state, CancellationToken ct)
    {
        var envelope = await store.GetEnvelopeAsync(state.Message.Id, ct).ConfigureAwait(false);
        if (envelope is null)
        {
            return (null, Html(410, state.Lang, ReaderTexts.ExpiredTitle, Paragraph(ReaderTexts.Expired, state.Lang, "expired", "error"), null));
        }

        try
        {
            var content = await encryptor.DecryptAsync(envelope, new EnvelopeBinding { MessageId = state.Message.Id, Recipients = state.Message.Recipients }, ct).ConfigureAwait(false);
            return (content, null);
        }
        catch (EnvelopeException ex)
        {
            // Fail closed: nothing of an envelope that does not verify is shown (never garbage).
            logger.LogError("Secure message {MessageId} did not decrypt: {Failure}", state.Message.Id, ex.GetType().Name);
            return (null, Html(500, state.Lang, ReaderTexts.UnreadableTitle, Paragraph(ReaderTexts.Unreadable, state.Lang, "unreadable", "error"), null));
        }
        catch (KeyProviderException ex)
        {
            logger.LogError("Secure message {MessageId}: key provider {Failure}", state.Message.Id, ex.Failure);
            var status = ex.Failure is KeyProviderFailure.Unavailable or KeyProviderFailure.Throttled ? 503 : 500;
            return (null, Html(status, state.Lang, ReaderTexts.UnavailableTitle, Paragraph(ReaderTexts.Unavailable, state.Lang, "unavailable", "error"), null));
        }
    }

}
