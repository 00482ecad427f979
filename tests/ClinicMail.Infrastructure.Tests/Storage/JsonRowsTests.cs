using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>The hand-written row JSON must read back in SQLite exactly as the serializer's did.</summary>
public sealed class JsonRowsTests
{
    [Test]
    public void Write_StringsNumbersNullsAndLists_SameAsSerializer()
    {
        List<object?[]> rows =
        [
            ["pat_1", "Côté \"Émilie\" \\ 😀", 0, null, new[] { "fausse couche", "deuil" }, (IReadOnlyList<string>)["a"], 42L],
            ["pat_2", "", 1, "2025-06-01", Array.Empty<string>(), (IReadOnlyList<string>)[], -3L],
        ];

        var written = JsonRows.Write(rows);

        Assert.That(written, Is.EqualTo(System.Text.Json.JsonSerializer.Serialize(rows)));
    }

    [Test]
    public void Write_UnsupportedCell_Throws()
    {
        Assert.Throws<ArgumentException>(() => JsonRows.Write([[3.5]]));
    }
}
