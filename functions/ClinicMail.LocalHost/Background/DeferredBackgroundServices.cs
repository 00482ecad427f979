using ClinicMail.Application.Hosting;

namespace ClinicMail.LocalHost.Background;

/// <summary>The local host's background duties (record filing delivery and the sent-mail folder, the
/// incoming-mail queue and drop folder, audit maintenance, the purge) are started once the server
/// listens instead of before (docs/performance.md, "API p99 and cold start"). None of them is needed to
/// answer a check, yet the host used to build each one and run the start of its loop — a first database
/// round, folder scans, the FHIR and PDF libraries loaded — on the start-up thread before Kestrel bound.</summary>
/// <remarks>
/// <para>Readiness stays honest: until every deferred service has started, <c>/api/ready</c> answers
/// 503 <c>starting</c> (see <see cref="WaitAsync"/>). A service that fails to start stops the
/// application, as it did when it started before the server.</para>
/// <para>The start-up warm-up (<see cref="StartupWarmUp"/>) is not deferred: it compiles the check path
/// on another core while the server starts, which is the point of it.</para>
/// </remarks>
public sealed class DeferredBackgroundServices : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly IReadOnlyList<ServiceDescriptor> _deferred;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<DeferredBackgroundServices> _logger;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IHostedService> _running = [];
    private readonly List<IHostedService> _created = [];
    private CancellationTokenRegistration _onStarted;
    private Task _startTask = Task.CompletedTask;
    private volatile bool _disposed;

    internal DeferredBackgroundServices(IServiceProvider services, IReadOnlyList<ServiceDescriptor> deferred)
    {
        _services = services;
        _deferred = deferred;
        _lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        _logger = services.GetRequiredService<ILogger<DeferredBackgroundServices>>();
    }

    /// <summary>Runs <paramref name="register"/>, then moves the hosted services it added behind one
    /// <see cref="DeferredBackgroundServices"/>, which starts them when the application has started.
    /// The warm-up, when <paramref name="warmUp"/>, is registered again to start with the host.</summary>
    public static IServiceCollection AddDeferred(IServiceCollection services, bool warmUp, Action<IServiceCollection> register)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(register);
        var before = services.Where(IsHostedService).ToHashSet();
        register(services);
        var deferred = services.Where(d => IsHostedService(d) && !before.Contains(d)).ToList();
        foreach (var descriptor in deferred)
        {
            services.Remove(descriptor);
        }

        if (warmUp)
        {
            services.AddHostedService(sp => sp.GetRequiredService<StartupWarmUp>());
        }

        services.AddSingleton(sp => new DeferredBackgroundServices(sp, deferred));
        services.AddHostedService(sp => sp.GetRequiredService<DeferredBackgroundServices>());
        return services;
    }

    private static bool IsHostedService(ServiceDescriptor descriptor) =>
        descriptor.ServiceType == typeof(IHostedService) && !descriptor.IsKeyedService;

    /// <summary>How many background services are deferred (for the tests and the log).</summary>
    public int Count => _deferred.Count;

    /// <summary>True once every deferred service has started.</summary>
    public bool HasStarted => _started.Task.IsCompletedSuccessfully;

    /// <summary>Waits at most <paramref name="timeout"/> for the deferred services to start.</summary>
    /// <returns>True when they have started; false when they are still starting or one failed.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _started.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
#pragma warning disable CA1031 // A failed start is logged where it happens and stops the app; here it only means "not ready".
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _onStarted = _lifetime.ApplicationStarted.Register(() => _startTask = Task.Run(() => StartDeferredAsync(_stopping.Token)));
        return Task.CompletedTask;
    }

    private async Task StartDeferredAsync(CancellationToken stopping)
    {
        // Resolved here, not at registration: the warm-up's hosted service is the StartupWarmUp singleton.
        var warmUp = _services.GetService<StartupWarmUp>();
        try
        {
            foreach (var descriptor in _deferred)
            {
                stopping.ThrowIfCancellationRequested();
                var service = Create(descriptor);
                if (ReferenceEquals(service, warmUp))
                {
                    continue; // started with the host, before the server listens (AddDeferred)
                }

                await service.StartAsync(stopping).ConfigureAwait(false);
                lock (_running)
                {
                    _running.Add(service);
                }
            }

            _started.TrySetResult();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            _started.TrySetCanceled(stopping);
        }
#pragma warning disable CA1031 // Reported, then the app stops: a background duty that cannot start must not go unnoticed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogCritical("A background service failed to start ({ExceptionType}); the application stops", ex.GetType().Name);
            _started.TrySetException(ex);
            _lifetime.StopApplication();
        }
    }

    private IHostedService Create(ServiceDescriptor descriptor)
    {
        if (descriptor.ImplementationInstance is IHostedService instance)
        {
            return instance;
        }

        if (descriptor.ImplementationFactory is { } factory)
        {
            return (IHostedService)factory(_services);
        }

        // A type the container would have built and owned: built here, disposed with this object.
        var created = (IHostedService)ActivatorUtilities.CreateInstance(_services, descriptor.ImplementationType!);
        _created.Add(created);
        return created;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _disposed ? Task.CompletedTask : StopCoreAsync(cancellationToken);

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        await _onStarted.DisposeAsync().ConfigureAwait(false);
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _startTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: a start that was under way gave up.
        }

        IHostedService[] running;
        lock (_running)
        {
            running = [.. _running];
            _running.Clear();
        }

        // Reverse order, as the host stops its own services.
        foreach (var service in running.Reverse())
        {
            await service.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The container may dispose this before the host stops it (WebApplicationFactory does):
    /// what still runs is stopped first.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await StopCoreAsync(CancellationToken.None).ConfigureAwait(false);
        _disposed = true;
        foreach (var service in _created)
        {
            if (service is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (service is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }

        _stopping.Dispose();
    }
}
