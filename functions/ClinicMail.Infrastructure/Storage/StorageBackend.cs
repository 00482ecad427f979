using Azure.Core;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Filing;
using ClinicMail.Core.Incoming;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Shared;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace ClinicMail.Infrastructure.Storage;

/// <summary>Every store of one provider, built in one place: the HTTP app's DI and the CLI both
/// start here, so a new store (secure messages, audit review…) is added once per provider.</summary>
public sealed class StorageBackend : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<IReadOnlyList<int>>> _migrate;
    private readonly IAsyncDisposable? _owner;

    private StorageBackend(
        string provider,
        IPatientStore patients,
        IPatientDirectory directory,
        IAuditStore audit,
        IOverrideJustificationStore justifications,
        ISecureMessageStore secureMessages,
        Func<CancellationToken, Task<IReadOnlyList<int>>> migrate,
        IAsyncDisposable? owner)
    {
        Provider = provider;
        Patients = patients;
        Directory = directory;
        Audit = audit;
        Justifications = justifications;
        SecureMessages = secureMessages;
        _migrate = migrate;
        _owner = owner;
    }

    /// <summary>"Sqlite" or "Postgres".</summary>
    public string Provider { get; }

    public IPatientStore Patients { get; }

    public IPatientDirectory Directory { get; }

    public IAuditStore Audit { get; }

    public IOverrideJustificationStore Justifications { get; }

    /// <summary>Secure messages (envelopes, wrapped data keys, access records), on both providers, without the
    /// address protector: keys, codes, purge and rewrap only; writing or reading an address is refused.
    /// The hosts use <see cref="SecureMessagesWith"/>.</summary>
    public ISecureMessageStore SecureMessages { get; }

    /// <summary>The provider's database, whichever it is.</summary>
    public IStorageDatabase Database => (IStorageDatabase?)Sqlite ?? Postgres!;

    /// <summary>The secure-message store that hashes and seals patients' addresses (migration 0013).</summary>
    public ISecureMessageStore SecureMessagesWith(PatientAddressProtector addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        return new SecureMessageStore(Database, addresses);
    }

    /// <summary>The record-filing outbox (issue 19), on both providers.</summary>
    public required IFilingOutboxStore FilingOutbox { get; init; }

    /// <summary>Where each mailbox's Sent Items sweep resumes (record filing, issue 19).</summary>
    public required ISentItemsCursorStore SentItemsCursors { get; init; }

    /// <summary>Audit search, export, checkpoints and retention; null where the provider has none yet.</summary>
    public IAuditReviewStore? AuditReview { get; private init; }

    /// <summary>Incoming mail (issue 18): processed messages, acknowledgements, awaiting answers, and the embedded queue.</summary>
    public IncomingMailStore Incoming { get; private init; } = null!;

    /// <summary>The Graph subscriptions of the watched mailboxes and their folders' delta links (issue 18).</summary>
    public IMailSubscriptionStore MailSubscriptions { get; private init; } = null!;

    /// <summary>The SQLite database, when that is the provider (for stores others add on it).</summary>
    public SqliteDatabase? Sqlite { get; private init; }

    /// <summary>The PostgreSQL database, when that is the provider.</summary>
    public PostgresDatabase? Postgres { get; private init; }

    /// <param name="database">The SQLite file.</param>
    /// <param name="time">Clock of the stores (timestamps, caches).</param>
    /// <param name="inProcessNearMiss">Search near misses in an in-process index of the address rows
    /// (a long-running host: the HTTP app), not with index seeks in the database (one-shot commands).</param>
    /// <param name="logger">For the in-process index's build and catch-up (counts and durations only).</param>
    public static StorageBackend ForSqlite(SqliteDatabase database, TimeProvider? time = null, bool inProcessNearMiss = false, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var audit = new AuditStore(database);
        return new StorageBackend("Sqlite", new PatientStore(database, time), new PatientDirectory(database, time, inProcessNearMiss, logger), audit, audit, new SecureMessageStore(database), database.MigrateAsync, null)
        {
            Sqlite = database,
            AuditReview = audit,
            Incoming = new IncomingMailStore(database),
            MailSubscriptions = new MailSubscriptionStore(database),
            FilingOutbox = new FilingOutboxStore(database),
            SentItemsCursors = new SentItemsCursorStore(database),
        };
    }

    /// <param name="database">The PostgreSQL data source.</param>
    /// <param name="time">Clock of the stores (timestamps, caches).</param>
    /// <param name="ownsDatabase">Dispose <paramref name="database"/> with this backend.</param>
    /// <param name="inProcessNearMiss">As for <see cref="ForSqlite"/>.</param>
    /// <param name="logger">As for <see cref="ForSqlite"/>.</param>
    public static StorageBackend ForPostgres(PostgresDatabase database, TimeProvider? time = null, bool ownsDatabase = false, bool inProcessNearMiss = false, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var audit = new AuditStore(database);
        return new StorageBackend("Postgres", new PatientStore(database, time), new PatientDirectory(database, time, inProcessNearMiss, logger), audit, audit, new SecureMessageStore(database), database.MigrateAsync, ownsDatabase ? database : null)
        {
            Postgres = database,
            AuditReview = audit,
            Incoming = new IncomingMailStore(database),
            MailSubscriptions = new MailSubscriptionStore(database),
            FilingOutbox = new FilingOutboxStore(database),
            SentItemsCursors = new SentItemsCursorStore(database),
        };
    }

    /// <summary>Builds the directory's in-process near-miss index now (start-up warm-up, benchmarks)
    /// instead of at the first look-up; nothing to do when near misses are searched in the database.</summary>
    public Task WarmUpNearMissIndexAsync(CancellationToken cancellationToken = default) =>
        (Directory as INearMissIndexed)?.WarmUpNearMissIndexAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Opens a store from a CLI-style target: a SQLite file path or a PostgreSQL connection string.</summary>
    public static StorageBackend Open(string? sqlitePath, string? postgresConnectionString, TokenCredential? entraCredential = null, TimeProvider? time = null)
    {
        if (!string.IsNullOrEmpty(postgresConnectionString))
        {
            return ForPostgres(new PostgresDatabase(postgresConnectionString, entraCredential, time), time, ownsDatabase: true);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(sqlitePath);
        return ForSqlite(new SqliteDatabase(sqlitePath, time), time);
    }

    /// <summary>Applies the schema scripts not yet applied, then re-keys addresses written under an
    /// older <see cref="AddressKeys.AlgorithmVersion"/> (so near-miss look-ups never miss them).</summary>
    /// <returns>The schema versions applied and the number of addresses re-keyed.</returns>
    public async Task<(IReadOnlyList<int> Applied, int Rekeyed)> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var applied = await _migrate(cancellationToken).ConfigureAwait(false);
        var rekeyed = await Patients.RefreshAddressKeysAsync(cancellationToken).ConfigureAwait(false);
        return (applied, rekeyed);
    }

    public async ValueTask DisposeAsync()
    {
        if (Patients is PatientStore patients)
        {
            // A statistics refresh started by an import finishes before the data source closes.
            await patients.MaintenanceAsync().ConfigureAwait(false);
        }

        if (_owner is not null)
        {
            await _owner.DisposeAsync().ConfigureAwait(false);
        }

        if (Directory is IDisposable directory)
        {
            // The SQLite directory keeps a few open look-up connections; both stop their index's work.
            directory.Dispose();
        }

        if (Sqlite is not null)
        {
            // Release pooled handles so the file can be moved or deleted right after a CLI command.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
