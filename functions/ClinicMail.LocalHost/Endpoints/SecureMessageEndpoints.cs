using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Secure;
using ClinicMail.Application.Validation;
using Microsoft.AspNetCore.Mvc;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>Secure delivery: the physician's API, the patient's reader and the purge trigger.
/// One line per route: the handlers do the work.</summary>
public static class SecureMessageEndpoints
{
    public const string CodePolicy = ReaderRateLimits.CodePolicy;
    public const string VerifyPolicy = ReaderRateLimits.VerifyPolicy;

    public static IEndpointRouteBuilder MapSecureMessageEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/secure-messages").WithTags("Secure messages");

        routes.MapPost("/api/v1/secure-messages", (SecureMessageRequest request, HttpContext http, SecureMessageHandler handler, CancellationToken ct) =>
                handler.CreateAsync(request, Actor.From(http.User), PhysicianMailbox.From(http.User), ct))
            .WithName("CreateSecureMessage").WithTags("Secure messages")
            .RequireAuthorization(IdentitySetup.PhysicianPolicy)
            .AddEndpointFilter<ValidationFilter<SecureMessageRequest>>()
            .WithRequestLimit("MaxSecureRequestBytes", static limits => limits.MaxSecureRequestBytes)
            .WithRequestGuards()
            .WithSummary("Encrypt a message for registered, consenting patients; returns the notice and link that replace the content in the mail.");

        api.MapGet("/{messageId}", (string messageId, HttpContext http, SecureMessageHandler handler, CancellationToken ct) =>
                handler.StatusAsync(messageId, Actor.From(http.User), ct))
            .WithName("SecureMessageStatus")
            .RequireAuthorization(IdentitySetup.PhysicianPolicy)
            .WithSummary("Status (opened or not per recipient) and the decrypted replies, for the physician who sent it.");

        api.MapPost("/{messageId}/revoke", (string messageId, HttpContext http, SecureMessageHandler handler, CancellationToken ct) =>
                handler.RevokeAsync(messageId, Actor.From(http.User), ct))
            .WithName("RevokeSecureMessage")
            .RequireAuthorization(IdentitySetup.PhysicianPolicy)
            .WithSummary("Withdraw a message: its data keys are destroyed at once.");

        api.MapPut("/{messageId}/expiry", (string messageId, ExpiryChangeRequest request, HttpContext http, SecureMessageHandler handler, CancellationToken ct) =>
                handler.ChangeExpiryAsync(messageId, request, Actor.From(http.User), ct))
            .WithName("ChangeSecureMessageExpiry")
            .RequireAuthorization(IdentitySetup.PhysicianPolicy)
            .AddEndpointFilter<ValidationFilter<ExpiryChangeRequest>>()
            .WithSummary("Shorten or extend the expiry, within the documented maximum after creation.");

        // The patient's reader. Anonymous on purpose: the patient has no Entra identity; their proof
        // is the link token plus a one-time code sent to the registered address.
        var reader = routes.MapGroup("/secure").WithTags("Secure reader").AllowAnonymous().ExcludeFromDescription();
        reader.MapGet("/{token}", (string token, string? lang, string? sent, string? replied, HttpContext http, SecureReaderHandler handler, CancellationToken ct) =>
                handler.LandingAsync(token, lang, sent == "1", replied == "1", http, ct))
            .WithName("SecureReader");
        reader.MapPost("/{token}/code", (string token, [FromForm] string? lang, SecureReaderHandler handler, CancellationToken ct) =>
                handler.SendCodeAsync(token, lang, ct))
            .WithName("SecureReaderSendCode").DisableAntiforgery().RequireRateLimiting(CodePolicy);
        reader.MapPost("/{token}/verify", (string token, [FromForm] string? lang, [FromForm] string? code, HttpContext http, SecureReaderHandler handler, CancellationToken ct) =>
                handler.VerifyAsync(token, lang, code, http, ct))
            .WithName("SecureReaderVerify").DisableAntiforgery().RequireRateLimiting(VerifyPolicy);
        reader.MapGet("/{token}/attachments/{index:int}", (string token, int index, string? lang, HttpContext http, SecureReaderHandler handler, CancellationToken ct) =>
                handler.AttachmentAsync(token, index, lang, http, ct))
            .WithName("SecureReaderAttachment");
        reader.MapPost("/{token}/reply", (string token, [FromForm] string? lang, [FromForm] string? body, HttpContext http, SecureReaderHandler handler, CancellationToken ct) =>
                handler.ReplyAsync(token, lang, body, http, ct))
            .WithName("SecureReaderReply").DisableAntiforgery();
        routes.MapGet(ReaderPage.StylesheetPath, SecureReaderHandler.Stylesheet)
            .WithName("SecureReaderStylesheet").WithTags("Secure reader").AllowAnonymous().ExcludeFromDescription();

        return routes;
    }
}
