using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The write-ahead log is checkpointed by <see cref="SqliteDatabase.CheckpointAsync"/> (the host's
/// background service), not inside the commits of the connections the stores use.</summary>
public sealed class SqliteWalCheckpointTests
{
    [Test]
    public async Task Commits_past_SQLites_default_threshold_leave_the_log_to_the_background_checkpoint()
    {
        using var temp = await TempSqliteDatabase.CreateMigratedAsync();
        await CommitRowsAsync(temp.Database, transactions: 1_200);
        var logBefore = new FileInfo(temp.Database.DatabasePath + "-wal").Length;

        var (logFrames, checkpointed) = await temp.Database.CheckpointAsync();

        Assert.Multiple(() =>
        {
            // Each commit appends at least one 4 KB frame: 1,200 of them are past SQLite's default of
            // 1,000 pages, so with the default the log would have been copied back (and restarted) inline.
            Assert.That(logFrames, Is.GreaterThan(1_000), "the commits checkpointed by themselves");
            Assert.That(logBefore, Is.GreaterThan(1_000L * 4096));
            Assert.That(checkpointed, Is.EqualTo(logFrames), "a passive checkpoint with no reader copies every frame");
        });
    }

    [Test]
    public async Task After_a_checkpoint_the_next_commits_reuse_the_log_from_its_start()
    {
        using var temp = await TempSqliteDatabase.CreateMigratedAsync();
        await CommitRowsAsync(temp.Database, transactions: 200);
        await temp.Database.CheckpointAsync();

        await CommitRowsAsync(temp.Database, transactions: 10, first: 200);
        var (logFrames, _) = await temp.Database.CheckpointAsync();

        Assert.That(logFrames, Is.LessThan(200), "the log restarts after a complete checkpoint instead of growing");
    }

    [Test]
    public async Task Every_committed_row_is_read_back_after_checkpoints()
    {
        using var temp = await TempSqliteDatabase.CreateMigratedAsync();
        await CommitRowsAsync(temp.Database, transactions: 50);
        await temp.Database.CheckpointAsync();
        await CommitRowsAsync(temp.Database, transactions: 50, first: 50);

        await using var connection = await temp.Database.OpenConnectionAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM wal_probe;";

        Assert.That(Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(100));
    }

    private static async Task CommitRowsAsync(SqliteDatabase database, int transactions, int first = 0)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS wal_probe (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);";
            await create.ExecuteNonQueryAsync();
        }

        for (var i = first; i < first + transactions; i++)
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO wal_probe (id, payload) VALUES ($id, zeroblob(100));";
            insert.Parameters.AddWithValue("$id", i);
            await insert.ExecuteNonQueryAsync();
        }
    }
}
