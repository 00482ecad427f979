using System.Data.Common;
using ClinicMail.Core.Registry;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary><see cref="IPatientStore"/> on either database (<see cref="IStorageDatabase"/>). Every write
/// is one transaction and leaves a history row per changed entity naming the fields that changed
/// (never their values: the history is for the compliance reviewer, who must not read patient data).
/// The statements that differ per engine are <see cref="RegistrySql"/> (the dialect's <c>Registry</c>).</summary>
/// <remarks>Addresses are stored normalized with their near-miss keys; a patient whose address is
/// not a valid e-mail address is refused, because an address that cannot be normalized could never
/// be matched and would give a false sense of being "registered". Consents are append-only: a new
/// consent adds a row and the patient points to it, so the consent history survives. Per chunk of
/// 2,000, the stored state is loaded in one round trip and diffed, and the changes are written as a
/// handful of set-based statements, so a 100,000-row EMR import is a few seconds (docs/performance.md).
/// On SQLite every chunk is diffed before the first is written (its bulk-load path depends on the
/// size of the whole write); on PostgreSQL each chunk's write runs on the server while the next one
/// is diffed and built (<see cref="RegistrySql.WritesWhileDiffing"/>).</remarks>
public sealed partial class PatientStore(IStorageDatabase database, TimeProvider? timeProvider = null) : IPatientStore, IFreshPatientWriter
{
    /// <summary>Fewest added addresses for which dropping and rebuilding the secondary indexes can pay off.</summary>
    public const int BulkMinAddedAddresses = 20_000;

    private const int Chunk = 2000;

    /// <summary>From this many rows written in one call, statistics are refreshed right away (where the
    /// engine wants it) and the ownership check is planned serially.</summary>
    private const int LargeWriteRows = 10_000;

    private static readonly IReadOnlySet<string> NoFreshIds = new HashSet<string>(StringComparer.Ordinal);

    private static readonly Dictionary<string, Patient> NoneStored = new(StringComparer.Ordinal);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    private readonly RegistrySql _sql = (database ?? throw new ArgumentNullException(nameof(database))).Dialect.Registry;

    /// <summary>Fewest added addresses for the bulk-load path; lowered by tests to exercise it with small files.</summary>
    internal int BulkThreshold { get; init; } = BulkMinAddedAddresses;

