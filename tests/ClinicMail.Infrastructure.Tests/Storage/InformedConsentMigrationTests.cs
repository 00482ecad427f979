using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>Migration 0012 rebuilds SQLite's <c>consents</c> table (to widen the method CHECK):
/// a registry written before it keeps every consent row, its id and each patient's current consent.</summary>
public sealed class InformedConsentMigrationTests
{
    [Test]
    public async Task Sqlite0012_ExistingConsents_KeepTheirRowsAndPointers()
    {
        using var temp = new TempSqliteDatabase();
        await using var connection = await temp.Database.OpenConnectionAsync();
        foreach (var migration in SqliteDatabase.Migrations.Where(m => m.Version < 12))
        {
            await ExecuteAsync(connection, migration.Script);
        }

        await ExecuteAsync(connection, """
            INSERT INTO patients (id, clinic_patient_id, family_name, given_name, created_at, updated_at) VALUES ('pat_a', 'A', 'Côté', 'Éloïse', 'x', 'x'), ('pat_b', 'B', 'Roy', 'Li', 'x', 'x');
            INSERT INTO consents (id, patient_id, status, method, uses, created_at) VALUES (7, 'pat_a', 'granted', 'signed_form', '["appointments"]', 'x'), (9, 'pat_a', 'revoked', 'signed_form', '[]', 'x');
            UPDATE patients SET current_consent_id = 9 WHERE id = 'pat_a';
            """);

        await ExecuteAsync(connection, SqliteDatabase.Migrations.Single(m => m.Version == 12).Script);
        await ExecuteAsync(connection, "INSERT INTO consents (patient_id, status, method, created_at) VALUES ('pat_b', 'granted', 'electronic_signature', 'x');");

        await using var check = connection.CreateCommand();
        check.CommandText = "SELECT (SELECT current_consent_id FROM patients WHERE id = 'pat_a'), (SELECT current_consent_id FROM patients WHERE id = 'pat_b'), (SELECT group_concat(id) FROM consents), (SELECT count(*) FROM pragma_foreign_key_check);";
        await using var reader = await check.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(reader.GetInt64(0), Is.EqualTo(9));
            Assert.That(reader.IsDBNull(1), Is.True);
            Assert.That(reader.GetString(2), Is.EqualTo("7,9,10"));
            Assert.That(reader.GetInt64(3), Is.Zero, "no dangling foreign key");
        });
    }

    private static async Task ExecuteAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Embedded schema scripts and constants.
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }
}
