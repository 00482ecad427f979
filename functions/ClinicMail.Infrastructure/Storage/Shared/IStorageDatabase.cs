using System.Data.Common;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>One database the provider-neutral stores run on: opens ready-to-use connections and
/// names its dialect. Implemented by <see cref="Sqlite.SqliteDatabase"/> and
/// <see cref="Postgres.PostgresDatabase"/>; a new store takes this, never one of them.</summary>
public interface IStorageDatabase
{
    SqlDialect Dialect { get; }

    /// <summary>The schema scripts this database's provider knows, in version order.</summary>
    IReadOnlyList<Migration> KnownMigrations { get; }

    /// <summary>An open connection, configured for this database (the caller disposes it).</summary>
    ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default);
}

/// <summary>One versioned schema script.</summary>
public sealed record Migration(int Version, string Name, string Script, string Checksum);
