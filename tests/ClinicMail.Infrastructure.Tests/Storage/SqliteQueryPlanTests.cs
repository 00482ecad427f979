using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The directory's statements must seek the indexes, never scan the address table: a scan
/// would turn a microsecond check into one that grows with the registry.</summary>
public sealed class SqliteQueryPlanTests
{
    private static readonly TestCaseData[] DirectoryStatements =
    [
        new TestCaseData(SqliteDirectorySql.ByAddressSql).SetName("ExplainQueryPlan_ByAddress_UsesIndexes"),
        new TestCaseData(SqliteDirectorySql.NearMissSql).SetName("ExplainQueryPlan_NearMiss_UsesIndexes"),
        new TestCaseData(SqliteDirectorySql.NearMissLightSql).SetName("ExplainQueryPlan_LookUpNearMiss_UsesIndexes"),
    ];

    [TestCaseSource(nameof(DirectoryStatements))]
    public async Task ExplainQueryPlan_DirectoryStatement_NoTableScan(string sql)
    {
        using var temp = await TempSqliteDatabase.CreateMigratedAsync();
        await using var connection = await temp.Database.OpenConnectionAsync();
        using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE;";
            await analyze.ExecuteNonQueryAsync();
        }

        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The statements under test are the directory's own constants.
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
#pragma warning restore CA2100
        var keys = AddressKeys.For("marie.tremblay@videotron.ca");
        command.Parameters.AddWithValue("$addresses", "[\"marie.tremblay@videotron.ca\"]");
        command.Parameters.AddWithValue("$skeletons", "[\"" + keys.Skeleton + "\"]");
        command.Parameters.AddWithValue("$prefixes", System.Text.Json.JsonSerializer.Serialize(new object[][] { [keys.Domain, keys.LocalLength, keys.LocalPrefix, keys.Skeleton] }));
        command.Parameters.AddWithValue("$suffixes", System.Text.Json.JsonSerializer.Serialize(new object[][] { [keys.Domain, keys.LocalLength, keys.LocalSuffix, keys.Skeleton] }));
        command.Parameters.AddWithValue("$outers", System.Text.Json.JsonSerializer.Serialize(new object[][] { [keys.Domain, keys.LocalLength, keys.LocalOuter, keys.Skeleton] }));
        var details = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                details.Add(reader.GetString(3));
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(details, Is.Not.Empty);
            Assert.That(details.Where(d => d.StartsWith("SCAN a", StringComparison.Ordinal) || d.StartsWith("SCAN p", StringComparison.Ordinal)
                || d.StartsWith("SCAN patient", StringComparison.Ordinal) || d.StartsWith("SCAN c", StringComparison.Ordinal)), Is.Empty,
                string.Join(Environment.NewLine, details));
        });
    }
}
