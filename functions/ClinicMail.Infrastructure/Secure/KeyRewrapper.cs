using ClinicMail.Core.Audit;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Secure;

namespace ClinicMail.Infrastructure.Secure;

/// <summary>After a key rotation, moves every data key to the current key-encryption key version
/// (<c>clinicmail keys rewrap</c>). Only key rows change; ciphertexts are never read or written.
/// Works in batches, each committed on its own, so an interrupted run loses at most one batch and
/// the next run continues where it stopped (rows already current are no longer selected).</summary>
public sealed class KeyRewrapper(ISecureMessageStore store, EnvelopeEncryptor encryptor, IKeyEncryptionKey kek, IAuditWriter audit)
{
    /// <summary>Rewraps every key row not under <see cref="IKeyEncryptionKey.KeyId"/>.</summary>
    /// <param name="batchSize">Rows per transaction.</param>
    /// <param name="parallelism">Concurrent unwrap/wrap calls (Key Vault is a network hop).</param>
    /// <param name="progress">Reports (done, failed, total) after each batch.</param>
    /// <param name="actor">Who ran it, for the audit record.</param>
    /// <param name="cancellationToken">Stops after the current batch is committed.</param>
    public async Task<RewrapResult> RunAsync(int batchSize, int parallelism, IProgress<RewrapProgress>? progress, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var total = await store.CountKeysNotUnderAsync(kek.KeyId, cancellationToken).ConfigureAwait(false);
        long done = 0;
        long failed = 0;
        string? after = null;
        progress?.Report(new RewrapProgress(0, 0, total));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = await store.ReadKeysNotUnderAsync(kek.KeyId, after, batchSize, cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    break;
                }

                after = batch[^1].EnvelopeId;
                var rewrapped = new StoredKey?[batch.Count];
                await Parallel.ForAsync(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
                {
                    try
                    {
                        rewrapped[i] = batch[i] with { Key = await encryptor.RewrapAsync(batch[i].Key, ct).ConfigureAwait(false) };
                    }
                    catch (EnvelopeKeyException)
                    {
                        // A key no version can unwrap stays as it is (and is counted): the rest goes on.
                        rewrapped[i] = null;
                    }
                }).ConfigureAwait(false);

                var ok = rewrapped.OfType<StoredKey>().ToList();
                await store.ReplaceKeysAsync(ok, CancellationToken.None).ConfigureAwait(false);
                done += ok.Count;
                failed += batch.Count - ok.Count;
                progress?.Report(new RewrapProgress(done, failed, total));
            }
        }
        finally
        {
            if (done + failed > 0)
            {
                await audit.AppendAsync(new AuditEntry
                {
                    Event = AuditEventType.SecureKeyRewrapped,
                    ActorObjectId = actor,
                    Data = new Dictionary<string, object?>
                    {
                        ["rewrapped"] = done,
                        ["failed"] = failed,
                        ["remaining"] = Math.Max(0, total - done - failed),
                        ["kekId"] = kek.KeyId,
                    },
                }, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return new RewrapResult(done, failed, total);
    }
}

public readonly record struct RewrapProgress(long Done, long Failed, long Total);

public sealed record RewrapResult(long Rewrapped, long Failed, long Total);
