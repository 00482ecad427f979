using ClinicMail.Core.Localization;

namespace ClinicMail.Core.Audit;

/// <summary>What a verification result means, for a reviewer, in both languages (API and CLI).</summary>
public static class AuditVerificationMessages
{
    public static LocalizedText Summary(AuditVerification v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return v.Ok
            ? new(
                $"Journal intact : {v.RecordsVerified} enregistrements vérifiés, {v.CheckpointsVerified} points de contrôle signés valides, {v.UnsignedRecords} enregistrements après le dernier.",
                $"Log intact: {v.RecordsVerified} records verified, {v.CheckpointsVerified} valid signed checkpoints, {v.UnsignedRecords} records after the last one.")
            : new(
                $"Journal altéré : première rupture à l'enregistrement {v.BrokenAt} ({Of(v.Problem).Fr}).",
                $"Log tampered with: first break at record {v.BrokenAt} ({Of(v.Problem).En}).");
    }

    public static LocalizedText Of(AuditBreak? problem) => problem switch
    {
        AuditBreak.Altered => new("contenu modifié", "content altered"),
        AuditBreak.Missing => new("enregistrement manquant", "record missing"),
        AuditBreak.Inserted => new("enregistrement inséré", "record inserted"),
        AuditBreak.PreviousHashMismatch => new("lien rompu : enregistrement inséré ou remplacé avant celui-ci", "broken link: a record was inserted or replaced before this one"),
        AuditBreak.CheckpointMismatch => new("ne correspond pas au point de contrôle signé", "does not match the signed checkpoint"),
        AuditBreak.HeadMismatch => new("la tête de la chaîne ne correspond pas : fin tronquée ou ajout clandestin", "the chain head does not match: tail truncated or records added behind the writer"),
        AuditBreak.Unsigned => new("trop d'enregistrements sans signature : points de contrôle supprimés", "too many unsigned records: checkpoints removed"),
        null => new("inconnu", "unknown"),
    };
}
