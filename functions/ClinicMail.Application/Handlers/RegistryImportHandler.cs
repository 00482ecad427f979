using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Registry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicMail.Application.Handlers;

/// <summary><c>POST /api/v1/registry/import</c>: a <c>text/csv</c> EMR export (docs/registry-import.md),
/// at most <c>Limits:MaxImportRequestBytes</c>. All or nothing: 200 with counts when imported, 422
/// with every error (line, column, reason in French and English) when the file has any.</summary>
public sealed class RegistryImportHandler(IPatientStore store, IAuditWriter audit, TimeProvider time, ILogger<RegistryImportHandler> logger)
{
    public async Task<Results<Ok<ImportResponse>, UnprocessableEntity<ImportResponse>>> HandleAsync(HttpRequest request, bool dryRun, Actor actor, CancellationToken cancellationToken)
    {
        if (request.ContentType is not { } type || !type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblemException(415, "unsupported_media_type", ProblemTexts.UnsupportedMediaTitle,
                new("Envoyez le fichier avec Content-Type: text/csv (UTF-8).", "Send the file with Content-Type: text/csv (UTF-8)."));
        }

        // The parser reads synchronously (CsvHelper); the body is read asynchronously first, and is
        // bounded by MaxImportRequestBytes (RequestLimitMetadata), so buffering it is bounded too.
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        body.Position = 0;
        var importer = new RegistryImporter(store, time);
        var result = await importer.ImportAsync(body, RegistryHandler.ActorId(actor), dryRun, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.Written)
        {
            await audit.AppendAsync(RegistryImporter.AuditEntry(result, actor.TenantId, actor.ObjectId), cancellationToken).ConfigureAwait(false);
        }

        logger.LogInformation("Registry import: {Rows} rows, {Inserted} inserted, {Updated} updated, {Unchanged} unchanged, {Errors} errors, dry run {DryRun}",
            result.Rows, result.Inserted, result.Updated, result.Unchanged, result.Errors.Count, dryRun);
        var language = Problem.Language;
        var response = new ImportResponse
        {
            DryRun = result.DryRun,
            Written = result.Written,
            Rows = result.Rows,
            Patients = result.Patients,
            Inserted = result.Inserted,
            Updated = result.Updated,
            Unchanged = result.Unchanged,
            Errors = [.. result.Errors.Select(e => new ImportErrorResponse(e.Line, e.Column, e.Reason.For(language), e.Reason.Fr, e.Reason.En))],
        };
        return result.Errors.Count > 0 ? TypedResults.UnprocessableEntity(response) : TypedResults.Ok(response);
    }
}
