using ClinicMail.Application.Identity;
using Microsoft.Extensions.Options;

namespace ClinicMail.LocalHost.Endpoints;

/// <summary>The clinic's page (wwwroot/clinic, docs/clinic-page.md): static and anonymous like the
/// review page; its data calls carry a token and the registry API checks the role.</summary>
public static class ClinicPageEndpoints
{
    public static IApplicationBuilder UseClinicPageRedirect(this IApplicationBuilder app) => app.UseStaticPageFolder("/clinic");

    /// <summary>A static page folder: <paramref name="folder"/> without the slash redirects to the folder
    /// form (the page's relative links need it), and everything under it gets a Content-Security-Policy
    /// that lets the page run only its own script and styles and talk only to this origin (and, in Entra mode,
    /// to the identity provider for MSAL's token requests).</summary>
    public static IApplicationBuilder UseStaticPageFolder(this IApplicationBuilder app, string folder) => app.Use((context, next) =>
    {
        if (context.Request.Path.Equals(folder, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect(folder + "/");
            return Task.CompletedTask;
        }

        if (context.Request.Path.StartsWithSegments(folder, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.ContentSecurityPolicy = PageSignIn.ContentSecurityPolicy(context.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value);
        }

        return next(context);
    });
}
