using ClinicMail.Infrastructure.Storage.Postgres;
using Npgsql;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>Versioned PostgreSQL migrations on a real server: applied once, in order, idempotent,
/// and an edited script is refused.</summary>
public sealed class PostgresDatabaseTests
{
    [Test]
    public async Task MigrateAsync_Twice_AppliesOnceInOrder()
    {
        await using var temp = await TempPostgresDatabase.CreateAsync(migrate: false);

        var first = await temp.Database.MigrateAsync();
        var second = await temp.Database.MigrateAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first, Is.EqualTo(PostgresDatabase.Migrations.Select(m => m.Version)));
            Assert.That(first, Does.Contain(1).And.Contain(2).And.Contain(5));
            Assert.That(second, Is.Empty);
            Assert.That(await temp.Database.AppliedVersionsAsync(), Is.EqualTo(first));
        });
    }

    [Test]
    public async Task MigrateAsync_AppliedScriptEdited_Refused()
    {
        await using var temp = await TempPostgresDatabase.CreateAsync();
        await using (var connection = await temp.Database.OpenConnectionAsync())
        await using (var tamper = new NpgsqlCommand("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1;", connection))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        Assert.ThrowsAsync<InvalidOperationException>(() => temp.Database.MigrateAsync());
    }

    [Test]
    public async Task MigrateAsync_ConcurrentInstances_OneAppliesTheOtherWaits()
    {
        await using var temp = await TempPostgresDatabase.CreateAsync(migrate: false);
        await using var other = new PostgresDatabase(temp.ConnectionString);

        var results = await Task.WhenAll(temp.Database.MigrateAsync(), other.MigrateAsync());

        Assert.That(results.Sum(r => r.Count), Is.EqualTo(PostgresDatabase.Migrations.Count));
    }
}
