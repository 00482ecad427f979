using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Infrastructure.Tests.Storage;

public sealed class SqliteDatabaseTests
{
    [Test]
    public void Migrations_Embedded_StartAtOneInOrder()
    {
        var versions = SqliteDatabase.Migrations.Select(m => m.Version).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(versions, Is.Not.Empty);
            Assert.That(versions[0], Is.EqualTo(1));
            Assert.That(versions, Is.Ordered.And.Unique);
            Assert.That(SqliteDatabase.Migrations[0].Name, Is.EqualTo("0001_registry"));
        });
    }

    [Test]
    public async Task MigrateAsync_FreshFile_AppliesAllThenNothing()
    {
        using var temp = new TempSqliteDatabase();

        var first = await temp.Database.MigrateAsync();
        var second = await temp.Database.MigrateAsync();
        var applied = await temp.Database.AppliedVersionsAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(SqliteDatabase.Migrations.Select(m => m.Version)));
            Assert.That(second, Is.Empty);
            Assert.That(applied, Is.EqualTo(first));
            Assert.That(File.Exists(temp.Database.DatabasePath), Is.True);
        });
    }

    [Test]
    public async Task MigrateAsync_NewInstanceOnSameFile_Idempotent()
    {
        using var temp = new TempSqliteDatabase();
        await temp.Database.MigrateAsync();

        var again = await new SqliteDatabase(temp.Database.DatabasePath).MigrateAsync();

        Assert.That(again, Is.Empty);
    }

    [Test]
    public async Task MigrateAsync_AppliedScriptEdited_Refuses()
    {
        using var temp = await TempSqliteDatabase.CreateMigratedAsync();
        await using (var connection = await temp.Database.OpenConnectionAsync())
        {
            using var tamper = connection.CreateCommand();
            tamper.CommandText = "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1;";
            await tamper.ExecuteNonQueryAsync();
        }

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => temp.Database.MigrateAsync());

        Assert.That(error!.Message, Does.Contain("modified"));
    }

    [Test]
    public async Task OpenConnectionAsync_Migrated_WalForeignKeysAndBusyTimeout()
    {
        using var temp = await TempSqliteDatabase.CreateMigratedAsync();
        await using var connection = await temp.Database.OpenConnectionAsync();

        var journal = await ScalarAsync(connection, Pragma.JournalMode);
        var foreignKeys = await ScalarAsync(connection, Pragma.ForeignKeys);
        var busy = await ScalarAsync(connection, Pragma.BusyTimeout);

        Assert.Multiple(() =>
        {
            Assert.That(journal, Is.EqualTo("wal"));
            Assert.That(foreignKeys, Is.EqualTo(1L));
            Assert.That(busy, Is.EqualTo(5000L));
        });
    }

    [Test]
    public async Task MigrateAsync_RegistrySchema_TablesAndIndexesExist()
    {
        using var temp = await TempSqliteDatabase.CreateMigratedAsync();
        await using var connection = await temp.Database.OpenConnectionAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%';";
        var names = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.That(names, Is.SupersetOf(new[]
        {
            "schema_migrations", "patients", "patient_addresses", "consents", "registry_changes",
            "ix_patient_addresses_address", "ix_patient_addresses_skeleton",
            "ix_patient_addresses_near_prefix", "ix_patient_addresses_near_suffix", "ix_patients_family_key",
        }));
    }

    private enum Pragma
    {
        JournalMode,
        ForeignKeys,
        BusyTimeout,
    }

    private static async Task<object?> ScalarAsync(Microsoft.Data.Sqlite.SqliteConnection connection, Pragma pragma)
    {
        using var command = connection.CreateCommand();
        switch (pragma)
        {
            case Pragma.JournalMode:
                command.CommandText = "PRAGMA journal_mode;";
                break;
            case Pragma.ForeignKeys:
                command.CommandText = "PRAGMA foreign_keys;";
                break;
            case Pragma.BusyTimeout:
                command.CommandText = "PRAGMA busy_timeout;";
                break;
        }

        return await command.ExecuteScalarAsync();
    }
}
