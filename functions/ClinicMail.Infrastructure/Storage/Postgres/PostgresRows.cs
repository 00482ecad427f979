using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>The batch command helper of the PostgreSQL statements (registry writes and loads, the
/// directory's look-ups, the audit append).</summary>
internal static class PostgresRows
{
    /// <summary>A batch statement with positional parameters. An array argument meant as ONE
    /// parameter must be passed cast to object, or C# spreads it over the params array.</summary>
    public static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
#pragma warning disable CA2100 // Callers pass this assembly's literal statements; values are bound as parameters.
        var command = new NpgsqlBatchCommand(sql);
#pragma warning restore CA2100
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }
}
