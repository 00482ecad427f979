namespace ClinicMail.Core.Audit;

/// <summary>Serialises checkpoint signing across every process that shares the audit store (several
/// Function App instances over one PostgreSQL server). Without it two instances read the same latest
/// checkpoint, each sign a later head linked to it, and the checkpoint chain forks (docs/scale.md).</summary>
/// <remarks>Held only around one signing (a read, a verification of the records since the newest
/// checkpoint, one signature, one insert). A lock that dies with its holder (a database session) is
/// what makes a killed instance unable to keep the others from signing.</remarks>
public interface IAuditCheckpointLock
{
    /// <summary>Waits until this process holds the lock; disposing the result releases it.</summary>
    Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken);
}
