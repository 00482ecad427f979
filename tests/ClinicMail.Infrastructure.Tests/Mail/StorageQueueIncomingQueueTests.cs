using Azure.Storage.Queues;
using ClinicMail.Core.Incoming;
using ClinicMail.Infrastructure.Mail.Incoming;

namespace ClinicMail.Infrastructure.Tests.Mail;

/// <summary>The production queue against Azurite (a real Azure Storage emulator; <c>CLINICMAIL_TEST_AZURITE</c>,
/// started by ./test.sh): what the webhook enqueues is what the Functions queue trigger reads (Base64 JSON).</summary>
[TestFixture]
public sealed class StorageQueueIncomingQueueTests
{
    [Test]
    public async Task EnqueueAsync_CreatesTheQueueAndWritesAWorkItem()
    {
        var connection = Environment.GetEnvironmentVariable("CLINICMAIL_TEST_AZURITE") is { Length: > 0 } value
            ? value
            : throw new IgnoreException("CLINICMAIL_TEST_AZURITE is not set: run ./test.sh, which starts Azurite.");
        var name = "incoming-" + Guid.NewGuid().ToString("N")[..12];
        var client = new QueueClient(connection, name, StorageQueueIncomingQueue.Options());
        var queue = new StorageQueueIncomingQueue(client);
        try
        {
            await queue.EnqueueAsync(new IncomingWorkItem("user-1", "AAMk1", "graph"));
            await queue.EnqueueAsync(new IncomingWorkItem("user-1", "AAMk2", "graph"));

            var raw = (await new QueueClient(connection, name).PeekMessagesAsync(1)).Value.Single().MessageText;
            var received = (await client.ReceiveMessagesAsync(maxMessages: 10)).Value;

            Assert.Multiple(() =>
            {
                Assert.That(received.Select(m => WorkItemJson.Read(m.MessageText)!.MessageId), Is.EquivalentTo(new[] { "AAMk1", "AAMk2" }));
                Assert.That(Convert.FromBase64String(raw), Is.Not.Empty, "Base64, as the Functions queue trigger expects");
            });
        }
        finally
        {
            await client.DeleteIfExistsAsync();
        }
    }
}
