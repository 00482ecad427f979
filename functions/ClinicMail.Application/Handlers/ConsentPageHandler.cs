using System.Globalization;
using System.Text;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Secure;
using ClinicMail.Core.Audit;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Secure;
using ClinicMail.Core.Topics;
using ClinicMail.Infrastructure.Pdf;
using Microsoft.Extensions.Options;
using static ClinicMail.Application.Secure.ReaderPage;

namespace ClinicMail.Application.Handlers;

/// <summary>The patient's consent page (issue 20): the secure reader's protections — random link
/// token, one-time code to the invited address, attempt limit and lock, short session cookie, rate
/// limits (the /secure paths), no script under a strict CSP, French and English — around the
/// policy text, the choice (all, some or none) and a signature matched against the registry.</summary>
public sealed class ConsentPageHandler(
    IInformedConsentStore consents,
    IPatientStore patients,
    IAuditWriter audit,
    OneTimeCodeFlow codes,
    ConsentNoteFiler notes,
    IOptions<SecureOptions> secureOptions,
    IOptions<ClinicMailOptions> clinic,
    TimeProvider time,
    ILogger<ConsentPageHandler> logger)
{
    /// <summary>Its own cookie, so a reader session never opens a consent page nor the reverse.</summary>
    public const string SessionCookie = "__Host-clinicmail-consent";

    private SecureOptions Secure => secureOptions.Value;

    public async Task<IResult> LandingAsync(string token, string? lang, bool sent, HttpContext http, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, lang, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (await HasSessionAsync(http, state!.Invitation, ct).ConfigureAwait(false))
        {
            return await ConsentPageAsync(state, null, null, 200, ct).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var pending = state.Invitation.CodeHash is not null && state.Invitation.CodeExpiresAt > now;
        var body = new StringBuilder(Paragraph(ConsentPageTexts.LandingBody, state.Lang));
        if (sent && pending)
        {
            body.Append(Paragraph(ReaderTexts.CodeSent((int)Secure.CodeLifetime.TotalMinutes), state.Lang, "code-sent", "notice"));
        }

        if (pending)
        {
            body.Append(CodeForm(state, null, focus: sent));
        }

        body.Append(SendCodeForm(state, pending));
        return Page(200, state, ConsentPageTexts.LandingTitle, body.ToString());
    }

    public async Task<IResult> SendCodeAsync(string token, string? lang, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, lang, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var invitation = state!.Invitation;
        await codes.SendCodeAsync(Gate(invitation), invitation.Address, state.Lang, "consent-code", ct).ConfigureAwait(false);
        await AuditAsync(AuditEventType.ConsentCodeSent, invitation, new() { ["codesSent"] = invitation.CodesSent + 1 }, ct).ConfigureAwait(false);
        return new SeeOtherResult(state.Href("", "sent=1"));
    }

    public async Task<IResult> VerifyAsync(string token, string? lang, string? code, HttpContext http, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, lang, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var invitation = state!.Invitation;
        var check = await codes.VerifyAsync(Gate(invitation), code, http, SessionCookie, ct).ConfigureAwait(false);
        if (check.Verdict is CodeVerdict.Wrong or CodeVerdict.Exhausted)
        {
            await AuditAsync(AuditEventType.ConsentCodeFailed, invitation, new() { ["attempts"] = check.Attempts }, ct).ConfigureAwait(false);
        }

        if (check.LockedNow)
        {
            await AuditAsync(AuditEventType.ConsentAccessLocked, invitation, new() { ["attempts"] = check.Attempts }, ct).ConfigureAwait(false);
        }

        switch (check.Verdict)
        {
            case CodeVerdict.Locked or CodeVerdict.Exhausted:
                return Locked(state.Lang);
            case CodeVerdict.NoCode:
                return Page(400, state, ConsentPageTexts.LandingTitle, Paragraph(ReaderTexts.CodeExpired, state.Lang, "code-expired", "error") + SendCodeForm(state, pending: true));
            case CodeVerdict.Wrong:
                var wrong = Paragraph(ReaderTexts.WrongCode(Secure.MaxCodeAttempts - check.Attempts), state.Lang, "code-wrong", "error", "code-error")
                    + CodeForm(state, "code-error", focus: true) + SendCodeForm(state, pending: true);
                return Page(400, state, ConsentPageTexts.LandingTitle, wrong);
        }

        return new SeeOtherResult(state.Href("", null));
    }

    /// <summary>The patient's answer: all, some or none of the uses offered, signed with the full
    /// name and date of birth of the registry. A mismatch ends the session: another try needs
    /// another code (rate-limited), so the date of birth cannot be guessed through this form.</summary>
    public async Task<IResult> SignAsync(string token, IFormCollection form, HttpContext http, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, form["lang"], ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var invitation = state!.Invitation;
        if (!await HasSessionAsync(http, invitation, ct).ConfigureAwait(false))
        {
            return SessionEnded(state);
        }

        if (invitation.AnsweredAt is not null)
        {
            return await ConsentPageAsync(state, null, null, 409, ct).ConfigureAwait(false);
        }

        var policy = await consents.CurrentPolicyAsync(ct).ConfigureAwait(false);
        var patient = await patients.GetAsync(invitation.PatientId, ct).ConfigureAwait(false);
        if (policy is null || patient is null)
        {
            return Page(409, state, ConsentPageTexts.LandingTitle, Paragraph(ConsentPageTexts.NoPolicy, state.Lang, "no-policy", "error"));
        }

        var choice = form["choice"].ToString();
        var uses = Parse<ConsentUse>(form["use"]);
        var categories = Parse<TopicCategory>(form["category"]);
        LocalizedText? error = choice switch
        {
            not ("all" or "some" or "none") => ConsentPageTexts.ChoiceMissing,
            _ when uses is null || categories is null => ConsentPageTexts.NotOffered,
            _ when uses!.Any(u => !policy.Policy.UsesOffered.Contains(u)) || categories!.Any(c => !policy.Policy.CategoriesOffered.Contains(c)) => ConsentPageTexts.NotOffered,
            "some" when uses.Count == 0 => ConsentPageTexts.SomeWithoutUse,
            _ => null,
        };
        if (error is not null)
        {
            return await ConsentPageAsync(state, null, error, 400, ct).ConfigureAwait(false);
        }

        var birthDate = await consents.BirthDateAsync(patient.Id, ct).ConfigureAwait(false);
        if (!SignatureMatches(patient, birthDate, form["fullName"], form["birthDate"]))
        {
            // Ids and a flag only: never the typed name or date.
            logger.LogWarning("Consent invitation {InvitationId}: signature did not match the registry; session ended", invitation.Id);
            await consents.EndSessionsAsync(invitation.Id, ct).ConfigureAwait(false);
            await AuditAsync(AuditEventType.ConsentCodeFailed, invitation, new() { ["signatureMismatch"] = true }, ct).ConfigureAwait(false);
            return Page(400, state, ConsentPageTexts.LandingTitle, FocusedError(ConsentPageTexts.SignatureMismatch, state.Lang, "signature-mismatch") + SendCodeForm(state, pending: false));
        }

        var refused = choice == "none";
        var scope = refused ? [] : choice == "all" ? policy.Policy.UsesOffered.ToList() : uses!.Distinct().ToList();
        var agreed = refused ? [] : categories!.Distinct().ToList();
        var now = time.GetUtcNow();
        var evidence = new ConsentEvidence
        {
            Id = ConsentEvidence.NewId(),
            PatientId = patient.Id,
            Method = ConsentMethod.ElectronicSignature,
            Status = refused ? ConsentStatus.Refused : ConsentStatus.Granted,
            PolicyVersion = policy.Version,
            PolicyHash = policy.Hash,
            Checklist = InformedConsentItems.All,
            Uses = scope,
            Categories = agreed,
            InvitationId = invitation.Id,
            AddressConfirmed = true,
            RecordedAt = now,
            RecordedBy = PatientActor(invitation).ObjectId,
        };

        // Compare-and-swap first: of two concurrent signatures through one link, one is recorded.
        if (!await consents.MarkAnsweredAsync(invitation.Id, evidence.Id, now, ct).ConfigureAwait(false))
        {
            return await ConsentPageAsync(state with { Invitation = (await consents.InvitationAsync(invitation.Id, ct).ConfigureAwait(false))! }, null, null, 409, ct).ConfigureAwait(false);
        }

        await consents.SaveEvidenceAsync(evidence, ct).ConfigureAwait(false);
        var today = ClinicClock.Today(time, clinic.Value);
        var wanted = patient with
        {
            Consent = new Consent
            {
                Status = evidence.Status,
                Method = ConsentMethod.ElectronicSignature,
                RecordedOn = today,
                RecordedBy = evidence.RecordedBy,
                DocumentReference = evidence.Id,
                Email = !refused,
                Uses = scope,
                Categories = agreed,
            },
            Addresses = ConfirmAddress(patient.Addresses, invitation.Address, today, addIfMissing: !refused),
        };
        var stored = await ConsentWriter.WriteAsync(patients, audit, patient, wanted, PatientActor(invitation), evidence, AuditEventType.ConsentSigned, ct).ConfigureAwait(false);
        await notes.FileAsync(stored, evidence, policy, ct).ConfigureAwait(false);
        logger.LogInformation("Consent invitation {InvitationId}: answer recorded for patient {PatientId}", invitation.Id, stored.Id);
        var answered = (await consents.InvitationAsync(invitation.Id, ct).ConfigureAwait(false))!;
        return await ConsentPageAsync(state with { Invitation = answered }, ConsentPageTexts.Signed, null, 200, ct).ConfigureAwait(false);
    }

    /// <summary>« retirer son consentement en tout temps »: the consent in force becomes revoked at
    /// once (the registry is what every check reads), and the link is spent.</summary>
    public async Task<IResult> WithdrawAsync(string token, string? lang, HttpContext http, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, lang, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var invitation = state!.Invitation;
        if (!await HasSessionAsync(http, invitation, ct).ConfigureAwait(false))
        {
            return SessionEnded(state);
        }

        var patient = await patients.GetAsync(invitation.PatientId, ct).ConfigureAwait(false);
        if (patient?.Consent is not { Status: ConsentStatus.Granted } consent)
        {
            return await ConsentPageAsync(state, null, ConsentPageTexts.NothingToWithdraw, 409, ct).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        if (!await consents.MarkWithdrawnAsync(invitation.Id, now, ct).ConfigureAwait(false))
        {
            return Gone(state.Lang, ConsentPageTexts.WithdrawnTitle, ConsentPageTexts.Withdrawn, "withdrawn");
        }

        var policy = await consents.CurrentPolicyAsync(ct).ConfigureAwait(false);
        var evidence = new ConsentEvidence
        {
            Id = ConsentEvidence.NewId(),
            PatientId = patient.Id,
            Method = ConsentMethod.ElectronicSignature,
            Status = ConsentStatus.Revoked,
            PolicyVersion = policy?.Version ?? 0,
            PolicyHash = policy?.Hash ?? "",
            InvitationId = invitation.Id,
            AddressConfirmed = true,
            RecordedAt = now,
            RecordedBy = PatientActor(invitation).ObjectId,
        };
        await consents.SaveEvidenceAsync(evidence, ct).ConfigureAwait(false);
        var wanted = patient with
        {
            Consent = consent with { Status = ConsentStatus.Revoked, RecordedOn = ClinicClock.Today(time, clinic.Value), RecordedBy = evidence.RecordedBy, DocumentReference = evidence.Id },
        };
        var withdrawn = await ConsentWriter.WriteAsync(patients, audit, patient, wanted, PatientActor(invitation), evidence, AuditEventType.ConsentWithdrawn, ct).ConfigureAwait(false);
        await notes.FileAsync(withdrawn, evidence, null, ct).ConfigureAwait(false);
        return Gone(state.Lang, ConsentPageTexts.WithdrawnTitle, ConsentPageTexts.Withdrawn, "withdrawn", 200);
    }

    /// <summary>The patient's copy of the answer, as a PDF.</summary>
    public async Task<IResult> CopyAsync(string token, string? lang, HttpContext http, CancellationToken ct)
    {
        var (state, failure) = await OpenAsync(token, lang, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (!await HasSessionAsync(http, state!.Invitation, ct).ConfigureAwait(false))
        {
            return SessionEnded(state);
        }

        var evidence = state.Invitation.EvidenceId is { } id ? await consents.EvidenceAsync(id, ct).ConfigureAwait(false) : null;
        var policy = evidence is null ? null : await consents.PolicyAsync(evidence.PolicyVersion, ct).ConfigureAwait(false);
        var patient = await patients.GetAsync(state.Invitation.PatientId, ct).ConfigureAwait(false);
        if (evidence is null || policy is null || patient is null)
        {
            return await ConsentPageAsync(state, null, null, 404, ct).ConfigureAwait(false);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(clinic.Value.TimeZone);
        var pdf = ConsentCopyPdf.Render(new ConsentCopy(
            state.Lang,
            patient.GivenName + " " + patient.FamilyName,
            SignedAtText(TimeZoneInfo.ConvertTime(evidence.RecordedAt, zone), state.Lang),
            evidence.Id,
            policy.Version,
            policy.Hash,
            AnswerText(evidence).For(state.Lang),
            [.. ConsentPolicyText.Render(policy.Policy, state.Lang).Select(s => (s.Heading, s.Paragraphs))],
            ConsentPageTexts.WithdrawHint.For(state.Lang)));
        return new ConsentPdfResult(pdf);
    }

    /// <summary>The signing time as the patient reads dates in their language (clinic time zone):
    /// « 7 décembre 2026 à 09 h 30 » / "December 7, 2026 at 9:30 AM".</summary>
    internal static string SignedAtText(DateTimeOffset local, string lang) => lang == "en"
        ? local.ToString("MMMM d, yyyy 'at' h:mm tt", CultureInfo.GetCultureInfo("en-CA"))
        : local.ToString("d MMMM yyyy 'à' HH 'h' mm", CultureInfo.GetCultureInfo("fr-CA"));

    private async Task<IResult> ConsentPageAsync(ConsentState state, LocalizedText? notice, LocalizedText? error, int status, CancellationToken ct)
    {
        var lang = state.Lang;
        var invitation = state.Invitation;
        var html = new StringBuilder();
        if (notice is not null)
        {
            html.Append(Paragraph(notice, lang, "notice", "notice"));
        }

        if (error is not null)
        {
            html.Append(FocusedError(error, lang, "form-error"));
        }

        if (invitation.EvidenceId is { } evidenceId && await consents.EvidenceAsync(evidenceId, ct).ConfigureAwait(false) is { } evidence)
        {
            html.Append("<section data-testid=\"answer\"><h2>").Append(T(ConsentPageTexts.AnsweredTitle, lang)).Append("</h2>")
                .Append(Paragraph(AnswerText(evidence), lang, "answer-text"))
                .Append("<p><a data-testid=\"copy\" href=\"").Append(E(state.Href("/copy.pdf", null))).Append("\">").Append(T(ConsentPageTexts.CopyLink, lang)).Append("</a></p></section>");
            if (evidence.Status == ConsentStatus.Granted)
            {
                html.Append("<section><h2>").Append(T(ConsentPageTexts.WithdrawTitle, lang)).Append("</h2>").Append(Paragraph(ConsentPageTexts.WithdrawHint, lang))
                    .Append("<form method=\"post\" action=\"").Append(E(ConsentPage.PathPrefix + state.Token + "/withdraw")).Append("\">")
                    .Append("<input type=\"hidden\" name=\"lang\" value=\"").Append(lang).Append("\">")
                    .Append("<button type=\"submit\" data-testid=\"withdraw\">").Append(T(ConsentPageTexts.Withdraw, lang)).Append("</button></form></section>");
            }

            return Page(status, state, ConsentPageTexts.LandingTitle, html.ToString());
        }

        var policy = await consents.CurrentPolicyAsync(ct).ConfigureAwait(false);
        if (policy is null)
        {
            return Page(409, state, ConsentPageTexts.LandingTitle, Paragraph(ConsentPageTexts.NoPolicy, lang, "no-policy", "error"));
        }

        html.Append("<section data-testid=\"policy\"><h2>").Append(T(ConsentPageTexts.PolicyTitle, lang)).Append("</h2>")
            .Append(Paragraph(ConsentPageTexts.PolicyVersion(policy.Version, policy.Hash), lang, "policy-version", "meta"));
        foreach (var section in ConsentPolicyText.Render(policy.Policy, lang))
        {
            html.Append("<h3>").Append(E(section.Heading)).Append("</h3>");
            foreach (var paragraph in section.Paragraphs)
            {
                html.Append("<p>").Append(E(paragraph)).Append("</p>");
            }
        }

        html.Append("</section>");
        var invalid = error is null ? "" : " aria-describedby=\"form-error\"";
        html.Append("<form method=\"post\" data-testid=\"consent-form\" action=\"").Append(E(ConsentPage.PathPrefix + state.Token + "/sign")).Append("\">")
            .Append("<input type=\"hidden\" name=\"lang\" value=\"").Append(lang).Append("\">")
            .Append("<h2>").Append(T(ConsentPageTexts.ChoiceTitle, lang)).Append("</h2>")
            .Append("<fieldset").Append(invalid).Append("><legend>").Append(T(ConsentPageTexts.ChoiceLegend, lang)).Append("</legend>");
        foreach (var (value, label) in new[] { ("all", ConsentPageTexts.ChoiceAll), ("some", ConsentPageTexts.ChoiceSome), ("none", ConsentPageTexts.ChoiceNone) })
        {
            html.Append("<div><input type=\"radio\" name=\"choice\" required id=\"choice-").Append(value).Append("\" value=\"").Append(value)
                .Append("\" data-testid=\"choice-").Append(value).Append("\"> <label for=\"choice-").Append(value).Append("\">").Append(T(label, lang)).Append("</label></div>");
        }

        html.Append("</fieldset><fieldset><legend>").Append(T(ConsentPageTexts.UsesLegend, lang)).Append("</legend>");
        foreach (var use in policy.Policy.UsesOffered)
        {
            var code = ConsentVocabulary.Code(use);
            html.Append("<div><input type=\"checkbox\" name=\"use\" id=\"use-").Append(code).Append("\" value=\"").Append(code).Append("\" data-testid=\"use-").Append(code)
                .Append("\"> <label for=\"use-").Append(code).Append("\">").Append(T(ConsentVocabulary.UseName(use), lang)).Append("</label></div>");
        }

        html.Append("</fieldset>");
        if (policy.Policy.CategoriesOffered.Count > 0)
        {
            html.Append("<fieldset><legend>").Append(T(ConsentPageTexts.CategoriesLegend, lang)).Append("</legend>");
            foreach (var category in policy.Policy.CategoriesOffered)
            {
                var code = ConsentVocabulary.Code(category);
                html.Append("<div><input type=\"checkbox\" name=\"category\" id=\"category-").Append(code).Append("\" value=\"").Append(code).Append("\" data-testid=\"category-").Append(code)
                    .Append("\"> <label for=\"category-").Append(code).Append("\">").Append(T(TopicNames.Of(category), lang)).Append("</label></div>");
            }

            html.Append("</fieldset>");
        }

        html.Append("<h2>").Append(T(ConsentPageTexts.SignTitle, lang)).Append("</h2>").Append(Paragraph(ConsentPageTexts.SignHint, lang, null, "meta"))
            .Append("<p><label for=\"fullName\">").Append(T(ConsentPageTexts.FullName, lang)).Append("</label><br><input type=\"text\" class=\"wide\" id=\"fullName\" name=\"fullName\" data-testid=\"full-name\" autocomplete=\"name\" maxlength=\"200\" required></p>")
            .Append("<p><label for=\"birthDate\">").Append(T(ConsentPageTexts.BirthDate, lang)).Append("</label><br><input type=\"text\" class=\"wide\" id=\"birthDate\" name=\"birthDate\" data-testid=\"birth-date\" autocomplete=\"bday\" inputmode=\"numeric\" maxlength=\"10\" required></p>")
            .Append("<p><button type=\"submit\" data-testid=\"sign\">").Append(T(ConsentPageTexts.Sign, lang)).Append("</button></p></form>");
        return Page(status, state, ConsentPageTexts.LandingTitle, html.ToString());
    }

    /// <summary>Name and date of birth as the registry has them: the name accent-, case- and
    /// spacing-insensitive, given-family or family-given; the date exactly (yyyy-MM-dd).</summary>
    internal static bool SignatureMatches(Patient patient, DateOnly? registered, string? typedName, string? typedDate)
    {
        if (registered is null || typedName is not { Length: > 0 and <= 200 } || typedDate is not { Length: 10 }
            || !DateOnly.TryParseExact(typedDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) || date != registered)
        {
            return false;
        }

        var typed = NameKey.Fold(typedName);
        return typed.Length > 0
            && (string.Equals(typed, NameKey.Fold(patient.GivenName + " " + patient.FamilyName), StringComparison.Ordinal)
                || string.Equals(typed, NameKey.Fold(patient.FamilyName + " " + patient.GivenName), StringComparison.Ordinal));
    }

    /// <summary>The invited address, verified as of today (added as personal when missing and consent was given).</summary>
    private static List<PatientAddress> ConfirmAddress(IReadOnlyList<PatientAddress> addresses, string address, DateOnly today, bool addIfMissing)
    {
        var list = addresses.ToList();
        var index = list.FindIndex(a => string.Equals(a.Address, address, StringComparison.Ordinal));
        if (index >= 0)
        {
            list[index] = list[index] with { VerifiedOn = today, VerificationMethod = "consent_code" };
        }
        else if (addIfMissing)
        {
            list.Add(new PatientAddress { Address = address, Kind = AddressKind.Personal, VerifiedOn = today, VerificationMethod = "consent_code" });
        }

        return list;
    }

    /// <summary>Values of a multi-valued form field in a vocabulary; null when one is not in it (or too many).</summary>
    private static List<TEnum>? Parse<TEnum>(Microsoft.Extensions.Primitives.StringValues values)
        where TEnum : struct, Enum
    {
        if (values.Count > 16)
        {
            return null;
        }

        var parsed = new List<TEnum>();
        foreach (var value in values)
        {
            if (!ConsentVocabulary.TryParse<TEnum>(value, out var item))
            {
                return null;
            }

            parsed.Add(item);
        }

        return parsed;
    }

    private static LocalizedText AnswerText(ConsentEvidence evidence)
    {
        if (evidence.Status != ConsentStatus.Granted)
        {
            return ConsentPageTexts.AnsweredRefused;
        }

        var names = evidence.Uses.Select(ConsentVocabulary.UseName).Concat(evidence.Categories.Select(TopicNames.Of)).ToList();
        return ConsentPageTexts.AnsweredGranted(string.Join(", ", names.Select(n => n.Fr))) with
        {
            En = ConsentPageTexts.AnsweredGranted(string.Join(", ", names.Select(n => n.En))).En,
        };
    }

    private static Actor PatientActor(ConsentInvitation invitation) => new("patient", "consent:" + invitation.Id);

    private Task AuditAsync(AuditEventType type, ConsentInvitation invitation, Dictionary<string, object?> data, CancellationToken ct)
    {
        data["invitationId"] = invitation.Id;
        return audit.AppendAsync(new AuditEntry { Event = type, ActorObjectId = "patient:" + invitation.Id, SubjectId = invitation.PatientId, Data = data }, ct);
    }

    private sealed record ConsentState(string Token, ConsentInvitation Invitation, string Lang)
    {
        public string Href(string suffix, string? query) => ConsentPage.PathPrefix + Token + suffix + "?lang=" + Lang + (query is null ? "" : "&" + query);

        public string Toggle() => ConsentPage.PathPrefix + Token + "?lang=" + (Lang == "fr" ? "en" : "fr");
    }

    private async Task<(ConsentState? State, IResult? Failure)> OpenAsync(string token, string? lang, CancellationToken ct)
    {
        var requested = lang is "fr" or "en" ? lang : null;
        var fallback = requested ?? "fr";
        if (!SecretTokens.LooksLikeToken(token))
        {
            return (null, Gone(fallback, ReaderTexts.InvalidTitle, ConsentPageTexts.Invalid, "invalid-link", 404));
        }

        var invitation = await consents.InvitationByTokenAsync(SecretTokens.Hash(token), ct).ConfigureAwait(false);
        if (invitation is null)
        {
            return (null, Gone(fallback, ReaderTexts.InvalidTitle, ConsentPageTexts.Invalid, "invalid-link", 404));
        }

        var chosen = requested ?? invitation.Language;
        if (invitation.WithdrawnAt is not null)
        {
            return (null, Gone(chosen, ConsentPageTexts.WithdrawnTitle, ConsentPageTexts.Withdrawn, "withdrawn"));
        }

        if (invitation.ExpiresAt <= time.GetUtcNow())
        {
            return (null, Gone(chosen, ConsentPageTexts.ExpiredTitle, ConsentPageTexts.Expired, "expired"));
        }

        if (invitation.LockedAt is not null)
        {
            return (null, Locked(chosen));
        }

        return (new ConsentState(token, invitation, chosen), null);
    }

    private Task<bool> HasSessionAsync(HttpContext http, ConsentInvitation invitation, CancellationToken ct) =>
        codes.HasSessionAsync(Gate(invitation), http, SessionCookie, ct);

    private ConsentInvitationGate Gate(ConsentInvitation invitation) => new(consents, invitation.Id);

    private IResult SessionEnded(ConsentState state) =>
        Page(401, state, ConsentPageTexts.LandingTitle, Paragraph(ReaderTexts.SessionEnded, state.Lang, "session-ended", "error") + SendCodeForm(state, false));

    private IResult Locked(string lang) =>
        Gone(lang, ReaderTexts.LockedTitle, ConsentPageTexts.Locked(Secure.MaxCodeAttempts), "locked", 403);

    private static IResult Gone(string lang, LocalizedText title, LocalizedText text, string testId, int status = 410) =>
        new ReaderHtmlResult(status, Render(lang, title, Paragraph(text, lang, testId, status == 200 ? "notice" : "error"), null, ConsentPageTexts.AppName));

    private static IResult Page(int status, ConsentState state, LocalizedText title, string body) =>
        new ReaderHtmlResult(status, Render(state.Lang, title, body, state.Toggle(), ConsentPageTexts.AppName));

    /// <summary>An error of the form, announced (alert) and focused when the page loads (no script:
    /// <c>autofocus</c> on the focusable paragraph), so keyboard and screen-reader users land on it.</summary>
    private static string FocusedError(LocalizedText text, string lang, string id) =>
        "<p id=\"" + id + "\" data-testid=\"" + id + "\" class=\"error\" role=\"alert\" tabindex=\"-1\" autofocus>" + T(text, lang) + "</p>";

    private static string SendCodeForm(ConsentState state, bool pending) =>
        "<form method=\"post\" action=\"" + E(ConsentPage.PathPrefix + state.Token + "/code") + "\">"
        + "<input type=\"hidden\" name=\"lang\" value=\"" + state.Lang + "\">"
        + "<button type=\"submit\" data-testid=\"send-code\">" + T(pending ? ReaderTexts.SendNewCode : ReaderTexts.SendCode, state.Lang) + "</button></form>";

    private string CodeForm(ConsentState state, string? errorId, bool focus = false) =>
        "<form method=\"post\" action=\"" + E(ConsentPage.PathPrefix + state.Token + "/verify") + "\">"
        + "<input type=\"hidden\" name=\"lang\" value=\"" + state.Lang + "\">"
        + "<label for=\"code\">" + T(ReaderTexts.CodeLabel, state.Lang) + "</label> "
        + "<input type=\"text\" id=\"code\" name=\"code\" data-testid=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" "
        + (errorId is null ? "" : "aria-invalid=\"true\" aria-describedby=\"" + errorId + "\" ") + (focus ? "autofocus " : "") + "maxlength=\""
        + (Secure.CodeDigits + 4).ToString(CultureInfo.InvariantCulture) + "\" required> "
        + "<button type=\"submit\" data-testid=\"verify\">" + T(ConsentPageTexts.Verify, state.Lang) + "</button></form>";
}

/// <summary>Where the consent page lives: under /secure, so the reader's per-address rate limits
/// and log filtering apply to it unchanged.</summary>
public static class ConsentPage
{
    public const string PathPrefix = "/secure/consent/";
}

/// <summary>The PDF copy, with the reader's headers (no caching) and a download name.</summary>
internal sealed class ConsentPdfResult(byte[] pdf) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = 200;
        response.ContentType = "application/pdf";
        ReaderHeaders.Apply(response);
        response.Headers.ContentDisposition = "attachment; filename=\"consent-clinicmail.pdf\"";
        return response.Body.WriteAsync(pdf, httpContext.RequestAborted).AsTask();
    }
}
