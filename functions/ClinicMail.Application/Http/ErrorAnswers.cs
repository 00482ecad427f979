using System.Globalization;
using ClinicMail.Application.Handlers;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Localization;

namespace ClinicMail.Application.Http;

/// <summary>The body of every error the app answers without one of its own (a 405 from routing, a 401
/// challenge, a 404, a 414, a refused path): RFC 7807 ProblemDetails in the caller's language, and on the
/// patient's reader (<c>/secure/…</c>) its bilingual HTML error page instead (docs/api.md).</summary>
public static class ErrorAnswers
{
    public static LocalizedText BadRequestTitle { get; } = new("La requête est mal formée.", "The request is malformed.");

    public static LocalizedText BadRequest { get; } = new(
        "Vérifiez l'adresse, les paramètres et le corps de la requête (docs/api.md).",
        "Check the request's address, parameters and body (docs/api.md).");

    public static LocalizedText UnauthorizedTitle { get; } = new("Authentification requise.", "Authentication required.");

    public static LocalizedText Unauthorized { get; } = new(
        "Connectez-vous (jeton Entra ID valide) puis réessayez.", "Sign in (a valid Entra ID token) and try again.");

    public static LocalizedText ForbiddenTitle { get; } = new("Accès refusé.", "Access denied.");

    public static LocalizedText Forbidden { get; } = new(
        "Votre rôle ne permet pas cette opération; demandez-le à l'administrateur de la clinique.",
        "Your role does not allow this operation; ask the clinic administrator for it.");

    public static LocalizedText NotFound { get; } = new("Aucune ressource à cette adresse (docs/api.md).", "Nothing at this address (docs/api.md).");

    public static LocalizedText MethodNotAllowedTitle { get; } = new("Méthode non permise.", "Method not allowed.");

    public static LocalizedText MethodNotAllowed(string method) => new(
        $"Cette adresse n'accepte pas la méthode {method}; l'en-tête Allow donne celles qu'elle accepte.",
        $"This address does not accept the {method} method; the Allow header lists those it does.");

    public static LocalizedText UrlTooLongTitle { get; } = new("L'adresse est trop longue.", "The address is too long.");

    public static LocalizedText UrlTooLong(int max) => new(
        string.Create(CultureInfo.InvariantCulture, $"Le chemin et les paramètres dépassent {max} caractères (limite RequestGuards:MaxUrlChars)."),
        string.Create(CultureInfo.InvariantCulture, $"The path and query exceed {max} characters (limit RequestGuards:MaxUrlChars)."));

    public static LocalizedText InvalidPathTitle { get; } = new("Adresse non valide.", "Invalid address.");

    public static LocalizedText InvalidPath { get; } = new(
        "L'adresse contient un caractère interdit (caractère nul ou de contrôle).", "The address contains a forbidden character (null or control character).");

    public static LocalizedText OtherTitle { get; } = new("La requête n'a pas pu être traitée.", "The request could not be processed.");

    /// <summary>The reader's pages (not its stylesheet) answer in HTML.</summary>
    public static bool IsReaderPage(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Request.Path.StartsWithSegments("/secure", StringComparison.Ordinal);
    }

    /// <summary>The answer for a bare status code (no body yet), by status.</summary>
    public static IResult For(HttpContext http, int status)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (IsReaderPage(http))
        {
            return SecureReaderHandler.ErrorPage(status, ReaderLanguage(http));
        }

        return status switch
        {
            400 => Problem.Result(400, "bad_request", BadRequestTitle, BadRequest),
            401 => Problem.Result(401, "unauthorized", UnauthorizedTitle, Unauthorized),
            403 => Problem.Result(403, "forbidden", ForbiddenTitle, Forbidden),
            404 => Problem.Result(404, "not_found", ProblemTexts.NotFoundTitle, NotFound),
            405 => Problem.Result(405, "method_not_allowed", MethodNotAllowedTitle, MethodNotAllowed(http.Request.Method)),
            413 => Problem.Result(413, "request_too_large", ProblemTexts.TooLargeTitle, ProblemTexts.TooLarge("MaxRequestBytes", 0)),
            414 => Problem.Result(414, "url_too_long", UrlTooLongTitle, BadRequest),
            415 => Problem.Result(415, "unsupported_media_type", ProblemTexts.UnsupportedMediaTitle, ProblemTexts.UnsupportedMedia),
            _ => Problem.Result(status, "http_" + status.ToString(CultureInfo.InvariantCulture), OtherTitle, BadRequest),
        };
    }

    /// <summary>Writes <see cref="For"/> when the response has no body yet (status-code pages).</summary>
    public static Task WriteAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return For(http, http.Response.StatusCode).ExecuteAsync(http);
    }

    /// <summary>Refuses, before routing, a URL over <see cref="RequestGuardOptions.MaxUrlChars"/> (414), a
    /// path with a null or control character (400), and a reader POST that is not a form (415). Null when
    /// the request may go on.</summary>
    public static IResult? RefuseUrl(HttpContext http, int maxUrlChars)
    {
        ArgumentNullException.ThrowIfNull(http);
        var path = http.Request.Path.Value ?? "";
        if (path.Length + http.Request.QueryString.Value?.Length > maxUrlChars)
        {
            return IsReaderPage(http)
                ? SecureReaderHandler.ErrorPage(414, ReaderLanguage(http))
                : Problem.Result(414, "url_too_long", UrlTooLongTitle, UrlTooLong(maxUrlChars), new Dictionary<string, object?> { ["limit"] = "RequestGuards:MaxUrlChars", ["maximum"] = maxUrlChars });
        }

        if (path.AsSpan().IndexOfAnyInRange('\0', '\u001f') >= 0 || path.Contains('\u007f', StringComparison.Ordinal))
        {
            return IsReaderPage(http)
                ? SecureReaderHandler.ErrorPage(400, ReaderLanguage(http))
                : Problem.Result(400, "invalid_path", InvalidPathTitle, InvalidPath);
        }

        // Every reader POST is a form: anything else is refused here, before the form binder fails on it.
        if (IsReaderPage(http) && HttpMethods.IsPost(http.Request.Method) && !http.Request.HasFormContentType)
        {
            return SecureReaderHandler.ErrorPage(415, ReaderLanguage(http));
        }

        return null;
    }

    private static string ReaderLanguage(HttpContext http) =>
        http.Request.Query.TryGetValue("lang", out var lang) && lang.ToString() == "en" ? "en" : "fr";
}

/// <summary>A 4xx thrown on the patient's reader (no form body, a bad field) answers with the reader's HTML
/// page rather than JSON; everything else goes on to <see cref="ProblemMapping"/>. Registered ahead of it.</summary>
public sealed class ReaderErrorHandler : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException bad || !ErrorAnswers.IsReaderPage(httpContext) || bad.StatusCode >= 500)
        {
            return false;
        }

        await ErrorAnswers.For(httpContext, bad.StatusCode).ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }
}
