using ClinicMail.Application.Handlers;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Validation;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>The registry management API (docs/registry.md). One line per route: the handlers do
/// the work. Writes need ClinicAdmin; read-only look-ups also Physician (RegistryRead). Searches
/// and address look-ups are POSTs with a body so that names and addresses never appear in URLs
/// (which hosting and monitoring log).</summary>
public static class RegistryEndpoints
{
    public static IEndpointRouteBuilder MapRegistryEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/registry").WithTags("Registry");
        const string Admin = IdentitySetup.ClinicAdminPolicy;
        const string Read = IdentitySetup.RegistryReadPolicy;

        api.MapPost("/patients", (PatientRequest body, HttpContext http, RegistryHandler h, CancellationToken ct) => h.CreateAsync(body, Actor.From(http.User), ct))
            .WithName("RegistryCreatePatient").RequireAuthorization(Admin).AddEndpointFilter<ValidationFilter<PatientRequest>>()
            .WithSummary("Create a patient (409 when the clinic id or an address belongs to another patient).");
        api.MapPost("/patients/search", (SearchRequest body, RegistryHandler h, CancellationToken ct) => h.SearchAsync(body, ct))
            .WithName("RegistrySearch").RequireAuthorization(Read).AddEndpointFilter<ValidationFilter<SearchRequest>>()
            .WithSummary("Search by name (accent- and case-insensitive) or clinic id, paged.");
        api.MapGet("/patients/{id}", (string id, RegistryHandler h, CancellationToken ct) => h.GetAsync(id, ct))
            .WithName("RegistryGetPatient").RequireAuthorization(Read).WithSummary("A patient with addresses and current consent.");
        api.MapPut("/patients/{id}", (string id, PatientRequest body, HttpContext http, RegistryHandler h, CancellationToken ct) => h.UpdateAsync(id, body, Actor.From(http.User), ct))
            .WithName("RegistryUpdatePatient").RequireAuthorization(Admin).AddEndpointFilter<ValidationFilter<PatientRequest>>()
            .WithSummary("Update a patient; addresses and consent are replaced only when present.");
        api.MapPut("/patients/{id}/addresses", (string id, AddressRequest body, HttpContext http, RegistryHandler h, CancellationToken ct) => h.PutAddressAsync(id, body, Actor.From(http.User), ct))
            .WithName("RegistryPutAddress").RequireAuthorization(Admin).AddEndpointFilter<ValidationFilter<AddressRequest>>()
            .WithSummary("Add an address to a patient, or update it when the patient has it.");
        api.MapPost("/patients/{id}/addresses/remove", (string id, RemoveAddressRequest body, HttpContext http, RegistryHandler h, CancellationToken ct) => h.RemoveAddressAsync(id, body, Actor.From(http.User), ct))
            .WithName("RegistryRemoveAddress").RequireAuthorization(Admin).AddEndpointFilter<ValidationFilter<RemoveAddressRequest>>()
            .WithSummary("Remove an address from a patient.");
        api.MapPut("/patients/{id}/consent", (string id, ConsentRequest body, HttpContext http, RegistryHandler h, CancellationToken ct) => h.RecordConsentAsync(id, body, Actor.From(http.User), ct))
            .WithName("RegistryRecordConsent").RequireAuthorization(Admin).AddEndpointFilter<ValidationFilter<ConsentRequest>>()
            .WithSummary("Record the patient's consent (the previous one stays in the history).");
        api.MapPost("/patients/{id}/consent/revoke", (string id, HttpContext http, RegistryHandler h, CancellationToken ct) => h.RevokeConsentAsync(id, Actor.From(http.User), ct))
            .WithName("RegistryRevokeConsent").RequireAuthorization(Admin).WithSummary("Revoke the consent in force, as of today.");
        api.MapPost("/patients/{id}/restrict", (string id, RestrictRequest body, HttpContext http, RegistryHandler h, CancellationToken ct) => h.RestrictAsync(id, body, Actor.From(http.User), ct))
            .WithName("RegistryRestrict").RequireAuthorization(Admin).AddEndpointFilter<ValidationFilter<RestrictRequest>>()
            .WithSummary("Restrict the patient's e-mail privileges.");
        api.MapPost("/patients/{id}/unrestrict", (string id, HttpContext http, RegistryHandler h, CancellationToken ct) => h.UnrestrictAsync(id, Actor.From(http.User), ct))
            .WithName("RegistryUnrestrict").RequireAuthorization(Admin).WithSummary("Lift the restriction.");
        api.MapGet("/patients/{id}/history", (string id, RegistryHandler h, CancellationToken ct) => h.HistoryAsync(id, ct))
            .WithName("RegistryHistory").RequireAuthorization(Admin).WithSummary("Who changed which fields of the patient, when (never values).");
        api.MapPost("/lookup", (LookupRequest body, RegistryHandler h, CancellationToken ct) => h.LookupAsync(body, ct))
            .WithName("RegistryLookup").RequireAuthorization(Read).AddEndpointFilter<ValidationFilter<LookupRequest>>()
            .WithSummary("The patients registered under each of these addresses.");
        api.MapPost("/import", (HttpRequest request, bool? dryRun, HttpContext http, RegistryImportHandler h, CancellationToken ct) =>
                h.HandleAsync(request, dryRun ?? false, Actor.From(http.User), ct))
            .WithName("RegistryImport").RequireAuthorization(Admin)
            .WithRequestLimit("MaxImportRequestBytes", static limits => limits.MaxImportRequestBytes)
            .Accepts<string>("text/csv")
            .WithSummary("Import an EMR export (text/csv, docs/registry-import.md); all or nothing; ?dryRun=true writes nothing.");
        return routes;
    }
}
