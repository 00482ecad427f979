using System.Data.Common;
using ClinicMail.Core.Registry;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>The registry's statements that cannot be written once (<see cref="PatientStore"/> runs the
/// rest): key sets travel as one parameter (<c>json_each</c> of a JSON array on SQLite, <c>unnest</c>
/// of an array on PostgreSQL), the set-based writes are tuned per engine (JSON rows vs arrays in one
/// pipelined batch), and the bulk-load paths and unique-key errors differ. Reached through
/// <see cref="SqlDialect.Registry"/>; the implementations sit beside their dialects.</summary>
internal abstract class RegistrySql
{
    /// <summary>Patient columns (alias <c>p</c>) and its current consent (alias <c>c</c>), in the order
    /// <see cref="PatientRowReader.ReadPatient"/> expects; JSON columns read as text on both.</summary>
    public const string PatientColumns =
        "p.id, p.clinic_patient_id, p.family_name, p.given_name, p.language, p.restricted, p.restriction_reason, " +
        "p.restricted_on, CAST(p.declared_terms AS TEXT), CAST(p.declared_categories AS TEXT), " +
        "c.status, c.method, c.recorded_on, c.recorded_by, c.document_reference, c.email, c.sms, CAST(c.uses AS TEXT), CAST(c.categories AS TEXT), c.expires_on";

    public const string ConsentJoin = " LEFT JOIN consents AS c ON c.id = p.current_consent_id";

    /// <summary>A set of strings as the one parameter the statements below expand (<c>$1</c>).</summary>
    public abstract object KeySet(IEnumerable<string> keys);

    /// <summary>Two statements over <c>$1</c> = <see cref="KeySet"/> of registry ids: the patients, then
    /// their addresses ordered by patient and position (read by <see cref="PatientRowReader"/>).</summary>
    public abstract string PatientsByIdSql { get; }

    public abstract string AddressesByIdSql { get; }

    /// <summary>As <see cref="PatientsByIdSql"/>, keyed by clinic (EMR) patient id.</summary>
    public abstract string PatientsByClinicIdSql { get; }

    public abstract string AddressesByClinicIdSql { get; }

    /// <summary>Name search: the first word must start the family or the given name (an index range),
    /// every word must start a word of the folded name; parameters from <see cref="NameSearchValues"/>,
    /// then the limit and the offset. The patient columns are followed by the total row count.</summary>
    public abstract string SearchByNameSql { get; }

    public abstract object?[] NameSearchValues(IReadOnlyList<string> words);

    /// <summary>Appended to the select of stale address keys: locks them until the re-key commits.</summary>
    public abstract string LockForUpdate { get; }

    /// <summary>Rewrites the near-miss keys of these address rows (ids with their keys), inside the transaction.</summary>
    public abstract Task RekeyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(long Id, AddressKeys Keys)> rows, CancellationToken cancellationToken);

    /// <summary>One scalar statement over <c>$1</c> = <see cref="KeySet"/> of addresses: an address held by
    /// two patients of which one does not hold it as family-shared (null when none).</summary>
    public abstract string SharedAddressConflictSql { get; }

    /// <summary>Run before <see cref="SharedAddressConflictSql"/> over many addresses (PostgreSQL: a serial
    /// plan); null when nothing is needed.</summary>
    public virtual string? BeforeLargeSetSql => null;

    /// <summary>Refreshes the planner statistics after a large write commits, in the background
    /// (PostgreSQL); null where the database needs no help.</summary>
    public virtual string? AnalyzeAfterLargeWriteSql => null;

    /// <summary>Runs several statements that all take the same parameters and hands their results to
    /// <paramref name="read"/> as one reader, result set after result set (SQLite: one command of several statements; PostgreSQL: one batch, one round trip).</summary>
    public abstract Task<T> ReadStatementsAsync<T>(DbConnection connection, DbTransaction? transaction, string[] statements, object?[] values, Func<DbDataReader, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>True when each chunk is written as soon as it is diffed, overlapping the server's work on
    /// it with the diff of the next (PostgreSQL, whose bulk-load path is decided before any read); false
    /// when every chunk is diffed first, because the bulk-load path depends on the size of the whole write (SQLite).</summary>
    public abstract bool WritesWhileDiffing { get; }

    /// <summary>The writer of one write transaction's chunks of diffs.</summary>
    public abstract RegistryWriter CreateWriter(DbConnection connection, DbTransaction transaction, string actorId, DateTimeOffset now);

    /// <summary>Bulk-load path decided before anything is read in the write's transaction (PostgreSQL's
    /// first import, which must lock before reading); null when the normal path applies.</summary>
    public virtual Task<IRegistryBulkLoad?> BulkLoadBeforeReadsAsync(IStorageDatabase database, DbConnection connection, DbTransaction transaction, int plannedAddresses, int threshold, CancellationToken cancellationToken) =>
        Task.FromResult<IRegistryBulkLoad?>(null);

    /// <summary>Bulk-load path decided once the diffs are known (SQLite: when the write at least doubles
    /// the address rows); null when the normal path applies.</summary>
    public virtual Task<IRegistryBulkLoad?> BulkLoadAfterDiffAsync(DbConnection connection, DbTransaction transaction, int addedAddresses, int threshold, CancellationToken cancellationToken) =>
        Task.FromResult<IRegistryBulkLoad?>(null);

    /// <summary>True when <paramref name="exception"/> is the unique clinic patient id refusing a row.</summary>
    public abstract bool IsClinicIdConflict(DbException exception);
}

/// <summary>Writes the diffs of one transaction, chunk by chunk, in the order that keeps every
/// constraint true. A chunk's write may still be running when <see cref="WriteAsync"/> returns
/// (PostgreSQL overlaps building the next chunk with the server's work); <see cref="FlushAsync"/>
/// waits for it and throws its error.</summary>
internal abstract class RegistryWriter : IAsyncDisposable
{
    public abstract Task WriteAsync(IReadOnlyList<PatientDiff> diffs, CancellationToken cancellationToken);

    public virtual Task FlushAsync() => Task.CompletedTask;

    /// <summary>On an error path, never leaves a statement running on a connection about to roll back.</summary>
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Secondary indexes dropped for a bulk load, created again before the commit.</summary>
internal interface IRegistryBulkLoad
{
    Task RecreateAsync(CancellationToken cancellationToken);
}
