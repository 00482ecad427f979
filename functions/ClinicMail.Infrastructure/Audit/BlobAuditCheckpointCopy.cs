using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ClinicMail.Core.Audit;

namespace ClinicMail.Infrastructure.Audit;

/// <summary>Production's copy of the checkpoints outside the database: append blobs in a container under a
/// time-based immutability policy that allows protected appends (infra/modules/storage.bicep). Blocks can be
/// appended, never rewritten or deleted during the retention period — not by the app, not by an account
/// owner — so a database writer who deletes checkpoints or rewrites signed history is caught by
/// <c>verify</c>, which reads this copy from the first checkpoint. One blob per month
/// (<c>checkpoints-yyyy-MM.jsonl</c>) keeps each under the 50,000-block limit of an append blob; one line per
/// checkpoint, the file copy's format (<see cref="CheckpointLines"/>).</summary>
/// <remarks>A singleton: the last sequence copied is remembered so an append costs one request.</remarks>
public sealed class BlobAuditCheckpointCopy(BlobContainerClient container, TimeProvider time) : SerializedCheckpointCopy
{
    public const string Prefix = "checkpoints-";

    private long? _lastSequence;

    public BlobContainerClient Container { get; } = container;

    protected override async Task<long> LastSequenceUnlockedAsync(CancellationToken cancellationToken) =>
        _lastSequence ??= await base.LastSequenceUnlockedAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task AppendUnlockedAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        try
        {
            var blob = Container.GetAppendBlobClient(BlobName(time.GetUtcNow()));
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var line = new MemoryStream(Encoding.UTF8.GetBytes(CheckpointLines.Format(checkpoint) + "\n"));
            await blob.AppendBlockAsync(line, cancellationToken: cancellationToken).ConfigureAwait(false);
            _lastSequence = checkpoint.Sequence;
        }
        catch (RequestFailedException)
        {
            // Unknown state (another instance may have appended): read again before the next append.
            _lastSequence = null;
            throw;
        }
    }

    /// <summary>Every month's blob, concatenated: the parser sorts by sequence and skips a torn line.</summary>
    protected override async Task<IReadOnlyList<AuditCheckpoint>> ReadUnlockedAsync(CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        try
        {
            await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix }, cancellationToken).ConfigureAwait(false))
            {
                var content = await Container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                text.Append(content.Value.Content.ToString()).Append('\n');
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: nothing copied.
            return [];
        }

        return CheckpointLines.Parse(text.ToString());
    }

    public static string BlobName(DateTimeOffset at) =>
        Prefix + at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture) + ".jsonl";
}
