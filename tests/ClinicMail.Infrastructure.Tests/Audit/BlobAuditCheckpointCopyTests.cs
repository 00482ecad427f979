using Azure.Storage.Blobs;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Audit;

namespace ClinicMail.Infrastructure.Tests.Audit;

/// <summary>A fresh blob container on the Azurite emulator, or Assert.Ignore when <c>CLINICMAIL_TEST_AZURITE</c>
/// is absent (./test.sh always starts Azurite and sets it).</summary>
public static class AzuriteContainer
{
    public const string EnvironmentVariable = "CLINICMAIL_TEST_AZURITE";

    public static async Task<BlobContainerClient> CreateAsync()
    {
        var connection = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new IgnoreException($"{EnvironmentVariable} is not set: run ./test.sh, which starts Azurite.");
        var container = new BlobContainerClient(connection, "audit-" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        return container;
    }
}

/// <summary>The blob copy of the audit checkpoints (production's copy outside the database) against Azurite:
/// one line per checkpoint appended to a month's append blob, read back in order by a new instance,
/// idempotent, and never rewritten.</summary>
public sealed class BlobAuditCheckpointCopyTests
{
    [Test]
    public async Task Append_ThreeCheckpointsAcrossTwoMonths_ReadBackInOrderByANewInstance()
    {
        var container = await AzuriteContainer.CreateAsync();
        var clock = new SteppedClock(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));
        using (var copy = new BlobAuditCheckpointCopy(container, clock))
        {
            await copy.AppendAsync(Checkpoint(10));
            await copy.AppendAsync(Checkpoint(20));
            clock.Now = clock.Now.AddHours(2);
            await copy.AppendAsync(Checkpoint(30));
        }

        using var reopened = new BlobAuditCheckpointCopy(container, clock);
        var read = await reopened.ReadAllAsync();
        Assert.That(read.Select(c => c.Sequence), Is.EqualTo(new[] { 10L, 20L, 30L }));
        Assert.That(AuditCheckpoints.SameAs(read[1], Checkpoint(20)), Is.True);

        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            blobs.Add(blob.Name);
        }

        Assert.That(blobs, Is.EqualTo(new[] { "checkpoints-2026-11.jsonl", "checkpoints-2026-12.jsonl" }));
    }

    [Test]
    public async Task Append_ACheckpointAlreadyCopied_IsNotAppendedAgain_EvenByAnotherInstance()
    {
        var container = await AzuriteContainer.CreateAsync();
        using (var first = new BlobAuditCheckpointCopy(container, TimeProvider.System))
        {
            await first.AppendAsync(Checkpoint(10));
            await first.AppendAsync(Checkpoint(10));
        }

        using var second = new BlobAuditCheckpointCopy(container, TimeProvider.System);
        await second.AppendAsync(Checkpoint(10));
        await second.AppendAsync(Checkpoint(5));
        await second.AppendAsync(Checkpoint(15));

        var blob = container.GetBlobClient(BlobAuditCheckpointCopy.BlobName(TimeProvider.System.GetUtcNow()));
        var text = (await blob.DownloadContentAsync()).Value.Content.ToString();
        Assert.That(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2));
        Assert.That((await second.ReadAllAsync()).Select(c => c.Sequence), Is.EqualTo(new[] { 10L, 15L }));
    }

    [Test]
    public async Task ReadAll_NoContainer_IsEmpty()
    {
        var container = await AzuriteContainer.CreateAsync();
        await container.DeleteAsync();

        using var copy = new BlobAuditCheckpointCopy(container, TimeProvider.System);
        Assert.That(await copy.ReadAllAsync(), Is.Empty);
    }

    private static AuditCheckpoint Checkpoint(long sequence) => new()
    {
        Sequence = sequence,
        Hash = new string('a', 63) + (sequence % 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
        At = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero).AddMinutes(sequence),
        KeyId = "local:test",
        Algorithm = "RS256",
        Signature = [1, 2, 3, (byte)sequence],
        Previous = sequence == 10 ? AuditCheckpoints.FirstLink : "link-" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
