using System.Diagnostics;
using ClinicMail.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>Where a store's <see cref="NearMissReplica{TToken}"/> reads its rows. The token says
/// what the index has seen, in the store's own terms (a PostgreSQL snapshot; SQLite's highest row
/// id and a change counter), so the directory can ask the database, in the same round trip as the
/// exact look-up, whether anything was written since.</summary>
internal interface INearMissFeed<TToken>
    where TToken : class
{
    /// <summary>Adds every address row to <paramref name="index"/>, read in one consistent snapshot,
    /// and returns the token of that snapshot.</summary>
    Task<TToken> LoadAllAsync(NearMissIndex index, CancellationToken cancellationToken);

    /// <summary>Adds the rows written (inserted or re-keyed) since <paramref name="since"/> and returns
    /// the new token; null when the store cannot say which rows those are (the index is rebuilt).</summary>
    Task<TToken?> LoadChangesAsync(NearMissIndex index, TToken since, CancellationToken cancellationToken);
}

/// <summary>A directory that can search near misses in an in-process index (the SQLite and PostgreSQL
/// ones): what the warm-up, the benchmarks and the tests need from it, whatever the store.</summary>
internal interface INearMissIndexed
{
    /// <summary>Builds the index now instead of at the first look-up; nothing when the directory searches the database.</summary>
    Task WarmUpNearMissIndexAsync(CancellationToken cancellationToken = default);

    /// <summary>The index built so far (null: none, or the directory searches the database).</summary>
    NearMissIndex? NearMissIndex { get; }

    /// <summary>Completes when the build or catch-up under way, if any, is done.</summary>
    Task NearMissIdleAsync();
}

/// <summary>Keeps a <see cref="NearMissIndex"/> of one store up to date in the background. Until the
/// first build completes (and while a build keeps failing) <see cref="Current"/> is null and the
/// directory searches near misses in the database, as it always could: the replica only ever makes
/// the search cheaper, never skips it.</summary>
/// <remarks>Single flight: one build or catch-up at a time. A catch-up adds the new rows to the same
/// index (look-ups go on meanwhile, and use the database while their freshness test fails); a feed
/// that cannot tell what changed causes a full rebuild into a new index, swapped in when complete.
/// Logs counts, durations and exception types only (no address ever).</remarks>
internal sealed class NearMissReplica<TToken> : IDisposable
    where TToken : class
{
    /// <summary>Wait before trying again after a failed build or catch-up.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    private readonly INearMissFeed<TToken> _feed;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private volatile State? _state;
    private Task _work = Task.CompletedTask;
    private DateTimeOffset _notBefore;

    public NearMissReplica(INearMissFeed<TToken> feed, ILogger? logger = null, TimeProvider? time = null)
    {
        _feed = feed;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>An index and the token of what it holds.</summary>
    public sealed record State(NearMissIndex Index, TToken Token);

    /// <summary>The index to use, or null while none is built (the first call starts the build).</summary>
    public State? Current
    {
        get
        {
            var state = _state;
            if (state is null)
            {
                Run(null);
            }

            return state;
        }
    }

    /// <summary>The index built so far, without starting a build (tests, diagnostics).</summary>
    public State? Peek => _state;

    /// <summary>A look-up found rows written after <paramref name="seen"/>: add them in the background.</summary>
    public void CatchUp(State seen) => Run(seen);

    /// <summary>Starts the build if needed and waits until an index is ready (warm-up, tests, benchmarks).</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        while (_state is null)
        {
            lock (_lock)
            {
                _notBefore = default;
            }

            Run(null);
            await IdleAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_state is null)
            {
                throw new InvalidOperationException("The near-miss index could not be built; see the log.");
            }
        }
    }

    /// <summary>Waits for the catch-up or build under way, if any (tests).</summary>
    public Task IdleAsync()
    {
        lock (_lock)
        {
            return _work;
        }
    }

    /// <summary>Stops the background work. Idempotent (the host disposes the directory both as
    /// itself and through its backend). The token source is cancelled, not disposed: a build still
    /// running may be registering on its token, and a source without timers holds nothing to free.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (!_stop.IsCancellationRequested)
            {
                _stop.Cancel();
            }
        }
    }

    private void Run(State? seen)
    {
        lock (_lock)
        {
            if (!_work.IsCompleted || _stop.IsCancellationRequested || _time.GetUtcNow() < _notBefore)
            {
                return;
            }

            // A catch-up starts from the newest state: an older request (another catch-up already moved
            // the token on) then finds only what is newer still.
            var token = _stop.Token;
            var from = _state ?? seen;
            _work = Task.Run(() => from is null ? BuildAsync(token) : CatchUpAsync(from, token), CancellationToken.None);
        }
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var previous = _state;
            var index = new NearMissIndex(previous is null ? 1024 : previous.Index.Count + 1024);
            var token = await _feed.LoadAllAsync(index, cancellationToken).ConfigureAwait(false);
            _state = new State(index, token);
            _logger.LogInformation("Near-miss index built: {Rows} address rows, ~{Megabytes} MB, in {Milliseconds} ms.",
                index.Count, index.ApproximateBytes / (1024 * 1024), watch.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            lock (_lock)
            {
                _notBefore = _time.GetUtcNow() + RetryDelay;
            }

            _logger.LogWarning("Near-miss index build failed ({ExceptionType}); look-ups search near misses in the database meanwhile.", exception.GetType().Name);
        }
    }

    private async Task CatchUpAsync(State seen, CancellationToken cancellationToken)
    {
        try
        {
            var token = await _feed.LoadChangesAsync(seen.Index, seen.Token, cancellationToken).ConfigureAwait(false);
            if (token is null)
            {
                await BuildAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            _state = new State(seen.Index, token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            lock (_lock)
            {
                _notBefore = _time.GetUtcNow() + RetryDelay;
            }

            _logger.LogWarning("Near-miss index catch-up failed ({ExceptionType}); look-ups search near misses in the database meanwhile.", exception.GetType().Name);
        }
    }
}
