using ClinicMail.Infrastructure.Storage.Postgres;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The lock several instances take around checkpoint signing (docs/scale.md): two holders on
/// two connection pools (two processes, as far as the server can tell) never hold it at once, and a
/// holder whose connection dies releases it.</summary>
[TestFixture]
public sealed class PostgresAdvisoryLockTests
{
    [Test]
    public async Task A_second_instance_waits_until_the_first_releases_the_lock()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        await using var otherProcess = new PostgresDatabase(database.ConnectionString + ";Application Name=other");
        var first = new PostgresAdvisoryLock(database.Database, PostgresAdvisoryLock.AuditCheckpointKey);
        var second = new PostgresAdvisoryLock(otherProcess, PostgresAdvisoryLock.AuditCheckpointKey);

        var held = await first.AcquireAsync(CancellationToken.None);
        var waiting = second.AcquireAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.That(waiting.IsCompleted, Is.False, "the second holder waits while the first holds the lock");

        await held.DisposeAsync();
        await using var secondHeld = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(waiting.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task A_holder_that_gives_up_waiting_leaves_the_lock_to_the_others()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        var lockA = new PostgresAdvisoryLock(database.Database, PostgresAdvisoryLock.AuditCheckpointKey);
        var held = await lockA.AcquireAsync(CancellationToken.None);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.That(async () => await lockA.AcquireAsync(giveUp.Token), Throws.InstanceOf<OperationCanceledException>());

        await held.DisposeAsync();
        await using var again = await lockA.AcquireAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(again, Is.Not.Null, "acquired again after a cancelled wait");
    }
}
