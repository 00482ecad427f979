using ClinicMail.Application.Handlers;
using ClinicMail.Application.Secure;
using ClinicMail.Functions.Http;

namespace ClinicMail.Functions.Routes;

/// <summary>The patient's reader. Anonymous on purpose: the patient has no Entra identity; their proof is
/// the link token plus a one-time code sent to the registered address.</summary>
public sealed class ReaderFunctions(FunctionHttp http, SecureReaderHandler reader)
{
    [Function("SecureReader")]
    public Task LandingAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "secure/{token}")] HttpRequest req, string token) =>
        http.RunAsync(req, null, c => reader.LandingAsync(token, Query(c, "lang"), Query(c, "sent") == "1", Query(c, "replied") == "1", c, c.RequestAborted));

    [Function("SecureReaderSendCode")]
    public Task SendCodeAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "secure/{token}/code")] HttpRequest req, string token) =>
        http.RunAsync(req, null, async c => await reader.SendCodeAsync(token, (await QueryBinding.FormAsync(c).ConfigureAwait(false))["lang"], c.RequestAborted).ConfigureAwait(false),
            rateLimit: new(ReaderRateLimits.CodePolicy, token));

    [Function("SecureReaderVerify")]
    public Task VerifyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "secure/{token}/verify")] HttpRequest req, string token) =>
        http.RunAsync(req, null, async c =>
        {
            var form = await QueryBinding.FormAsync(c).ConfigureAwait(false);
            return await reader.VerifyAsync(token, form["lang"], form["code"], c, c.RequestAborted).ConfigureAwait(false);
        }, rateLimit: new(ReaderRateLimits.VerifyPolicy, token));

    [Function("SecureReaderAttachment")]
    public Task AttachmentAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "secure/{token}/attachments/{index:int}")] HttpRequest req, string token, int index) =>
        http.RunAsync(req, null, c => reader.AttachmentAsync(token, index, Query(c, "lang"), c, c.RequestAborted));

    [Function("SecureReaderReply")]
    public Task ReplyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "secure/{token}/reply")] HttpRequest req, string token) =>
        http.RunAsync(req, null, async c =>
        {
            var form = await QueryBinding.FormAsync(c).ConfigureAwait(false);
            return await reader.ReplyAsync(token, form["lang"], form["body"], c, c.RequestAborted).ConfigureAwait(false);
        });

    [Function("SecureReaderStylesheet")]
    public Task StylesheetAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "secure-assets/reader.css")] HttpRequest req) =>
        http.RunAsync(req, null, _ => Task.FromResult(SecureReaderHandler.Stylesheet()));

    private static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
}
