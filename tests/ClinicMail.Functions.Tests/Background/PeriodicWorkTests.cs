using System.Collections.Concurrent;
using System.Threading.Channels;
using ClinicMail.Application.Background;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ClinicMail.Functions.Tests.Background;

/// <summary>The background workers' one loop (<see cref="PeriodicWork"/>) on a fake clock: every wait it
/// starts is observed (its due time), then the clock is moved by exactly that much. No real waiting.</summary>
public sealed class PeriodicWorkTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly RetryBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<string> _logs = new();

    [SetUp]
    public void ClearLogs() => _logs.Clear();

    private ILogger Logger() => new CapturingLoggerProvider(_logs).CreateLogger("PeriodicWorkTests");

    [Test]
    public void Backoff_DoublesFromFirst_CappedAtMax_DrawnInTheUpperHalf()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(1, 6).Select(n => backoff.Delay(n, 1).TotalSeconds), Is.EqualTo(new double[] { 2, 4, 8, 16, 30, 30 }));
            Assert.That(backoff.Delay(3, 0), Is.EqualTo(TimeSpan.FromSeconds(4)), "at least half the step");
            Assert.That(backoff.Delay(3, 0.5), Is.EqualTo(TimeSpan.FromSeconds(6)));
            Assert.That(backoff.Delay(1000, 1), Is.EqualTo(TimeSpan.FromSeconds(30)), "no overflow past the cap");
            Assert.That(Enumerable.Range(0, 200).Select(_ => backoff.Delay(2, RetryBackoff.Draw())),
                Has.All.InRange(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)));
            Assert.Throws<ArgumentOutOfRangeException>(() => backoff.Delay(0, 0.5));
        });
    }

    [Test]
    public async Task FailingRounds_BackOffExponentially_ResetAfterASuccess()
    {
        var time = new ObservedTime();
        var failAt = new HashSet<int> { 1, 2, 3, 4, 6 };
        var rounds = 0;
        var work = new PeriodicWork("test-work", Interval, Backoff, time, Logger(), jitter: () => 1);
        using var stop = new CancellationTokenSource();

        var run = work.RunAsync(_ => ++rounds is var n && failAt.Contains(n) ? throw new IOException("disk") : Task.CompletedTask, stop.Token);
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var due = await time.NextWaitAsync();
            waits.Add(due);
            time.Advance(due);
        }

        await time.NextWaitAsync(); // the seventh round ran
        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(waits.Select(w => w.TotalSeconds), Is.EqualTo(new double[] { 1, 2, 3, 3, 10, 1 }),
                "1 s, 2 s, then capped at 3 s; the interval after the success; 1 s again after it");
            Assert.That(rounds, Is.EqualTo(7));
            Assert.That(work.ConsecutiveFailures, Is.Zero);
            Assert.That(run.IsCompletedSuccessfully, Is.True, "no exception escaped");
        });
    }

    [Test]
    public async Task RoundNotRunBeforeItsWaitHasPassed()
    {
        var time = new ObservedTime();
        var rounds = 0;
        var work = new PeriodicWork("test-work", Interval, Backoff, time, Logger(), jitter: () => 1);
        using var stop = new CancellationTokenSource();

        var run = work.RunAsync(_ => ++rounds == 1 ? throw new TimeoutException() : Task.CompletedTask, stop.Token);
        var due = await time.NextWaitAsync();
        time.Advance(due - TimeSpan.FromMilliseconds(1));
        await Task.Delay(100);
        var early = Volatile.Read(ref rounds);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await time.NextWaitAsync();
        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        Assert.That((early, rounds), Is.EqualTo((1, 2)));
    }

    [Test]
    public async Task Cancelled_WhileWaiting_ReturnsWithoutThrowing()
    {
        var time = new ObservedTime();
        var work = new PeriodicWork("test-work", Interval, Backoff, time, Logger());
        using var stop = new CancellationTokenSource();

        var run = work.RunAsync(_ => Task.CompletedTask, stop.Token);
        await time.NextWaitAsync();
        await stop.CancelAsync();

        await run.WaitAsync(Patience);
        Assert.That(run.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task Cancelled_DuringARound_ReturnsWithoutCountingAFailure()
    {
        var time = new ObservedTime();
        var work = new PeriodicWork("test-work", Interval, Backoff, time, Logger());
        using var stop = new CancellationTokenSource();

        var run = work.RunAsync(async ct =>
        {
            await stop.CancelAsync();
            ct.ThrowIfCancellationRequested();
        }, stop.Token);

        await run.WaitAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(run.IsCompletedSuccessfully, Is.True);
            Assert.That(work.ConsecutiveFailures, Is.Zero);
            Assert.That(_logs, Is.Empty, "a stop is not a failure");
        });
    }

    [Test]
    public async Task AnyException_Logged_ByWorkNameAndTypeOnly_LoopGoesOn()
    {
        var time = new ObservedTime();
        var work = new PeriodicWork("drop-folder", Interval, Backoff, time, Logger(), jitter: () => 0);
        using var stop = new CancellationTokenSource();
        Exception[] failures =
        [
            new InvalidOperationException("marie.roy@example.com: Renouvellement"),
            new OperationCanceledException("a cancellation that is not the host's"),
            new OutOfMemoryException(),
        ];
        var rounds = 0;

        var run = work.RunAsync(_ => rounds < failures.Length ? throw failures[rounds++] : Task.CompletedTask, stop.Token);
        for (var i = 0; i < failures.Length; i++)
        {
            time.Advance(await time.NextWaitAsync());
        }

        await time.NextWaitAsync();
        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        var lines = _logs.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(run.IsCompletedSuccessfully, Is.True);
            Assert.That(lines, Has.Count.EqualTo(3));
            Assert.That(lines[0], Does.Contain("drop-folder").And.Contain("InvalidOperationException").And.Contain("500 ms"));
            Assert.That(lines[2], Does.Contain("OutOfMemoryException").And.Contain("3 in a row"));
            Assert.That(string.Join("\n", lines), Does.Not.Contain("example.com").And.Not.Contain("Renouvellement"), "never the exception's message");
        });
    }

    [Test]
    public async Task Wake_EndsTheIntervalAtOnce_ButNotABackoff()
    {
        var time = new ObservedTime();
        var rounds = Channel.CreateUnbounded<int>();
        var count = 0;
        var work = new PeriodicWork("test-work", Interval, Backoff, time, Logger(), jitter: () => 1);
        using var stop = new CancellationTokenSource();

        var run = work.RunAsync(_ =>
        {
            rounds.Writer.TryWrite(++count);
            return count == 2 ? throw new IOException() : Task.CompletedTask;
        }, stop.Token);
        Assert.That(await rounds.Reader.ReadAsync().AsTask().WaitAsync(Patience), Is.EqualTo(1));
        Assert.That(await time.NextWaitAsync(), Is.EqualTo(Interval));
        work.Wake();
        Assert.That(await rounds.Reader.ReadAsync().AsTask().WaitAsync(Patience), Is.EqualTo(2), "woken: no 10 s wait");
        Assert.That(await time.NextWaitAsync(), Is.EqualTo(TimeSpan.FromSeconds(1)), "round 2 failed: a backoff");
        work.Wake();
        await Task.Delay(100);
        Assert.That(rounds.Reader.TryRead(out _), Is.False, "a wake does not cut a backoff short");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await rounds.Reader.ReadAsync().AsTask().WaitAsync(Patience), Is.EqualTo(3));

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    /// <summary>A fake clock that reports each wait started on it (a timer's due time), so a test moves the
    /// clock only once the loop is actually waiting.</summary>
    private sealed class ObservedTime : TimeProvider
    {
        private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

        public void Advance(TimeSpan by) => _clock.Advance(by);

        public Task<TimeSpan> NextWaitAsync() => _waits.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        public override DateTimeOffset GetUtcNow() => _clock.GetUtcNow();

        public override long GetTimestamp() => _clock.GetTimestamp();

        public override long TimestampFrequency => _clock.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = _clock.CreateTimer(callback, state, dueTime, period);
            _waits.Writer.TryWrite(dueTime);
            return timer;
        }
    }
}
