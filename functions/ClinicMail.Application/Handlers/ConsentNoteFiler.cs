using System.Globalization;
using System.Text;
using ClinicMail.Application.Filing;
using ClinicMail.Core.Filing;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Registry;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Handlers;

/// <summary>Files a consent decision to the patient's record (« une note au dossier témoignant des
/// explications données au patient et son consentement verbal »): the verbal consent with its
/// checklist, the consent signed online, and a withdrawal. It goes through record filing like any
/// exchange (<see cref="ExchangeSources.ConsentNote"/>: a PDF rendition and a FHIR DocumentReference,
/// validated, delivered by the outbox), bilingual like the other renditions (the whole clinic reads
/// the record). The note names no one beyond what the record already holds: the patient is the
/// record's subject; the author is the actor id.</summary>
public sealed class ConsentNoteFiler(ExchangeFilingService filing, IOptions<RecordFilingOptions> options, TimeProvider time, ILogger<ConsentNoteFiler> logger)
{
    /// <summary>Records the note in the filing outbox. The consent is already in the registry: a filing
    /// that cannot be recorded is logged (ids only) and left to the clinic page's filing list, never
    /// undone or hidden.</summary>
    public async Task<FilingRecordOutcome?> FileAsync(Patient patient, ConsentEvidence evidence, ConsentPolicyVersion? policy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(evidence);
        if (!options.Value.Enabled)
        {
            return null;
        }

        try
        {
            var outcome = await filing.RecordAsync(new ObservedExchange
            {
                Direction = ExchangeDirection.Incoming,
                SourceKind = ExchangeSources.ConsentNote,
                PatientId = patient.Id,
                Parts = Note(evidence, policy, time.GetUtcNow()),
            }, ct).ConfigureAwait(false);
            logger.LogInformation("Consent evidence {EvidenceId} for patient {PatientId}: note to the record {Outcome}", evidence.Id, patient.Id, outcome);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError("Consent evidence {EvidenceId} for patient {PatientId}: the note to the record was not recorded ({Failure})", evidence.Id, patient.Id, ex.GetType().Name);
            return null;
        }
    }

    /// <summary>The note as an exchange: the patient's decision, received by the clinic.</summary>
    internal static FiledExchange Note(ConsentEvidence evidence, ConsentPolicyVersion? policy, DateTimeOffset now)
    {
        var method = evidence.Method switch
        {
            ConsentMethod.VerbalNoted => ("consentement verbal", "verbal consent"),
            ConsentMethod.ElectronicSignature => ("signature électronique (nom et date de naissance vérifiés, code envoyé à l'adresse)", "electronic signature (name and date of birth matched, code sent to the address)"),
            _ => ("formulaire signé", "signed form"),
        };
        var decision = evidence.Status switch
        {
            ConsentStatus.Granted => ("accordé", "granted"),
            ConsentStatus.Refused => ("refusé", "refused"),
            ConsentStatus.Revoked => ("retiré par le patient", "withdrawn by the patient"),
            _ => (evidence.Status.ToString(), evidence.Status.ToString()),
        };
        var body = new StringBuilder()
            .Append("Note au dossier — consentement à la communication électronique / Record note — consent to electronic communication\n\n")
            .Append("Méthode / Method : ").Append(method.Item1).Append(" / ").Append(method.Item2).Append('\n')
            .Append("Décision / Decision : ").Append(decision.Item1).Append(" / ").Append(decision.Item2).Append('\n')
            .Append("Utilisations / Uses : ").Append(List(evidence.Uses.Select(ConsentVocabulary.UseName).Select(n => n.Fr + " / " + n.En))).Append('\n')
            .Append("Sujets convenus à l'avance / Topics agreed in advance : ").Append(List(evidence.Categories.Select(TopicNames.Of).Select(n => n.Fr + " / " + n.En))).Append('\n')
            .Append("Politique de la clinique / Clinic policy : version ").Append(evidence.PolicyVersion.ToString(CultureInfo.InvariantCulture))
            .Append(", SHA-256 ").Append(evidence.PolicyHash.Length == 0 ? "—" : evidence.PolicyHash).Append('\n')
            .Append("Enregistré le / Recorded on : ").Append(evidence.RecordedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append('\n')
            .Append("Enregistré par / Recorded by : ").Append(evidence.RecordedBy).Append('\n')
            .Append("Référence / Reference : ").Append(evidence.Id).Append('\n');
        if (evidence.InvitationId is not null)
        {
            body.Append("Invitation : ").Append(evidence.InvitationId).Append(" — adresse confirmée / address confirmed : ").Append(evidence.AddressConfirmed ? "oui / yes" : "non / no").Append('\n');
        }

        if (evidence.Checklist.Count > 0)
        {
            body.Append("\nExplications données au patient / Explanations given to the patient :\n");
            foreach (var item in evidence.Checklist)
            {
                var label = InformedConsentItems.Label(item);
                body.Append("• ").Append(label.Fr).Append(" / ").Append(label.En).Append('\n');
            }
        }

        if (policy is not null && evidence.Status != ConsentStatus.Revoked)
        {
            // The text the patient read (or was read), in the record as it was: the hash above proves it.
            foreach (var lang in new[] { "fr", "en" })
            {
                body.Append('\n').Append(lang == "fr" ? "Politique lue (français) :" : "Policy read (English):").Append('\n');
                foreach (var section in ConsentPolicyText.Render(policy.Policy, lang))
                {
                    body.Append(section.Heading).Append('\n');
                    foreach (var paragraph in section.Paragraphs)
                    {
                        body.Append(paragraph).Append('\n');
                    }
                }
            }
        }

        return new FiledExchange
        {
            Direction = ExchangeDirection.Incoming,
            SourceKind = ExchangeSources.ConsentNote,
            From = "ClinicMail — " + evidence.RecordedBy,
            Subject = evidence.Method == ConsentMethod.VerbalNoted
                ? "Note au dossier : consentement verbal au courriel / Record note: verbal consent to e-mail"
                : "Consentement au courriel signé en ligne / Consent to e-mail signed online",
            At = evidence.RecordedAt == default ? now : evidence.RecordedAt,
            BodyText = body.ToString(),
        };
    }

    private static string List(IEnumerable<string> names)
    {
        var joined = string.Join("; ", names);
        return joined.Length == 0 ? "aucune / none" : joined;
    }
}
