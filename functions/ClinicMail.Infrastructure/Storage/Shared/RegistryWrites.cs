using ClinicMail.Core.Registry;

namespace ClinicMail.Infrastructure.Storage.Shared;

/// <summary>Checks shared by the stores' write paths.</summary>
internal static class RegistryWrites
{
    /// <summary>One state per patient per call: a patient listed twice is ambiguous (which wins?),
    /// and a set-based writer could not apply both in order.</summary>
    public static void RejectRepeatedIds(IReadOnlyList<Patient> patients)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var patient in patients)
        {
            ArgumentNullException.ThrowIfNull(patient);
            if (patient.Id is not null && !seen.Add(patient.Id))
            {
                throw new ArgumentException("A patient is listed twice in one write.", nameof(patients));
            }
        }
    }
}
