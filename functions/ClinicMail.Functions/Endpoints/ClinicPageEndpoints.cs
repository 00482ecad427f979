namespace ClinicMail.Functions.Endpoints;

/// <summary>The clinic's page (wwwroot/clinic, docs/clinic-page.md): static and anonymous like the
/// review page; its data calls carry a token and the registry API checks the role.</summary>
public static class ClinicPageEndpoints
{
    /// <summary><c>/clinic</c> without the slash: the page's relative links need the folder form.</summary>
    public static IApplicationBuilder UseClinicPageRedirect(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.Equals("/clinic", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect("/clinic/");
            return Task.CompletedTask;
        }

        if (context.Request.Path.StartsWithSegments("/clinic", StringComparison.OrdinalIgnoreCase))
        {
            // The page runs only its own script and styles, and talks only to this origin.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
        }

        return next(context);
    });
}
