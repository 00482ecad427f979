using System.Text;
using ClinicMail.Application.Configuration;
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
    OneTimeCodeFlow codes,
    IOptions<SecureOptions> secureOptions,
    IOptions<LimitsOptions> limits,
    IOptions<ClinicMailOptions> clinic,
    TimeProvider time,
    ILogger<SecureReaderHandler> logger)
{
    /// <summary>The session cookie (set by <see cref="OneTimeCodeFlow"/>: __Host-, HttpOnly, Secure,
    /// SameSite=Strict). Its own name, so a reader session never opens a consent page.</summary>
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
        if (await HasSessionAsync(http, access, ct).ConfigureAwait(false))
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

        await codes.SendCodeAsync(Gate(access), access.Address, state.Lang, "secure-code", ct).ConfigureAwait(false);
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
        var check = await codes.VerifyAsync(Gate(access), code, http, SessionCookie, ct).ConfigureAwait(false);
        if (check.Verdict is CodeVerdict.Wrong or CodeVerdict.Exhausted)
        {
            await audit.AppendAsync(new AuditEntry
            {
                Event = AuditEventType.SecureCodeFailed,
                ActorObjectId = "patient:" + access.Id,
                SubjectId = access.MessageId,
                Data = new Dictionary<string, object?> { ["accessId"] = access.Id, ["attempts"] = check.Attempts },
            }, ct).ConfigureAwait(false);
        }

        if (check.LockedNow)
        {
            await audit.AppendAsync(new AuditEntry
            {
                Event = AuditEventType.SecureAccessLocked,
                ActorObjectId = "patient:" + access.Id,
                SubjectId = access.MessageId,
                Data = new Dictionary<string, object?> { ["accessId"] = access.Id, ["attempts"] = check.Attempts },
            }, ct).ConfigureAwait(false);
        }

        switch (check.Verdict)
        {
            case CodeVerdict.Locked or CodeVerdict.Exhausted:
                return Locked(state.Lang);
            case CodeVerdict.NoCode:
                return Html(400, state.Lang, ReaderTexts.LandingTitle, Paragraph(ReaderTexts.CodeExpired, state.Lang, "code-expired", "error") + SendCodeForm(state, pending: true), state.Toggle(""));
            case CodeVerdict.Wrong:
                var wrong = Paragraph(ReaderTexts.WrongCode(Secure.MaxCodeAttempts - check.Attempts), state.Lang, "code-wrong", "error", "code-error") + CodeForm(state, "code-error", focus: true) + SendCodeForm(state, pending: true);
                return Html(400, state.Lang, ReaderTexts.LandingTitle, wrong, state.Toggle(""));
        }

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

        if (!await HasSessionAsync(http, state!.Access, ct).ConfigureAwait(false))
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
        if (!await HasSessionAsync(http, access, ct).ConfigureAwait(false))
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

    private Task<bool> HasSessionAsync(HttpContext http, SecureAccess access, CancellationToken ct) =>
        codes.HasSessionAsync(Gate(access), http, SessionCookie, ct);

    private SecureAccessGate Gate(SecureAccess access) => new(store, access.Id);

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