    public Task<IReadOnlyList<PatientDiff>> WriteAsync(IReadOnlyList<Patient> patients, string actorId, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(patients, actorId, NoFreshIds, cancellationToken);

    Task<IReadOnlyList<PatientDiff>> IFreshPatientWriter.WriteAsync(IReadOnlyList<Patient> patients, string actorId, IReadOnlySet<string> freshIds, CancellationToken cancellationToken) =>
        WriteCoreAsync(patients, actorId, freshIds ?? throw new ArgumentNullException(nameof(freshIds)), cancellationToken);

    private async Task<IReadOnlyList<PatientDiff>> WriteCoreAsync(IReadOnlyList<Patient> patients, string actorId, IReadOnlySet<string> freshIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patients);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        RegistryWrites.RejectRepeatedIds(patients);

        var now = _time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // SQLite: BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), so nobody else writes meanwhile.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Declared after the transaction so it is disposed first: a write still running on an error
        // path is waited for before the transaction rolls back on the same connection.
        await using var writer = _sql.CreateWriter(connection, transaction, actorId, now);
        var chunks = new List<List<PatientDiff>>();
        var diffs = new List<PatientDiff>(patients.Count);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var bulk = await _sql.BulkLoadBeforeReadsAsync(database, connection, transaction, patients.Sum(p => p.Addresses.Count), BulkThreshold, cancellationToken).ConfigureAwait(false);
            var interleave = _sql.WritesWhileDiffing;
            for (var start = 0; start < patients.Count; start += Chunk)
            {
                var chunk = patients.Skip(start).Take(Chunk).ToList();
                // Ids the caller just generated (IFreshPatientWriter) cannot be stored: not read back.
                string[] known = [.. chunk.Where(p => !freshIds.Contains(p.Id)).Select(p => p.Id)];
                var stored = NoneStored;
                if (known.Length > 0)
                {
                    // The connection runs one command at a time: a read waits for a write still running.
                    await writer.FlushAsync().ConfigureAwait(false);
                    stored = await LoadAsync(connection, transaction, known, byClinicId: false, cancellationToken).ConfigureAwait(false);
                }

                var chunkDiffs = chunk.Select(patient => PatientDiff.Compute(stored.GetValueOrDefault(patient.Id ?? ""), patient)).ToList();
                diffs.AddRange(chunkDiffs);
                if (interleave)
                {
                    await WriteChunkAsync(chunkDiffs).ConfigureAwait(false);
                }
                else
                {
                    chunks.Add(chunkDiffs);
                }
            }

            // Otherwise every diff is known before the first row is written: the size of the write decides the path.
            bulk ??= await _sql.BulkLoadAfterDiffAsync(connection, transaction, diffs.Sum(d => d.AddressesAdded.Count), BulkThreshold, cancellationToken).ConfigureAwait(false);
            foreach (var chunkDiffs in chunks)
            {
                await WriteChunkAsync(chunkDiffs).ConfigureAwait(false);
            }

            await writer.FlushAsync().ConfigureAwait(false);
            if (bulk is not null)
            {
                await bulk.RecreateAsync(cancellationToken).ConfigureAwait(false);
            }

            await CheckAddressOwnershipAsync(connection, transaction, touched, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception) when (_sql.IsClinicIdConflict(exception))
        {
            // The only unique key a caller can collide with is clinic_patient_id (an address repeated
            // within a patient is refused before any write).
            throw new RegistryConflictException(RegistryConflict.ClinicPatientId, exception);
        }

        if (diffs.Count(d => !d.IsEmpty) >= LargeWriteRows && _sql.AnalyzeAfterLargeWriteSql is { } analyze)
        {
            RefreshStatisticsInBackground(analyze);
        }

        return diffs;

        async Task WriteChunkAsync(List<PatientDiff> chunkDiffs)
        {
            await writer.WriteAsync(chunkDiffs, cancellationToken).ConfigureAwait(false);
            foreach (var diff in chunkDiffs)
            {
                touched.UnionWith(diff.TouchedAddresses());
            }
        }
    }

    /// <summary>After the writes, inside the transaction: an address held by two patients is allowed
    /// only when every holder has it as family-shared. Checked on the final state, so a batch that
    /// moves an address from one patient to another is fine.</summary>
    private async Task CheckAddressOwnershipAsync(DbConnection connection, DbTransaction transaction, HashSet<string> touched, CancellationToken cancellationToken)
    {
        if (touched.Count == 0)
        {
            return;
        }

        var dialect = database.Dialect;
        if (touched.Count >= LargeWriteRows && _sql.BeforeLargeSetSql is { } before)
        {
            await connection.ExecuteAsync(transaction, dialect, before, cancellationToken).ConfigureAwait(false);
        }

        if (await connection.ScalarAsync(transaction, dialect, _sql.SharedAddressConflictSql, cancellationToken, _sql.KeySet(touched)).ConfigureAwait(false) is not null)
        {
            throw new RegistryConflictException(RegistryConflict.Address);
        }
    }

    private readonly Lock _maintenanceLock = new();
    private Task _maintenance = Task.CompletedTask;

    /// <summary>The statistics refresh started by the last large write, if any: awaited before the
    /// data source is closed (<c>StorageBackend.DisposeAsync</c>), so a one-shot command finishes it,
    /// and by the benchmark, which reports it apart.</summary>
    internal Task MaintenanceAsync()
    {
        lock (_maintenanceLock)
        {
            return _maintenance;
        }
    }

    /// <summary>After a large write commits, refreshes the planner statistics of the registry tables
    /// (PostgreSQL: about 0.6 s after 100,000 patients) without making the writer wait: the rows are
    /// committed and visible, the look-ups are index probes whatever the statistics, and autovacuum
    /// would refresh them within a minute anyway; this only brings that forward. A failure is left to autovacuum.</summary>
    private void RefreshStatisticsInBackground(string analyze)
    {
        lock (_maintenanceLock)
        {
            var previous = _maintenance;
            _maintenance = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false);
                try
                {
                    await database.ExecuteAsync(analyze, CancellationToken.None).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Whatever stops it (server gone, data source closed), autovacuum's own ANALYZE covers it, and the
                // task must never fault: the next refresh and StorageBackend.DisposeAsync await it.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            });
        }
    }
}
