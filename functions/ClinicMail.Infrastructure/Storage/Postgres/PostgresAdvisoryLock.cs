using ClinicMail.Core.Audit;
using Npgsql;

namespace ClinicMail.Infrastructure.Storage.Postgres;

/// <summary>A PostgreSQL advisory lock held by an open transaction on its own connection: every instance
/// over the same database waits on it, and the server releases it when the transaction ends, so an
/// instance killed while holding it blocks no one (docs/scale.md).</summary>
/// <remarks>Transaction-scoped (<c>pg_advisory_xact_lock</c>), not session-scoped: behind a transaction
/// pooler (PgBouncer in transaction mode, as Azure Database for PostgreSQL offers) a session lock could
/// be taken on one server connection and released on another; a transaction stays on one.</remarks>
public sealed class PostgresAdvisoryLock(PostgresDatabase database, long key) : IAuditCheckpointLock
{
    /// <summary>Key of the lock around audit checkpoint signing ("CMCHKPT" in ASCII).</summary>
    public const long AuditCheckpointKey = 0x434D43484B5054;

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1);", connection, transaction) { Parameters = { new() { Value = key } } };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new Held(connection, transaction);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Ending the transaction releases the lock; it wrote nothing, so a rollback is the same as a commit.</summary>
    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
