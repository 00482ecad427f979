using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;
using ClinicMail.Functions.Http;

namespace ClinicMail.Functions.Routes;

/// <summary>The registry management API (docs/registry.md). Writes need ClinicAdmin; read-only look-ups
/// also Physician. Searches and look-ups are POSTs so names and addresses never appear in URLs.</summary>
public sealed class RegistryFunctions(FunctionHttp http, RegistryHandler registry, RegistryImportHandler import, RegistryImportHistoryHandler importHistory)
{
    private const string Admin = IdentitySetup.ClinicAdminPolicy;
    private const string Read = IdentitySetup.RegistryReadPolicy;
    private const string Patients = "api/v1/registry/patients";
    private static readonly FunctionHttp.Limit ImportLimit = new("MaxImportRequestBytes", static l => l.MaxImportRequestBytes);

    [Function("RegistryCreatePatient")]
    public Task CreateAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Patients)] HttpRequest req) =>
        http.RunAsync<PatientRequest>(req, Admin, async (c, body) => await registry.CreateAsync(body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RegistrySearch")]
    public Task SearchAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Patients + "/search")] HttpRequest req) =>
        http.RunAsync<SearchRequest>(req, Read, async (c, body) => await registry.SearchAsync(body, c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryGetPatient")]
    public Task GetAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Patients + "/{id}")] HttpRequest req, string id) =>
        http.RunAsync(req, Read, async c => await registry.GetAsync(id, c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryUpdatePatient")]
    public Task UpdateAsync([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Patients + "/{id}")] HttpRequest req, string id) =>
        http.RunAsync<PatientRequest>(req, Admin, async (c, body) => await registry.UpdateAsync(id, body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryPutAddress")]
    public Task PutAddressAsync([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Patients + "/{id}/addresses")] HttpRequest req, string id) =>
        http.RunAsync<AddressRequest>(req, Admin, async (c, body) => await registry.PutAddressAsync(id, body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryRemoveAddress")]
    public Task RemoveAddressAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Patients + "/{id}/addresses/remove")] HttpRequest req, string id) =>
        http.RunAsync<RemoveAddressRequest>(req, Admin, async (c, body) => await registry.RemoveAddressAsync(id, body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryRecordConsent")]
    public Task RecordConsentAsync([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Patients + "/{id}/consent")] HttpRequest req, string id) =>
        http.RunAsync<ConsentRequest>(req, Admin, async (c, body) => await registry.RecordConsentAsync(id, body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryRevokeConsent")]
    public Task RevokeConsentAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Patients + "/{id}/consent/revoke")] HttpRequest req, string id) =>
        http.RunAsync(req, Admin, async c => await registry.RevokeConsentAsync(id, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryRestrict")]
    public Task RestrictAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Patients + "/{id}/restrict")] HttpRequest req, string id) =>
        http.RunAsync<RestrictRequest>(req, Admin, async (c, body) => await registry.RestrictAsync(id, body, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryUnrestrict")]
    public Task UnrestrictAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Patients + "/{id}/unrestrict")] HttpRequest req, string id) =>
        http.RunAsync(req, Admin, async c => await registry.UnrestrictAsync(id, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryImports")]
    public Task ImportsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/registry/imports")] HttpRequest req) =>
        http.RunAsync(req, Admin, async c => await importHistory.ListAsync(QueryBinding.Int(c.Request.Query, "limit"), c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryHistory")]
    public Task HistoryAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Patients + "/{id}/history")] HttpRequest req, string id) =>
        http.RunAsync(req, Admin, async c => await registry.HistoryAsync(id, c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryLookup")]
    public Task LookupAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/registry/lookup")] HttpRequest req) =>
        http.RunAsync<LookupRequest>(req, Read, async (c, body) => await registry.LookupAsync(body, c.RequestAborted).ConfigureAwait(false));

    [Function("RegistryImport")]
    public Task ImportAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/registry/import")] HttpRequest req) =>
        http.RunAsync(req, Admin, async c =>
            await import.HandleAsync(c.Request, QueryBinding.Flag(c.Request.Query, "dryRun") ?? false, Actor.From(c.User), c.RequestAborted).ConfigureAwait(false), ImportLimit);
}
