using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Localization;

/// <summary>Display names of categories and identifier kinds, in both languages.</summary>
public static class TopicNames
{
    public static LocalizedText Of(TopicCategory category) => category switch
    {
        TopicCategory.MentalHealth => new("santé mentale", "mental health"),
        TopicCategory.Oncology => new("cancérologie", "oncology"),
        TopicCategory.SubstanceUse => new("toxicomanie et alcoolisme", "substance use"),
        TopicCategory.SexualHealth => new("infection transmissible sexuellement ou par le sang (ITSS)", "sexually transmitted or blood-borne infection"),
        TopicCategory.NewDiagnosis => new("nouveau diagnostic", "new diagnosis"),
        TopicCategory.NewTreatment => new("nouveau traitement", "new treatment"),
        TopicCategory.Emotional => new("nouvelle à forte charge émotive", "emotionally charged news"),
        TopicCategory.PatientDeclared => new("sujet déclaré sensible par le patient", "topic the patient declared sensitive"),
    };

    public static LocalizedText Of(IdentifierKind kind) => kind switch
    {
        IdentifierKind.Ramq => new("numéro d'assurance maladie (RAMQ)", "health insurance number (RAMQ)"),
        IdentifierKind.Sin => new("numéro d'assurance sociale", "social insurance number"),
        IdentifierKind.DateOfBirth => new("date de naissance", "date of birth"),
        IdentifierKind.Phone => new("numéro de téléphone", "phone number"),
        IdentifierKind.PostalCode => new("code postal", "postal code"),
    };

    /// <summary>Joins display names of several categories: « santé mentale, cancérologie ».</summary>
    public static LocalizedText Join(IEnumerable<TopicCategory> categories)
    {
        var names = categories.Select(Of).ToList();
        return new(string.Join(", ", names.Select(n => n.Fr)), string.Join(", ", names.Select(n => n.En)));
    }

    public static LocalizedText Join(IEnumerable<IdentifierKind> kinds)
    {
        var names = kinds.Select(Of).ToList();
        return new(string.Join(", ", names.Select(n => n.Fr)), string.Join(", ", names.Select(n => n.En)));
    }
}
