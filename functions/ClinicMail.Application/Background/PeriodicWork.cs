namespace ClinicMail.Application.Background;

/// <summary>The one loop every background worker of the local host runs (the drop-folder watcher, the
/// database queue worker, the Sent Items sweep, the purge…): a round, then a wait, until the host stops.
/// A round that succeeds waits <see cref="Interval"/> — or less, when <see cref="Wake"/> says there is
/// work; a round that fails waits a bounded, jittered exponential backoff (<see cref="RetryBackoff"/>) so a
/// database or Graph that is down is not hammered, and the next success resets it. No exception escapes:
/// a hosted service that throws stops for good (or stops the host). The log line names the work and the
/// exception's type only — never a message, which could carry an address or a subject.</summary>
public sealed class PeriodicWork
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<double> _jitter;
    private TaskCompletionSource _wake = NewSignal();

    /// <param name="name">A fixed id for the log ("drop-folder", "incoming-queue"…), never data.</param>
    /// <param name="interval">The wait after a round that succeeded.</param>
    /// <param name="backoff">The waits after rounds that failed.</param>
    /// <param name="time">Every wait is measured on it (a fake one in tests).</param>
    /// <param name="logger">Where failures are logged (type only).</param>
    /// <param name="jitter">A number in [0, 1) per failure; <see cref="RetryBackoff.Draw"/> unless a test fixes it.</param>
    public PeriodicWork(string name, TimeSpan interval, RetryBackoff backoff, TimeProvider time, ILogger logger, Func<double>? jitter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Name = name;
        Interval = interval;
        Backoff = backoff;
        _time = time;
        _logger = logger;
        _jitter = jitter ?? RetryBackoff.Draw;
    }

    public string Name { get; }

    public TimeSpan Interval { get; }

    public RetryBackoff Backoff { get; }

    /// <summary>Rounds failed in a row (0 after a success).</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Ends the wait after a successful round now (something was enqueued). A wake during a round
    /// is kept, so the next round follows at once; a backoff is not cut short.</summary>
    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>Runs <paramref name="round"/> until <paramref name="stoppingToken"/> is cancelled; returns then,
    /// never throws.</summary>
    /// <param name="round">One pass of the work.</param>
    /// <param name="stoppingToken">The host's stopping token.</param>
    /// <param name="waitFirst">Wait one interval before the first round (work that should not compete with a
    /// cold start).</param>
    public async Task RunAsync(Func<CancellationToken, Task> round, CancellationToken stoppingToken, bool waitFirst = false)
    {
        if (waitFirst && !await WaitAsync(Interval, wakeable: true, stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            var failed = false;
            try
            {
                await round(stoppingToken).ConfigureAwait(false);
                ConsecutiveFailures = 0;
                wait = Interval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive anything a round throws (database down, Graph refusing, a full disk).
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failed = true;
                ConsecutiveFailures++;
                wait = Backoff.Delay(ConsecutiveFailures, _jitter());
                _logger.LogWarning("Background work {Work} failed ({ExceptionType}), {Failures} in a row; next try in {DelayMs} ms",
                    Name, exception.GetType().Name, ConsecutiveFailures, (long)wait.TotalMilliseconds);
            }

            if (!await WaitAsync(wait, wakeable: !failed, stoppingToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Waits on the time provider (or a wake); false when the host is stopping.</summary>
    private async Task<bool> WaitAsync(TimeSpan wait, bool wakeable, CancellationToken stoppingToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(wait, _time, waiting.Token);
        await (wakeable ? Task.WhenAny(delay, Volatile.Read(ref _wake).Task) : Task.WhenAny(delay)).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        if (stoppingToken.IsCancellationRequested)
        {
            return false;
        }

        // A wake from now on belongs to the next wait: the round about to run sees what came before.
        Interlocked.Exchange(ref _wake, NewSignal());
        return true;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Bounded exponential backoff with jitter: after the n-th failure in a row the wait is
/// <c>First × 2^(n−1)</c>, capped at <c>Max</c>, then drawn in its upper half ("equal jitter": at least
/// half the step, so retries still slow down, and workers that failed together do not retry together).</summary>
public sealed record RetryBackoff(TimeSpan First, TimeSpan Max)
{
    /// <summary>A jitter draw in [0, 1). Spreading retries needs no secret: the shared fast generator serves.</summary>
#pragma warning disable CA5394 // Not security: only when a retry happens.
    public static double Draw() => Random.Shared.NextDouble();
#pragma warning restore CA5394

    /// <summary>The wait after <paramref name="failures"/> failures in a row (1 or more), for a jitter draw in [0, 1).</summary>
    public TimeSpan Delay(int failures, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        // 2^30 steps already exceed any cap; the exponent is bounded so the arithmetic cannot overflow.
        var step = First.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(step, Max.TotalMilliseconds);
        var drawn = capped / 2 + capped / 2 * Math.Clamp(jitter, 0, 1);
        return TimeSpan.FromMilliseconds(drawn);
    }
}
