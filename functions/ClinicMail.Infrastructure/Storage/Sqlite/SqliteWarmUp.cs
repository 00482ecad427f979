using ClinicMail.Infrastructure.Storage.Shared;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Infrastructure.Storage.Sqlite;

/// <summary>Loads the native SQLite library and compiles the command shapes the stores use (open, pragma,
/// scalar, query and map) on a private in-memory database, so the start-up's first real connection (the
/// migrations check) and the first check's registry look-up do not pay for it (docs/performance.md,
/// "Cold start, round 3").</summary>
/// <remarks>Touches no file: <c>:memory:</c>, unpooled, gone when the connection closes.</remarks>
public static class SqliteWarmUp
{
    /// <returns>The number of rows the query read (1), so a caller can tell it ran.</returns>
    public static async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var dialect = SqliteDialect.Instance;
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = ":memory:",
            Mode = SqliteOpenMode.Memory,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(null, dialect, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;", cancellationToken).ConfigureAwait(false);
        _ = await connection.ScalarAsync(null, dialect, dialect.MigrationsTableExistsSql, cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync(null, dialect, "SELECT $1, $2;", r => (Number: r.GetInt32(0), Text: r.GetString(1)),
            cancellationToken, 1, "warm-up").ConfigureAwait(false);
        return rows.Count;
    }
}
