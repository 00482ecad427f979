using System.Globalization;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Application.Secure;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using CryptoBodyFormat = ClinicMail.Core.Crypto.BodyFormat;

namespace ClinicMail.Application.Handlers;

/// <summary>The physician's side of secure delivery (Rule 6): create, status, revoke, expiry.</summary>
public sealed partial class SecureMessageHandler(
    ISecureMessageStore store,
    EnvelopeEncryptor encryptor,
    IPatientDirectory directory,
    IAuditReader auditReader,
    IAuditWriter audit,
    Core.Mail.IMailSender mail,
    IOptions<ClinicMailOptions> options,
    IOptions<LimitsOptions> limits,
    IOptions<SecureOptions> secure,
    DraftFingerprint fingerprint,
    TimeProvider time,
    ILogger<SecureMessageHandler> logger)
{
    public async Task<Created<SecureMessageCreated>> CreateAsync(SecureMessageRequest request, Actor actor, string? notifyAddress, CancellationToken cancellationToken)
    {
        using var activity = ClinicMailTelemetry.StartSecureDelivery();
        var check = await RequireOwnRecentCheckAsync(request.CheckId, actor, cancellationToken).ConfigureAwait(false);
        var attachments = DecodeAttachments(request.Attachments);
        var notCarried = await RequireGateAsync(check, request, actor, cancellationToken).ConfigureAwait(false);
        var recipients = await EligibleRecipientsAsync(request.Recipients, cancellationToken).ConfigureAwait(false);

        var now = time.GetUtcNow();
        var days = request.ExpiresInDays ?? secure.Value.DefaultExpiryDays;
        var message = new SecureMessage
        {
            Id = "sm_" + Guid.CreateVersion7().ToString("N"),
            OwnerTenantId = actor.TenantId,
            OwnerObjectId = actor.ObjectId,
            CheckId = request.CheckId,
            CreatedAt = now,
            ExpiresAt = now.AddDays(days),
            Recipients = [.. recipients.Select(r => r.Address)],
            NotifyAddress = notifyAddress ?? NullIfEmpty(secure.Value.NotifyFallbackAddress),
        };
        var content = new EnvelopeContent
        {
            Subject = request.Subject,
            Body = request.Body,
            Format = request.BodyFormat == "html" ? CryptoBodyFormat.Html : CryptoBodyFormat.Text,
            Attachments = attachments,
        };
        var envelope = await encryptor.EncryptAsync(content, new EnvelopeBinding { MessageId = message.Id, Recipients = message.Recipients }, cancellationToken).ConfigureAwait(false);

        var accesses = new List<SecureAccess>();
        var hashes = new List<byte[]>();
        var deliveries = new List<(SecureAccess Access, string Link)>();
        foreach (var recipient in recipients)
        {
            var token = SecretTokens.NewLinkToken();
            var access = new SecureAccess
            {
                Id = "sa_" + Guid.CreateVersion7().ToString("N"),
                MessageId = message.Id,
                Address = recipient.Address,
                PatientIds = recipient.PatientIds,
                Language = recipient.Language,
            };
            accesses.Add(access);
            hashes.Add(SecretTokens.Hash(token));
            deliveries.Add((access, LinkFor(token)));
        }

        await store.CreateAsync(message, envelope, accesses, hashes, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.SecureMessageCreated,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            CheckId = request.CheckId,
            SubjectId = message.Id,
            Data = new Dictionary<string, object?>
            {
                ["patientIds"] = recipients.SelectMany(r => r.PatientIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                ["accessIds"] = accesses.Select(a => a.Id).ToList(),
                ["recipientCount"] = recipients.Count,
                ["attachmentCount"] = attachments.Count,
                ["ciphertextBytes"] = envelope.Ciphertext.Length,
                ["expiresInDays"] = days,
                ["bodyFormat"] = request.BodyFormat,
                ["kekId"] = envelope.Key.WrappedKey.KeyId,
            },
        }, cancellationToken).ConfigureAwait(false);

        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        var single = deliveries.Count == 1;
        if (!single)
        {
            // Several patients: each gets their own link by a separate mail from ClinicMail, so a
            // link never reaches anyone but the address it is bound to.
            foreach (var (access, link) in deliveries)
            {
                var personal = SecureNotice.For(link, message.ExpiresAt, zone);
                await mail.SendAsync(new Core.Mail.OutgoingMail
                {
                    To = access.Address,
                    Subject = access.Language == "en" ? "Secure message from your clinic" : "Message sécurisé de votre clinique",
                    TextBody = personal.Text.For(access.Language) + "\n\n----\n\n" + personal.Text.For(access.Language == "en" ? "fr" : "en"),
                    HtmlBody = personal.Html.For(access.Language) + "<hr>" + personal.Html.For(access.Language == "en" ? "fr" : "en"),
                    Kind = "secure-notice",
                    Language = access.Language,
                }, cancellationToken).ConfigureAwait(false);
            }
        }

        var notice = SecureNotice.For(single ? deliveries[0].Link : null, message.ExpiresAt, zone);
        logger.LogInformation("Secure message {MessageId} created for {RecipientCount} recipients, {AttachmentCount} attachments", message.Id, recipients.Count, attachments.Count);
        ClinicMailTelemetry.RecordSecureDelivery(activity, recipients.Count, attachments.Count, single ? 0 : deliveries.Count, request.BodyFormat == "html" ? "html" : "text");
        return TypedResults.Created($"/api/v1/secure-messages/{message.Id}", new SecureMessageCreated
        {
            MessageId = message.Id,
            Link = single ? deliveries[0].Link : ReaderBase(),
            Notice = new NoticeDto(notice.Html, notice.Text),
            ExpiresAt = message.ExpiresAt,
            Deliveries = [.. deliveries.Select(d => new SecureDeliveryDto(d.Access.Address, d.Access.PatientIds, d.Link, !single))],
            AttachmentsNotCarried = notCarried,
        });
    }

    public async Task<Ok<SecureMessageStatusDto>> StatusAsync(string messageId, Actor actor, CancellationToken cancellationToken)
    {
        var message = await OwnMessageAsync(messageId, actor, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(await StatusOfAsync(message, decryptReplies: true, cancellationToken).ConfigureAwait(false));
    }

    public async Task<Ok<SecureMessageStatusDto>> RevokeAsync(string messageId, Actor actor, CancellationToken cancellationToken)
    {
        var message = await OwnMessageAsync(messageId, actor, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var keys = await store.CloseAndShredAsync(message.Id, SecureMessageStatus.Revoked, now, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiProblemException(409, "secure_message_closed", Texts.ClosedTitle, Texts.Closed);
        await audit.AppendAsync(new AuditEntry { Event = AuditEventType.SecureMessageRevoked, ActorTenantId = actor.TenantId, ActorObjectId = actor.ObjectId, SubjectId = message.Id }, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.SecureMessageShredded,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            SubjectId = message.Id,
            Data = new Dictionary<string, object?> { ["keysDestroyed"] = keys, ["reason"] = "revoked" },
        }, cancellationToken).ConfigureAwait(false);
        var closed = await store.GetMessageAsync(message.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(await StatusOfAsync(closed!, decryptReplies: false, cancellationToken).ConfigureAwait(false));
    }

    public async Task<Ok<SecureMessageStatusDto>> ChangeExpiryAsync(string messageId, ExpiryChangeRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var message = await OwnMessageAsync(messageId, actor, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var requested = request.ExpiresAt!.Value.ToUniversalTime();
        var max = message.CreatedAt.AddDays(secure.Value.MaxExpiryDays);
        if (requested <= now || requested > max)
        {
            throw new ApiProblemException(400, "expiry_out_of_range", ProblemTexts.ValidationTitle, Texts.ExpiryRange(secure.Value.MaxExpiryDays),
                new Dictionary<string, object?> { ["limit"] = "MaxExpiryDays", ["maximum"] = max, ["minimum"] = now });
        }

        if (!message.IsReadableAt(now) || !await store.UpdateExpiryAsync(message.Id, requested, cancellationToken).ConfigureAwait(false))
        {
            throw new ApiProblemException(409, "secure_message_closed", Texts.ClosedTitle, Texts.Closed);
        }

        await audit.AppendAsync(new AuditEntry
        {
            Event = AuditEventType.SecureExpiryChanged,
            ActorTenantId = actor.TenantId,
            ActorObjectId = actor.ObjectId,
            SubjectId = message.Id,
            Data = new Dictionary<string, object?>
            {
                ["change"] = requested < message.ExpiresAt ? "shortened" : "extended",
                ["hoursFromCreation"] = (long)Math.Round((requested - message.CreatedAt).TotalHours),
            },
        }, cancellationToken).ConfigureAwait(false);
        var updated = await store.GetMessageAsync(message.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(await StatusOfAsync(updated!, decryptReplies: false, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Another physician's message is reported exactly like a missing one.</summary>
    private async Task<SecureMessage> OwnMessageAsync(string messageId, Actor actor, CancellationToken cancellationToken)
    {
        var message = messageId.Length <= 100 ? await store.GetMessageAsync(messageId, cancellationToken).ConfigureAwait(false) : null;
        if (message is null || message.OwnerTenantId != actor.TenantId || message.OwnerObjectId != actor.ObjectId)
        {
            throw new ApiProblemException(404, "secure_message_not_found", ProblemTexts.NotFoundTitle, Texts.NotFound);
        }

        return message;
    }

    /// <summary>Secure delivery fixes SECURE_DELIVERY_REQUIRED only (<see cref="SecureSendGate"/>): the content must
    /// be the checked content and every other blocking reason overridden. Returns the attachments not carried.</summary>
    private async Task<int> RequireGateAsync(AuditRecord check, SecureMessageRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var facts = await SecureSendFacts.ReadAsync(auditReader, check, request.OverrideCheckId, actor, secure.Value.CheckWindow, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var sent = SecureSendFacts.BindingOf(request, fingerprint);
        var verdict = SecureSendGate.Decide(facts.Binding, facts.Blocking, facts.Overridden, sent);
        if (!verdict.Allowed)
        {
            throw SecureSendFacts.Problem(verdict);
        }

        return facts.Binding.AttachmentsNotFile + Math.Max(0, facts.Binding.AttachmentHmacs.Count + facts.Binding.AttachmentsWithoutContent - sent.AttachmentHmacs.Count);
    }

    private async Task<AuditRecord> RequireOwnRecentCheckAsync(string checkId, Actor actor, CancellationToken cancellationToken)
    {
        var check = await auditReader.FindByCheckIdAsync(checkId, AuditEventType.CheckPerformed, cancellationToken).ConfigureAwait(false);
        if (check is null || check.ActorTenantId != actor.TenantId || check.ActorObjectId != actor.ObjectId)
        {
            throw new ApiProblemException(404, "check_not_found", ProblemTexts.NotFoundTitle, Texts.CheckNotFound);
        }

        if (time.GetUtcNow() - check.At > secure.Value.CheckWindow)
        {
            throw new ApiProblemException(409, "check_expired", Texts.ClosedTitle, Texts.CheckExpired(secure.Value.CheckWindow));
        }

        return check;
    }

    private List<EnvelopeAttachment> DecodeAttachments(IReadOnlyList<SecureAttachmentRequest>? requested)
    {
        var result = new List<EnvelopeAttachment>();
        long total = 0;
        var max = limits.Value.MaxSecureAttachmentBytes;
        for (var i = 0; i < (requested?.Count ?? 0); i++)
        {
            var attachment = requested![i];
            // Decoded size from the base64 length, before decoding: a huge value is refused without allocating it.
            var estimated = (long)attachment.ContentBase64.Length / 4 * 3;
            if (estimated > max + 3)
            {
                throw TooLarge("MaxSecureAttachmentBytes", max, i);
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(attachment.ContentBase64);
            }
            catch (FormatException)
            {
                throw new ApiProblemException(400, "invalid_attachment", ProblemTexts.ValidationTitle, Texts.BadBase64(i), new Dictionary<string, object?> { ["index"] = i });
            }

            if (bytes.LongLength > max)
            {
                throw TooLarge("MaxSecureAttachmentBytes", max, i);
            }

            total += bytes.LongLength;
            if (total > limits.Value.MaxSecureTotalBytes)
            {
                throw TooLarge("MaxSecureTotalBytes", limits.Value.MaxSecureTotalBytes, i);
            }

            result.Add(new EnvelopeAttachment { Name = attachment.Name, ContentType = attachment.ContentType, Content = bytes });
        }

        return result;
    }

    private sealed record EligibleRecipient(string Address, IReadOnlyList<string> PatientIds, string Language);

    /// <summary>Every recipient must be a registered patient whose consent allows e-mail now, at a
    /// personal address or a third-party one the patient consented to (Rule 1, Rule 4). The same
    /// resolver as the check decides, so the two cannot disagree.</summary>
    private async Task<List<EligibleRecipient>> EligibleRecipientsAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        var draft = new Draft { To = [.. addresses.Select(a => new DraftRecipient(a))] };
        var reports = await RecipientResolver.Default.ResolveAsync(draft, directory, options.Value.InternalDomains, ClinicClock.Today(time, options.Value), cancellationToken).ConfigureAwait(false);
        var refused = new List<Dictionary<string, object?>>();
        var eligible = new List<EligibleRecipient>();
        for (var i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            var ok = report.Status == RecipientStatus.ConsentedPatient
                || (report.Status == RecipientStatus.ThirdParty && report.ThirdPartyConsented == true);
            if (!ok)
            {
                refused.Add(new Dictionary<string, object?> { ["index"] = i, ["status"] = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(report.Status.ToString()) });
                continue;
            }

            if (eligible.Exists(e => e.Address == report.Address))
            {
                continue;
            }

            var language = report.Patients.Count > 0 && report.Patients[0].Language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "fr";
            eligible.Add(new EligibleRecipient(report.Address, report.PatientIds, language));
        }

        if (refused.Count > 0)
        {
            throw new ApiProblemException(400, "recipient_not_eligible", ProblemTexts.ValidationTitle, Texts.NotEligible, new Dictionary<string, object?> { ["recipients"] = refused });
        }

        return eligible;
    }

    private string ReaderBase() => options.Value.PublicBaseUrl.TrimEnd('/') + "/secure";

    private string LinkFor(string token) => ReaderBase() + "/" + token;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ApiProblemException TooLarge(string limit, long value, int index) =>
        new(413, "request_too_large", ProblemTexts.TooLargeTitle, ProblemTexts.TooLarge(limit, value),
            new Dictionary<string, object?> { ["limit"] = limit, ["maximum"] = value, ["index"] = index });

    private static class Texts
    {
        public static readonly LocalizedText ClosedTitle = new("Opération impossible.", "Operation not possible.");

        public static readonly LocalizedText Closed = new(
            "Ce message sécurisé est déjà retiré ou expiré; son contenu a été détruit.",
            "This secure message is already withdrawn or expired; its content was destroyed.");

        public static readonly LocalizedText NotFound = new("Aucun message sécurisé de ce numéro ne vous appartient.", "No secure message with this id belongs to you.");

        public static readonly LocalizedText CheckNotFound = new(
            "Aucune vérification de ce numéro ne vous appartient. Relancez la vérification du brouillon avant l'envoi sécurisé.",
            "No check with this id belongs to you. Check the draft again before sending it securely.");

        public static LocalizedText CheckExpired(TimeSpan window) => new(
            string.Create(CultureInfo.InvariantCulture, $"Cette vérification date de plus de {window.TotalMinutes:0} minutes. Relancez la vérification du brouillon."),
            string.Create(CultureInfo.InvariantCulture, $"This check is more than {window.TotalMinutes:0} minutes old. Check the draft again."));

        public static readonly LocalizedText NotEligible = new(
            "Un message sécurisé ne peut être envoyé qu'à des patients inscrits dont le consentement au courriel est valide, à leur adresse personnelle ou à une adresse de tiers qu'ils ont autorisée.",
            "A secure message can only go to registered patients with valid e-mail consent, at their personal address or a third-party address they authorised.");

        public static LocalizedText BadBase64(int index) => new(
            string.Create(CultureInfo.InvariantCulture, $"La pièce jointe {index} n'est pas encodée en base64 valide."),
            string.Create(CultureInfo.InvariantCulture, $"Attachment {index} is not valid base64."));

        public static LocalizedText ExpiryRange(int maxDays) => new(
            string.Create(CultureInfo.InvariantCulture, $"La date d'expiration doit être dans le futur et au plus {maxDays} jours après la création du message (limite MaxExpiryDays)."),
            string.Create(CultureInfo.InvariantCulture, $"The expiry must be in the future and at most {maxDays} days after the message was created (MaxExpiryDays limit)."));
    }
}
