namespace ClinicMail.Core.Registry;

/// <summary>The write path of <see cref="IPatientStore.WriteAsync"/> for a caller that created some
/// registry ids itself, just now (the registry import generates new ids): those patients
/// cannot be stored yet, so the store writes them as inserts without reading them back first. On a
/// first import of 100,000 rows that read found nothing and cost a round trip per chunk.</summary>
/// <remarks>A separate port on purpose: the main contract stays "the store reads what it diffs against";
/// only the import uses this one.
/// The shortcut cannot hide a concurrent change: an id nobody else knows cannot have been written
/// meanwhile, and a clinic id or address taken meanwhile breaks the same constraints (and throws the
/// same <see cref="RegistryConflictException"/>) as on the normal path. Patients not listed as fresh
/// are still read inside the write's transaction. A caller that lists an id that IS stored gets a
/// primary-key violation and nothing of the call is written (never a silent overwrite).</remarks>
public interface IFreshPatientWriter
{
    /// <summary>Same as <see cref="IPatientStore.WriteAsync"/>, with <paramref name="freshIds"/>: the
    /// registry ids of <paramref name="patients"/> the caller generated for this write.</summary>
    Task<IReadOnlyList<PatientDiff>> WriteAsync(IReadOnlyList<Patient> patients, string actorId, IReadOnlySet<string> freshIds, CancellationToken cancellationToken = default);
}
