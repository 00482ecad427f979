using System.Text.Json;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Http;
using ClinicMail.Application.Problems;
using ClinicMail.Application.Secure;
using ClinicMail.Application.Validation;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;

namespace ClinicMail.Functions.Http;

/// <summary>What the local host's middleware does for a route, done for one function invocation in the
/// same order and with the same services: security headers, the caller's language, the body limit,
/// the bearer token and the role policy (401 challenge, 403 forbid), JSON binding and validation
/// (400 ProblemDetails), then the application service; an exception goes to the same
/// <see cref="ProblemMapping"/>. The functions are anonymous to the Functions host: identity is the
/// app's own (Entra v2 tokens), as on the local host.</summary>
public sealed class FunctionHttp(
    IAuthorizationService authorization,
    IEnumerable<IExceptionHandler> exceptionHandlers,
    IOptions<ClinicMailOptions> clinic,
    IOptions<LimitsOptions> limits,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ReaderRateLimiter readerLimits,
    ILoggerFactory loggers,
    IOptions<ForwardedHeadersOptions> forwarded,
    RequestGuards guards)
{
    private readonly RequestLocalizationOptions _localization = HttpConventions.Localization();

    /// <summary>A route without a body. <paramref name="policy"/> null: anonymous (health, the patient's reader).</summary>
    public Task RunAsync(HttpRequest request, string? policy, Func<HttpContext, Task<IResult>> handler, Limit? limit = null, LinkRateLimit? rateLimit = null) =>
        PipelineAsync(request.HttpContext, policy, limit, rateLimit, guarded: false, handler);

    /// <summary>A route with a JSON body of <typeparamref name="TBody"/>, validated by its registered validator when there is one.</summary>
    public Task RunAsync<TBody>(HttpRequest request, string? policy, Func<HttpContext, TBody, Task<IResult>> handler, Limit? limit = null)
        where TBody : class =>
        PipelineAsync(request.HttpContext, policy, limit, null, guarded: false, BoundHandler(handler));

    /// <summary>An expensive route (the check, creating a secure message): as <see cref="RunAsync{TBody}"/>, under the
    /// caller's concurrency limit and the request timeout of <see cref="RequestGuards"/> (the local host's <c>WithRequestGuards</c>).</summary>
    public Task RunGuardedAsync<TBody>(HttpRequest request, string? policy, Func<HttpContext, TBody, Task<IResult>> handler, Limit? limit = null)
        where TBody : class =>
        PipelineAsync(request.HttpContext, policy, limit, null, guarded: true, BoundHandler(handler));

    private Func<HttpContext, Task<IResult>> BoundHandler<TBody>(Func<HttpContext, TBody, Task<IResult>> handler)
        where TBody : class => async http =>
        {
            var (body, problem) = await BindAsync<TBody>(http).ConfigureAwait(false);
            return problem ?? await handler(http, body!).ConfigureAwait(false);
        };

    /// <summary>A named body limit (<c>Limits:*</c>), as the local host's <c>WithRequestLimit</c>.</summary>
    public sealed record Limit(string Name, Func<LimitsOptions, long> Bytes);

    /// <summary>A reader route's per-link rate-limit policy (<see cref="ReaderRateLimits"/>), as the local host's
    /// <c>RequireRateLimiting</c>; the per-address limits apply to every reader path without one.</summary>
    public sealed record LinkRateLimit(string Policy, string Token);

    private async Task PipelineAsync(HttpContext http, string? policy, Limit? limit, LinkRateLimit? rateLimit, bool guarded, Func<HttpContext, Task<IResult>> handler)
    {
        // Before anything reads the client address: only the configured proxy (the Functions host) is believed, one hop.
        new ForwardedHeadersMiddleware(_ => Task.CompletedTask, loggers, forwarded).ApplyForwarders(http);
        HttpConventions.AddSecurityHeaders(http, clinic.Value.IsDevelopment);
        var localization = new RequestLocalizationMiddleware(
            async context =>
            {
                try
                {
                    if (ErrorAnswers.RefuseUrl(context, guards.Options.MaxUrlChars) is { } refusal)
                    {
                        await refusal.ExecuteAsync(context).ConfigureAwait(false);
                        return;
                    }

                    if (limit is not null && await HttpConventions.RefuseOversizedAsync(context, limit.Name, limit.Bytes(limits.Value)).ConfigureAwait(false))
                    {
                        return;
                    }

                    // After the body limit and before authentication, where the local host's UseRateLimiter sits.
                    if (!await readerLimits.AdmitAsync(context, rateLimit?.Policy, rateLimit?.Token).ConfigureAwait(false))
                    {
                        return;
                    }

                    if (!await AuthorizeAsync(context, policy).ConfigureAwait(false))
                    {
                        return;
                    }

                    var result = guarded ? await GuardedAsync(context, handler).ConfigureAwait(false) : await handler(context).ConfigureAwait(false);
                    await result.ExecuteAsync(context).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
                {
                    await HandleAsync(context, ex).ConfigureAwait(false);
                }
            },
            Options.Create(_localization),
            loggers);
        await localization.Invoke(http).ConfigureAwait(false);
    }

    /// <summary>The caller's concurrency permit, then the handler under the request timeout: the request's
    /// cancellation token is replaced by one that also fires at the timeout (as ASP.NET Core's
    /// request-timeouts middleware does on the local host).</summary>
    private async Task<IResult> GuardedAsync(HttpContext http, Func<HttpContext, Task<IResult>> handler)
    {
        using var lease = guards.Acquire(http);
        if (!lease.IsAcquired)
        {
            return guards.TooManyResult(http);
        }

        var original = http.RequestAborted;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(original);
        timeout.CancelAfter(guards.Options.RequestTimeout);
        http.RequestAborted = timeout.Token;
        try
        {
            return await handler(http).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !original.IsCancellationRequested)
        {
            return guards.TimedOutResult();
        }
        finally
        {
            http.RequestAborted = original;
        }
    }

    /// <summary>The bearer token is read on every route (as the local host's authentication middleware
    /// does); a policy then needs an authenticated caller (else 401) in the right role (else 403).</summary>
    private async Task<bool> AuthorizeAsync(HttpContext http, string? policy)
    {
        var authenticated = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
        if (authenticated.Succeeded)
        {
            http.User = authenticated.Principal;
        }

        if (policy is null)
        {
            return true;
        }

        if (http.User.Identity?.IsAuthenticated != true)
        {
            await http.ChallengeAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
            return false;
        }

        var decision = await authorization.AuthorizeAsync(http.User, policy).ConfigureAwait(false);
        if (!decision.Succeeded)
        {
            await http.ForbidAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private async Task<(TBody? Body, IResult? Problem)> BindAsync<TBody>(HttpContext http)
        where TBody : class
    {
        if (!http.Request.HasJsonContentType())
        {
            throw new BadHttpRequestException("Expected a JSON body.", StatusCodes.Status415UnsupportedMediaType);
        }

        TBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<TBody>(http.Request.Body, json.Value.SerializerOptions, http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            // The same exception the local host's binder throws, so ProblemMapping answers it the same way.
            throw new BadHttpRequestException("Invalid JSON body.", StatusCodes.Status400BadRequest, ex);
        }

        if (body is null)
        {
            return (null, Problem.Result(400, "missing_body", ProblemTexts.BadJsonTitle, ProblemTexts.BadJson(null)));
        }

        if (http.RequestServices.GetService<IValidator<TBody>>() is { } validator)
        {
            var result = await validator.ValidateAsync(body, http.RequestAborted).ConfigureAwait(false);
            if (!result.IsValid)
            {
                return (null, ValidationProblems.From(result));
            }
        }

        return (body, null);
    }

    private async Task HandleAsync(HttpContext http, Exception exception)
    {
        if (http.Response.HasStarted)
        {
            throw exception;
        }

        http.Response.Clear();
        foreach (var handler in exceptionHandlers)
        {
            if (await handler.TryHandleAsync(http, exception, http.RequestAborted).ConfigureAwait(false))
            {
                return;
            }
        }

        throw exception;
    }
}
