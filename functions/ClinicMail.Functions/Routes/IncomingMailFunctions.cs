using ClinicMail.Application.Identity;
using ClinicMail.Application.Incoming;
using ClinicMail.Functions.Http;

namespace ClinicMail.Functions.Routes;

/// <summary>Incoming patient mail (docs/incoming-mail.md): the awaiting-answer list.</summary>
public sealed class IncomingMailFunctions(FunctionHttp http, AwaitingAnswersHandler awaiting)
{
    [Function("MailAwaiting")]
    public Task AwaitingAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/mail/awaiting")] HttpRequest req) =>
        http.RunAsync(req, IdentitySetup.RegistryReadPolicy, async c =>
            await awaiting.ListAsync(c.User, QueryBinding.Int(c.Request.Query, "limit"), QueryBinding.Int(c.Request.Query, "weeks"), c.RequestAborted).ConfigureAwait(false));
}
