using System.Globalization;
using ClinicMail.Core.Localization;
using Microsoft.AspNetCore.Mvc;

namespace ClinicMail.Application.Problems;

/// <summary>A typed error the handlers throw; <see cref="ProblemMapping"/> turns it into an RFC 7807 response.</summary>
public sealed class ApiProblemException(int status, string code, LocalizedText title, LocalizedText detail, IDictionary<string, object?>? extensions = null)
    : Exception(title.En)
{
    public int Status { get; } = status;

    /// <summary>A stable machine-readable code (also the last segment of the problem <c>type</c> URI).</summary>
    public string Code { get; } = code;

    public LocalizedText Title { get; } = title;

    public LocalizedText Detail { get; } = detail;

    public IDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}

/// <summary>Builds ProblemDetails in the caller's language (French or English, from Accept-Language).</summary>
public static class Problem
{
    public const string TypeBase = "https://clinicmail.example/problems/";

    public static string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "fr" ? "fr" : "en";

    public static ProblemDetails Create(int status, string code, LocalizedText title, LocalizedText detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypeBase + code,
            Title = title.For(Language),
            Detail = detail.For(Language),
        };
        problem.Extensions["code"] = code;
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    public static IResult Result(int status, string code, LocalizedText title, LocalizedText detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(Create(status, code, title, detail, extensions));
}

/// <summary>The texts of the problems the API answers with.</summary>
public static class ProblemTexts
{
    public static LocalizedText ValidationTitle { get; } = new("La requête contient des erreurs.", "The request has errors.");

    public static LocalizedText ValidationDetail { get; } = new("Corrigez les champs indiqués puis réessayez.", "Correct the fields listed and try again.");

    public static LocalizedText TooLargeTitle { get; } = new("La requête est trop volumineuse.", "The request is too large.");

    public static LocalizedText TooLarge(string limit, long value) => new(
        $"La limite {limit} ({value} octets) est dépassée. Réduisez le message ou ses pièces jointes.",
        $"The {limit} limit ({value} bytes) is exceeded. Make the message or its attachments smaller.");

    public static LocalizedText BadJsonTitle { get; } = new("Le corps de la requête n'est pas un JSON valide.", "The request body is not valid JSON.");

    public static LocalizedText BadJson(string? path) => new(
        path is null ? "Envoyez un objet JSON conforme à la documentation (docs/api.md)." : $"Valeur invalide à {path}. Envoyez un objet JSON conforme à la documentation (docs/api.md).",
        path is null ? "Send a JSON object as documented (docs/api.md)." : $"Invalid value at {path}. Send a JSON object as documented (docs/api.md).");

    public static LocalizedText RegistryUnavailableTitle { get; } = new("Le répertoire des patients est indisponible.", "The patient registry is unavailable.");

    public static LocalizedText RegistryUnavailable { get; } = new(
        "Le brouillon n'a pas été vérifié : rien n'a été décidé. Réessayez dans un instant; si le problème persiste, avisez l'administrateur de la clinique.",
        "The draft was not checked: nothing was decided. Try again in a moment; if it persists, tell the clinic administrator.");

    public static LocalizedText AuditUnavailableTitle { get; } = new("Le journal d'audit est indisponible.", "The audit log is unavailable.");

    public static LocalizedText AuditUnavailable { get; } = new(
        "Une décision qui n'est pas consignée n'est pas rendue. Réessayez dans un instant; si le problème persiste, avisez l'administrateur de la clinique.",
        "A decision that is not recorded is not returned. Try again in a moment; if it persists, tell the clinic administrator.");

    public static LocalizedText InternalTitle { get; } = new("Erreur interne.", "Internal error.");

    public static LocalizedText Internal(string correlationId) => new(
        $"Une erreur inattendue s'est produite (référence {correlationId}). Rien n'a été décidé.",
        $"An unexpected error occurred (reference {correlationId}). Nothing was decided.");

    public static LocalizedText NotFoundTitle { get; } = new("Introuvable.", "Not found.");

    public static LocalizedText UnsupportedMediaTitle { get; } = new("Type de contenu non pris en charge.", "Unsupported content type.");

    public static LocalizedText UnsupportedMedia { get; } = new("Envoyez le corps en JSON (Content-Type: application/json).", "Send the body as JSON (Content-Type: application/json).");
}
