using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Shared;
using Npgsql;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The near-miss statement of a check must seek its indexes on PostgreSQL too, with the
/// generic plan that automatic preparation switches to after a few executions: a sequential scan
/// of the address table would make every check with a typo grow with the registry.</summary>
public sealed class PostgresQueryPlanTests
{
    [Test]
    public async Task ExplainGenericPlan_LookUpNearMiss_SeeksEveryKeyIndex()
    {
        await using var temp = await TempPostgresDatabase.CreateAsync();
        await new PatientStore(temp.Database).UpsertManyAsync(RegistryGenerator.Generate(3000, 11), "actor-test");
        await using var connection = await temp.Database.OpenConnectionAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE patient_addresses;", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var sql = PostgresDirectorySql.LookUpNearMissSql.TrimEnd(';');
#pragma warning disable CA2100 // The statement under test is the directory's own constant.
        await using (var prepare = new NpgsqlCommand(
            "SET plan_cache_mode = force_generic_plan; PREPARE near_miss(text[], text[], text[], text[], integer[], text[], text[], text[]) AS " + sql + ";", connection))
#pragma warning restore CA2100
        {
            await prepare.ExecuteNonQueryAsync();
        }

        var keys = AddressKeys.For("marie.trembaly@videotron.ca");
        var probe = keys.Probes()[0];
        // EXECUTE takes no bind parameters (a utility statement): the test's own constants as literals.
        static string Text(string? value) => value is null ? "NULL" : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
        var arguments = string.Join(", ",
            $"ARRAY[{Text("marie.trembaly@videotron.ca")}]::text[]",
            $"ARRAY[{Text("marie.trembaly@videotron.ca")}]::text[]",
            $"ARRAY[{Text(keys.Skeleton)}]::text[]",
            $"ARRAY[{Text(keys.Domain)}]::text[]",
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ARRAY[{probe.Length}]::integer[]"),
            $"ARRAY[{Text(probe.Prefix)}]::text[]",
            $"ARRAY[{Text(probe.Suffix)}]::text[]",
            $"ARRAY[{Text(probe.Outer)}]::text[]");
#pragma warning disable CA2100 // Literals built above from the test's own constants.
        await using var explain = new NpgsqlCommand("EXPLAIN EXECUTE near_miss(" + arguments + ");", connection);
#pragma warning restore CA2100
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join(Environment.NewLine, plan);
        Assert.Multiple(() =>
        {
            foreach (var index in new[] { "ix_patient_addresses_address", "ix_patient_addresses_skeleton", "ix_patient_addresses_near_prefix", "ix_patient_addresses_near_suffix", "ix_patient_addresses_near_outer" })
            {
                Assert.That(text, Does.Contain(index), text);
            }

            Assert.That(text, Does.Not.Contain("Seq Scan on patient_addresses"), text);
        });
    }
}
