using System.Globalization;
using ClinicMail.Application.Handlers;

namespace ClinicMail.Functions.Http;

/// <summary>Query-string and form binding as the local host's minimal API does it: a value that does not
/// parse is a <see cref="BadHttpRequestException"/>, which ProblemMapping answers with a 400.</summary>
public static class QueryBinding
{
    public static AuditQuery Audit(IQueryCollection query) => new()
    {
        From = Parse(query, "from", static s => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var v) ? v : (DateTimeOffset?)null),
        To = Parse(query, "to", static s => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var v) ? v : (DateTimeOffset?)null),
        Physician = Text(query, "physician"),
        Patient = Text(query, "patient"),
        Decision = Text(query, "decision"),
        Reason = Text(query, "reason"),
        Category = Text(query, "category"),
        Override = Flag(query, "override"),
        Event = Text(query, "event"),
        Cursor = Text(query, "cursor"),
        Limit = Int(query, "limit"),
        Order = Text(query, "order"),
        Format = Text(query, "format"),
    };

    public static int? Int(IQueryCollection query, string name) =>
        Parse(query, name, static s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null);

    public static bool? Flag(IQueryCollection query, string name) =>
        Parse(query, name, static s => bool.TryParse(s, out var v) ? v : (bool?)null);

    /// <summary>The form of a reader POST; a body that is not a form is refused with a 415.</summary>
    public static async Task<IFormCollection> FormAsync(HttpContext context) =>
        context.Request.HasFormContentType
            ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false)
            : throw new BadHttpRequestException("Expected a form body.", StatusCodes.Status415UnsupportedMediaType);

    private static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) ? value.ToString() : null;

    private static T? Parse<T>(IQueryCollection query, string name, Func<string, T?> parse)
        where T : struct
    {
        if (Text(query, name) is not { Length: > 0 } text)
        {
            return null;
        }

        return parse(text) ?? throw new BadHttpRequestException($"Failed to bind parameter \"{name}\".", StatusCodes.Status400BadRequest);
    }
}
