using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Secure;
using ClinicMail.Application.Validation;
using ClinicMail.Core.InformedConsent;
using Microsoft.AspNetCore.Mvc;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>Informed consent (docs/consent.md): the clinic's e-mail policy, invitations, verbal
/// consents with their checklist, the clinic page's lists, and the patient's consent page. One
/// line per route: the handlers do the work.</summary>
public static class ConsentEndpoints
{
    public static IEndpointRouteBuilder MapConsentEndpoints(this IEndpointRouteBuilder routes)
    {
        const string Admin = IdentitySetup.ClinicAdminPolicy;
        const string Read = IdentitySetup.RegistryReadPolicy;
        const string Policy = "/api/v1/consent/policy";
        routes.MapGet(Policy, (InformedConsentHandler h, CancellationToken ct) => h.CurrentPolicyAsync(ct))
            .WithName("ConsentPolicyCurrent").WithTags("Consent").RequireAuthorization(Read).WithSummary("The clinic's e-mail policy in force: settings, version, hash and the FR/EN text.");
        routes.MapGet(Policy + "/versions/{version:int}", (int version, InformedConsentHandler h, CancellationToken ct) => h.PolicyVersionAsync(version, ct))
            .WithName("ConsentPolicyVersion").WithTags("Consent").RequireAuthorization(Read).WithSummary("One published version of the policy.");
        routes.MapPut(Policy, (ClinicEmailPolicy body, HttpContext http, InformedConsentHandler h, CancellationToken ct) => h.PublishPolicyAsync(body, Actor.From(http.User), ct))
            .WithName("ConsentPolicyPublish").WithTags("Consent").RequireAuthorization(Admin).AddEndpointFilter<ValidationFilter<ClinicEmailPolicy>>()
            .WithSummary("Publish the settings as the next version (same text: same version).");

        var registry = routes.MapGroup("/api/v1/registry").WithTags("Consent");
        registry.MapPost("/patients/{id}/consent-invitations", (string id, ConsentInvitationRequest body, HttpContext http, InformedConsentHandler h, CancellationToken ct) => h.InviteAsync(id, body, Actor.From(http.User), ct))
            .WithName("ConsentInvite").RequireAuthorization(Read).AddEndpointFilter<ValidationFilter<ConsentInvitationRequest>>()
            .WithSummary("Mail the patient a consent invitation at the address to be registered.");
        registry.MapPost("/patients/{id}/consent/verbal", (string id, VerbalConsentRequest body, HttpContext http, InformedConsentHandler h, CancellationToken ct) => h.RecordVerbalAsync(id, body, Actor.From(http.User), ct))
            .WithName("ConsentRecordVerbal").RequireAuthorization(Admin).AddEndpointFilter<ValidationFilter<VerbalConsentRequest>>()
            .WithSummary("Record a verbal consent with the checklist of what was explained and the policy version read.");
        registry.MapGet("/consent-attention", (int? limit, InformedConsentHandler h, CancellationToken ct) => h.AttentionAsync(limit, ct))
            .WithName("ConsentAttention").RequireAuthorization(Admin).WithSummary("Patients whose consent is missing, expired or not documented as informed.");
        registry.MapGet("/look-alikes", (int? limit, InformedConsentHandler h, CancellationToken ct) => h.LookAlikesAsync(limit, ct))
            .WithName("RegistryLookAlikes").RequireAuthorization(Admin).WithSummary("Registered addresses of different patients that are near misses of each other.");

        // The patient's consent page. Anonymous on purpose, like the secure reader: the proof is the
        // link token plus a one-time code sent to the invited address.
        var page = routes.MapGroup("/secure/consent").WithTags("Consent page").AllowAnonymous().ExcludeFromDescription();
        page.MapGet("/{token}", (string token, string? lang, string? sent, HttpContext http, ConsentPageHandler h, CancellationToken ct) => h.LandingAsync(token, lang, sent == "1", http, ct))
            .WithName("ConsentPage");
        page.MapPost("/{token}/code", (string token, [FromForm] string? lang, ConsentPageHandler h, CancellationToken ct) => h.SendCodeAsync(token, lang, ct))
            .WithName("ConsentPageSendCode").DisableAntiforgery().RequireRateLimiting(ReaderRateLimits.CodePolicy);
        page.MapPost("/{token}/verify", (string token, [FromForm] string? lang, [FromForm] string? code, HttpContext http, ConsentPageHandler h, CancellationToken ct) => h.VerifyAsync(token, lang, code, http, ct))
            .WithName("ConsentPageVerify").DisableAntiforgery().RequireRateLimiting(ReaderRateLimits.VerifyPolicy);
        page.MapPost("/{token}/sign", (string token, IFormCollection form, HttpContext http, ConsentPageHandler h, CancellationToken ct) => h.SignAsync(token, form, http, ct))
            .WithName("ConsentPageSign").DisableAntiforgery();
        page.MapPost("/{token}/withdraw", (string token, [FromForm] string? lang, HttpContext http, ConsentPageHandler h, CancellationToken ct) => h.WithdrawAsync(token, lang, http, ct))
            .WithName("ConsentPageWithdraw").DisableAntiforgery();
        page.MapGet("/{token}/copy.pdf", (string token, string? lang, HttpContext http, ConsentPageHandler h, CancellationToken ct) => h.CopyAsync(token, lang, http, ct))
            .WithName("ConsentPageCopy");
        return routes;
    }
}
