using ClinicMail.Application.Http;
using Microsoft.Extensions.Options;

namespace ClinicMail.LocalHost.Hosting;

/// <summary>The local host's edge hardening (issue 22), kept apart from the main pipeline so each step
/// says why it is where it is.</summary>
public static class HardeningPipeline
{
    /// <summary>Right after the caller's language is known: the client address from a trusted proxy only
    /// (before any per-IP limit reads it), a body on every bare error status, and the URL checks.</summary>
    public static WebApplication UseClinicMailEdge(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseStatusCodePages(context => ErrorAnswers.WriteAsync(context.HttpContext));
        var guards = app.Services.GetRequiredService<IOptions<RequestGuardOptions>>().Value;
        app.Use(async (context, next) =>
        {
            if (ErrorAnswers.RefuseUrl(context, guards.MaxUrlChars) is { } refusal)
            {
                await refusal.ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        return app;
    }

    /// <summary>After routing (it reads the endpoint's policy) and authentication (a slow token-metadata fetch is not
    /// the request's work): the request timeout of the guarded routes.</summary>
    public static WebApplication UseClinicMailRequestTimeouts(this WebApplication app)
    {
        app.UseRequestTimeouts();
        return app;
    }
}
