using static ClinicMail.Application.Secure.ReaderPage;

namespace ClinicMail.Application.Secure;

/// <summary>An HTML page of the reader with its security headers.</summary>
internal sealed class ReaderHtmlResult(int status, string html) : IResult
{
    public int StatusCode => status;

    public string Html => html;

    /// <summary>The page of a request the rate limits refused (429); here, below the handlers, because the
    /// limits (ReaderRateLimits) answer before any handler runs.</summary>
    public static ReaderHtmlResult TooManyRequests(string lang) =>
        new(429, Render(lang, ReaderTexts.TooManyTitle, Paragraph(ReaderTexts.TooMany, lang, "too-many", "error"), null));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        ReaderHeaders.Apply(response);
        return response.WriteAsync(html, httpContext.RequestAborted);
    }
}

/// <summary>303 See Other after a form post (the browser follows with a GET; a reload does not resubmit).</summary>
internal sealed class SeeOtherResult(string location) : IResult
{
    public string Location => location;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        httpContext.Response.Headers.Location = location;
        ReaderHeaders.Apply(httpContext.Response);
        return Task.CompletedTask;
    }
}

internal static class ReaderHeaders
{
    public static void Apply(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XFrameOptions = "DENY";
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
        response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
        response.Headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()";
    }
}
