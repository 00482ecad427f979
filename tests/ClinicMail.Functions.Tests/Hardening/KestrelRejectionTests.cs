using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests.Hardening;

/// <summary>Issue 22 item 8's leftover: a request path with <c>%00</c> gets an empty 400. This shows why
/// the app cannot shape it: Kestrel decodes the request target while parsing the request line and
/// refuses a decoded NUL there, before any <c>HttpContext</c> exists. A probe placed in front of the
/// whole pipeline (an <see cref="IStartupFilter"/>, outside every app middleware) never sees the
/// request, Kestrel's own bad-request log names the reason, and the answer has no body and closes the
/// connection. The same probe sees <c>%01</c>, which the app answers with ProblemDetails.</summary>
public sealed class KestrelRejectionTests
{
    [Test]
    public async Task NulInPath_RefusedByKestrelBeforeThePipeline_NoAppCodeRuns()
    {
        var seen = new List<string>();
        using var factory = new ProbedFactory(seen);
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();

        using var control = await client.GetAsync("/api/v1/audit/%01records");
        Assert.That(seen, Has.Count.EqualTo(1), "the probe sees a request that reaches the pipeline");
        Assert.That(control.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));

        using var nul = await client.GetAsync("/api/v1/audit/%00records");
        var body = await nul.Content.ReadAsByteArrayAsync();

        Assert.Multiple(() =>
        {
            Assert.That((int)nul.StatusCode, Is.EqualTo(400));
            Assert.That(body, Is.Empty, "Kestrel writes the 400 itself, without a body");
            Assert.That(nul.Headers.ConnectionClose, Is.True, "and closes the connection");
            Assert.That(seen, Has.Count.EqualTo(1), "no app code ran: the probe in front of every middleware never saw it");
            Assert.That(factory.Logs.Any(l => l.Contains("Microsoft.AspNetCore.Server.Kestrel.BadRequests", StringComparison.Ordinal)),
                Is.True, "Kestrel's bad-request log says it refused the request line");
        });
    }

    /// <summary>The app with a probe at the very front of the pipeline, and Kestrel's bad-request log on.</summary>
    private sealed class ProbedFactory(List<string> seen) : ClinicMailFactory(new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel.BadRequests"] = "Debug",
    })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new Probe(seen)));
        }
    }

    private sealed class Probe(List<string> seen) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                lock (seen)
                {
                    seen.Add(context.Request.Path);
                }

                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
