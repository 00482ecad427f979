using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ClinicMail.LocalHost.Background;
using ClinicMail.LocalHost.Endpoints;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClinicMail.Functions.Tests.Hardening;

/// <summary>Cold start (issue 14, perf14): the local host starts its background duties once the server
/// listens. They still all start, in order, and stop; /api/ready says "starting" until they have; a
/// duty that cannot start stops the app.</summary>
public sealed class DeferredStartTests
{
    [Test]
    public async Task DeferredServices_StartOnlyAfterTheApplicationStarted_InOrder_AndStopInReverse()
    {
        var events = new ConcurrentQueue<string>();
        using var host = BuildHost(events, services =>
        {
            services.AddSingleton<IHostedService>(sp => new RecordingService("first", events, sp.GetRequiredService<IHostApplicationLifetime>()));
            services.AddSingleton<IHostedService>(sp => new RecordingService("second", events, sp.GetRequiredService<IHostApplicationLifetime>()));
        });

        await host.StartAsync();
        var deferred = host.Services.GetRequiredService<DeferredBackgroundServices>();
        Assert.That(await deferred.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None), Is.True);
        await host.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(deferred.Count, Is.EqualTo(2));
            // Each deferred service records whether ApplicationStarted had fired when it started: the order of the
            // callbacks on that token (the test's own "application started" line and the one that starts the deferred
            // services) is not guaranteed, the signal is.
            Assert.That(events, Is.EqualTo(new[] { "undeferred started", "first started after the application started", "second started after the application started", "second stopped", "first stopped", "undeferred stopped" }));
        });
    }

    [Test]
    public async Task WaitAsync_WhileAServiceIsStillStarting_IsFalse_ThenTrueOnceItHas()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(new ConcurrentQueue<string>(), services => services.AddHostedService(_ => new GatedService(release.Task)));

        await host.StartAsync();
        var deferred = host.Services.GetRequiredService<DeferredBackgroundServices>();
        Assert.That(await deferred.WaitAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None), Is.False);
        Assert.That(deferred.HasStarted, Is.False);

        release.SetResult();
        Assert.That(await deferred.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None), Is.True);
        await host.StopAsync();
    }

    [Test]
    public async Task AServiceThatFailsToStart_StopsTheApplication_AndIsNeverReported()
    {
        using var host = BuildHost(new ConcurrentQueue<string>(), services => services.AddHostedService(_ => new FailingService()));
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        await host.StartAsync();
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var deferred = host.Services.GetRequiredService<DeferredBackgroundServices>();
        Assert.That(await deferred.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None), Is.False, "a failed start is never 'started'");
        await host.StopAsync();
    }

    [Test]
    public async Task LocalHost_DefersClinicMailsBackgroundServices_AndIsReadyOnceTheyStarted()
    {
        using var factory = new ClinicMailFactory();
        using var client = factory.CreateClient();

        using var ready = await client.GetAsync(new Uri("/api/ready", UriKind.Relative));
        var deferred = factory.Services.GetRequiredService<DeferredBackgroundServices>();
        var hosted = factory.Services.GetServices<IHostedService>().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(deferred.HasStarted, Is.True, "ready only once the deferred services started");
            Assert.That(deferred.Count, Is.GreaterThanOrEqualTo(3), "filing, incoming mail, audit maintenance, purge… are deferred");
            Assert.That(hosted.OfType<ClinicMail.Application.Audit.AuditMaintenanceService>(), Is.Empty, "started by the deferred services, not by the host");
            Assert.That(hosted, Has.Exactly(1).InstanceOf<DeferredBackgroundServices>());
        });
    }

    [Test]
    public async Task Ready_WhileBackgroundServicesAreStarting_Answers503Starting()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(new ConcurrentQueue<string>(), services => services.AddHostedService(_ => new GatedService(release.Task)));
        await host.StartAsync();
        var deferred = host.Services.GetRequiredService<DeferredBackgroundServices>();

        // The endpoint's wait is bounded; a service still starting after it makes the answer 503 "starting".
        using var factory = new ClinicMailFactory();
        var probe = factory.Services.GetRequiredService<ClinicMail.Application.Http.ReadinessProbe>();
        var answer = await SystemEndpoints.ReadyAsync(probe, deferred, CancellationToken.None);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = factory.Services };
        context.Response.Body = new MemoryStream();
        await answer.Result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);

        Assert.Multiple(() =>
        {
            Assert.That(context.Response.StatusCode, Is.EqualTo(503));
            Assert.That(body.RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()), Does.Contain("starting"));
        });
        release.SetResult();
        await host.StopAsync();
    }

    private static IHost BuildHost(ConcurrentQueue<string> events, Action<IServiceCollection> register)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IHostedService>(_ => new RecordingService("undeferred", events));
        DeferredBackgroundServices.AddDeferred(builder.Services, warmUp: false, register);
        var host = builder.Build();
        return host;
    }

    /// <summary>Records its start and stop; given the lifetime, the start line says whether the application had started by then.</summary>
    private sealed class RecordingService(string name, ConcurrentQueue<string> events, IHostApplicationLifetime? lifetime = null) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var when = lifetime is null ? "" : lifetime.ApplicationStarted.IsCancellationRequested ? " after the application started" : " before the application started";
            events.Enqueue(name + " started" + when);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            events.Enqueue(name + " stopped");
            return Task.CompletedTask;
        }
    }

    private sealed class GatedService(Task gate) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => gate.WaitAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class FailingService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("cannot start");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
