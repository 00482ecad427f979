using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

public static class SqliteConnectionStrings
{
    /// <summary>Accepts a bare file path or a full connection string; the folder is created when missing.</summary>
    public static string From(string pathOrConnectionString)
    {
        var builder = pathOrConnectionString.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(pathOrConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        builder.Pooling = true;
        if (builder.Mode != SqliteOpenMode.Memory && Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        return builder.ToString();
    }
}
