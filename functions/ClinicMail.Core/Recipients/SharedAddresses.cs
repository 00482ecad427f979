using ClinicMail.Core.Content;
using ClinicMail.Core.Registry;

namespace ClinicMail.Core.Recipients;

/// <summary>Which patient a message to a family-shared address concerns. « à moins que le patient y ait
/// consenti » is a per-patient rule: the patient the draft greets (or names in the body) decides, and when
/// the draft names none — or several — the address keeps the strictest answer and the physician is asked.</summary>
public static class SharedAddresses
{
    /// <summary>The reports with shared addresses narrowed to the patient the draft concerns, and the
    /// addresses whose patient could not be told (only where the patients' answers differ).</summary>
    public static (IReadOnlyList<RecipientReport> Reports, IReadOnlyList<string> Unclear) Narrow(
        IReadOnlyList<RecipientReport> reports, IReadOnlyList<string> greeting, string foldedBody, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(greeting);
        ArgumentNullException.ThrowIfNull(foldedBody);
        List<RecipientReport>? narrowed = null;
        var unclear = new List<string>();
        for (var i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            if (report.Patients.Count < 2)
            {
                continue;
            }

            var concerned = Concerned(report.Patients, greeting, foldedBody);
            if (concerned is null)
            {
                if (Differ(report, today))
                {
                    unclear.Add(report.Address);
                }

                continue;
            }

            narrowed ??= [.. reports];
            narrowed[i] = For(report, concerned, today);
        }

        return (narrowed ?? reports, unclear);
    }

    private static Patient? Concerned(IReadOnlyList<Patient> patients, IReadOnlyList<string> greeting, string foldedBody)
    {
        if (greeting.Count > 0)
        {
            var scores = patients.Select(p => (Patient: p, Score: GreetingNames.Match(greeting, p))).ToList();
            var best = scores.Max(s => s.Score);
            var top = scores.Where(s => s.Score == best).ToList();
            if (best > 0 && top.Count == 1)
            {
                return top[0].Patient;
            }

            if (best > 0)
            {
                return null;
            }
        }

        var mentioned = patients.Where(p => GreetingNames.MentionsGivenName(foldedBody, p)).ToList();
        return mentioned.Count == 1 ? mentioned[0] : null;
    }

    private static bool Differ(RecipientReport report, DateOnly today)
    {
        var answers = report.Patients.Select(p => For(report, p, today)).Select(r => (r.Status, r.ThirdPartyConsented)).Distinct().Count();
        return answers > 1;
    }

    /// <summary>The report as if the address belonged to this patient alone.</summary>
    internal static RecipientReport For(RecipientReport report, Patient patient, DateOnly today)
    {
        var entry = patient.Addresses.FirstOrDefault(a => string.Equals(AddressNormalizer.Normalize(a.Address), report.Address, StringComparison.Ordinal));
        var consent = ConsentSummaries.For(patient.Consent, today);
        var thirdParty = entry?.IsThirdParty ?? report.AddressKind is { } k && k != AddressKind.Personal;
        var restricted = patient.Restriction is not null;
        var status = restricted ? RecipientStatus.RestrictedPatient
            : !string.Equals(consent.State, ConsentSummaries.Granted, StringComparison.Ordinal) ? RecipientStatus.PatientWithoutConsent
            : thirdParty ? RecipientStatus.ThirdParty
            : RecipientStatus.ConsentedPatient;
        return report with
        {
            Status = status,
            PatientId = patient.Id,
            PatientIds = [patient.Id],
            Patients = [patient],
            Consent = consent,
            AddressKind = entry?.Kind ?? report.AddressKind,
            ThirdPartyConsented = thirdParty ? entry?.ThirdPartyConsented ?? false : null,
            Restricted = restricted,
        };
    }
}
