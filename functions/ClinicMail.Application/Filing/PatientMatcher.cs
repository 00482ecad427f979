using ClinicMail.Core.Filing;
using ClinicMail.Core.Registry;

namespace ClinicMail.Application.Filing;

/// <summary>Which patient an exchange belongs to, from the registered addresses of its correspondents
/// (the patient's side: the recipients of outgoing mail, the sender of incoming mail). Never guesses: a
/// shared or third-party address, or several patients, goes to a person to confirm.</summary>
public sealed class PatientMatcher(IPatientDirectory directory)
{
    /// <param name="addresses">The correspondents' addresses (the clinic's own domains already left out).</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    public async Task<PatientMatch> MatchAsync(IEnumerable<string> addresses, CancellationToken cancellationToken = default)
    {
        var normalized = addresses.Select(AddressNormalizer.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (normalized.Count == 0)
        {
            return PatientMatch.NotRegistered;
        }

        var found = await directory.FindByAddressesAsync(normalized, cancellationToken).ConfigureAwait(false);
        var matches = found.Values.SelectMany(m => m).ToList();
        var patients = matches.Select(m => m.Patient.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (patients.Count == 0)
        {
            return PatientMatch.NotRegistered;
        }

        if (patients.Count > 1)
        {
            // One address shared by a family, or several patients in one message.
            var shared = found.Values.Any(m => m.Select(x => x.Patient.Id).Distinct(StringComparer.Ordinal).Count() > 1);
            return PatientMatch.Confirm(shared ? ConfirmReasons.SharedAddress : ConfirmReasons.SeveralPatients, patients);
        }

        return matches.Any(m => m.Address.IsThirdParty)
            ? PatientMatch.Confirm(ConfirmReasons.ThirdPartyAddress, patients)
            : PatientMatch.Of(patients[0]);
    }
}

/// <summary>The patient, a list to confirm from, or nobody of the registry.</summary>
public sealed record PatientMatch(string? PatientId, string? ConfirmReason, IReadOnlyList<string> Candidates)
{
    public static readonly PatientMatch NotRegistered = new(null, null, []);

    public bool IsNotRegistered => PatientId is null && ConfirmReason is null;

    public static PatientMatch Of(string patientId) => new(patientId, null, [patientId]);

    public static PatientMatch Confirm(string reason, IReadOnlyList<string> candidates) => new(null, reason, candidates);
}
