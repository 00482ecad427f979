using System.Security.Cryptography;
using ClinicMail.Application.Filing;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicMail.Application.Http;

/// <summary>Readiness that reflects what a check needs: the store answers, the embedded database file is
/// still there with room to write, and the key provider wraps and unwraps. Each failure is named by a
/// stable reason code (never a path, a host name or a value). The key round trip costs a Key Vault call
/// in production: its result is kept for <see cref="KeyCheckInterval"/>.</summary>
/// <remarks>A singleton: it remembers the last key check.</remarks>
public sealed class ReadinessProbe(IAuditStore audit, IKeyEncryptionKey keys, TimeProvider time, IServiceProvider services)
{
    public static readonly TimeSpan KeyCheckInterval = TimeSpan.FromSeconds(30);

    /// <summary>Below this much free space on the embedded database's disk, the app is not ready.</summary>
    public const long MinimumFreeBytes = 16L * 1024 * 1024;

    private readonly SemaphoreSlim _keyGate = new(1, 1);
    private (DateTimeOffset At, bool Ok)? _lastKeyCheck;

    public async Task<Results<Ok<SystemStatus.ReadyResponse>, JsonHttpResult<SystemStatus.ReadyResponse>>> ReadyAsync(CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        reasons.AddRange(EmbeddedDatabaseProblems());
        if (!await StoreAnswersAsync(cancellationToken).ConfigureAwait(false))
        {
            reasons.Add("store_unavailable");
        }

        if (!await KeysAnswerAsync(cancellationToken).ConfigureAwait(false))
        {
            reasons.Add("keys_unavailable");
        }

        if (reasons.Count > 0)
        {
            return TypedResults.Json(new SystemStatus.ReadyResponse("unavailable") { Reasons = reasons }, statusCode: 503);
        }

        return await FilingBehindAsync(cancellationToken).ConfigureAwait(false)
            ? TypedResults.Ok(new SystemStatus.ReadyResponse("degraded") { Degraded = ["record-filing"] })
            : TypedResults.Ok(new SystemStatus.ReadyResponse("ready"));
    }

    /// <summary>A filing failed for good or waits too long: still serving, but said (docs/record-filing.md).</summary>
    private async Task<bool> FilingBehindAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IFilingOutboxStore>() is not { } outbox || services.GetService<FilingQueryHandler>() is not { } filing)
        {
            return false;
        }

        try
        {
            return filing.IsDegraded(await outbox.CountAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }

    /// <summary>SQLite: a pooled connection keeps answering after the file or its folder was deleted
    /// (and everything written then is lost at restart), so the file itself is looked at.</summary>
    private IEnumerable<string> EmbeddedDatabaseProblems()
    {
        if (services.GetService<SqliteDatabase>() is not { } sqlite)
        {
            yield break;
        }

        if (!File.Exists(sqlite.DatabasePath))
        {
            yield return "database_file_missing";
            yield break;
        }

        long free;
        try
        {
            free = new DriveInfo(Path.GetDirectoryName(sqlite.DatabasePath)!).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            free = 0;
        }

        if (free < MinimumFreeBytes)
        {
            yield return "disk_full";
        }
    }

    private async Task<bool> StoreAnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await audit.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<bool> KeysAnswerAsync(CancellationToken cancellationToken)
    {
        await _keyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (_lastKeyCheck is { } last && now - last.At < KeyCheckInterval)
            {
                return last.Ok;
            }

            var ok = await RoundTripAsync(cancellationToken).ConfigureAwait(false);
            _lastKeyCheck = (now, ok);
            return ok;
        }
        finally
        {
            _keyGate.Release();
        }
    }

    private async Task<bool> RoundTripAsync(CancellationToken cancellationToken)
    {
        var probe = RandomNumberGenerator.GetBytes(32);
        try
        {
            var wrapped = await keys.WrapAsync(probe, cancellationToken).ConfigureAwait(false);
            var unwrapped = await keys.UnwrapAsync(wrapped, cancellationToken).ConfigureAwait(false);
            var same = CryptographicOperations.FixedTimeEquals(probe, unwrapped);
            CryptographicOperations.ZeroMemory(unwrapped);
            return same;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(probe);
        }
    }
}
