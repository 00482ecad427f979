using System.Data.Common;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>The few command shapes every store uses (execute, query and map, scalar), over any
/// <see cref="IStorageDatabase"/>. Values bind as <c>$1…$n</c> through the dialect.</summary>
internal static class SqlCommands
{
    public static DbCommand Command(this DbConnection connection, DbTransaction? transaction, SqlDialect dialect, string sql, ReadOnlySpan<object?> values)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Callers pass their own literal statements; values are bound as parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        dialect.Bind(command, values);
        return command;
    }

    public static async Task<int> ExecuteAsync(this DbConnection connection, DbTransaction? transaction, SqlDialect dialect, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = connection.Command(transaction, dialect, sql, values);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(this DbConnection connection, DbTransaction? transaction, SqlDialect dialect, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = connection.Command(transaction, dialect, sql, values);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public static async Task<List<T>> QueryAsync<T>(this DbConnection connection, DbTransaction? transaction, SqlDialect dialect, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = connection.Command(transaction, dialect, sql, values);
        var results = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            results.Add(read(reader));
        }

        return results;
    }

    /// <summary>One statement on a connection of its own (no transaction).</summary>
    public static async Task<int> ExecuteAsync(this IStorageDatabase database, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(null, database.Dialect, sql, cancellationToken, values).ConfigureAwait(false);
    }

    /// <summary>One query on a connection of its own, every row mapped by <paramref name="read"/>.</summary>
    public static async Task<List<T>> QueryAsync<T>(this IStorageDatabase database, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params object?[] values)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync(null, database.Dialect, sql, read, cancellationToken, values).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction on a connection of its own and commits
    /// it; an exception rolls everything back (the transaction is disposed uncommitted).</summary>
    public static async Task<T> InTransactionAsync<T>(this IStorageDatabase database, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // SQLite: BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), the write lock taken up front.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }
}
