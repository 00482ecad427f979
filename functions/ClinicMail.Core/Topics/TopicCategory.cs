using ClinicMail.Core.Text;

namespace ClinicMail.Core.Topics;

/// <summary>The sensitive subjects listed by the Collège ("Les sujets sensibles sont notamment :").
/// JSON ids are the snake_case names (<c>mental_health</c>, …); they are a contract.</summary>
public enum TopicCategory
{
    /// <summary>« Troubles de santé mentale ».</summary>
    MentalHealth,
    /// <summary>« Problèmes en cancérologie ».</summary>
    Oncology,
    /// <summary>« Toxicomanie et alcoolisme ».</summary>
    SubstanceUse,
    /// <summary>« Infection transmise sexuellement ou par le sang » (ITSS/STBBI).</summary>
    SexualHealth,
    /// <summary>« Communication d'un nouveau diagnostic ».</summary>
    NewDiagnosis,
    /// <summary>« Communication d'un nouveau traitement ».</summary>
    NewTreatment,
    /// <summary>« Diagnostic ou traitement ayant une forte charge émotive ».</summary>
    Emotional,
    /// <summary>« Toute information jugée comme telle par le patient »: terms from the registry.</summary>
    PatientDeclared,
}

/// <summary>One sensitive category found in the draft, with every place it was seen.</summary>
public sealed record TopicFinding
{
    public required TopicCategory Category { get; init; }

    /// <summary>The highest confidence among the evidence.</summary>
    public required double Confidence { get; init; }

    public required IReadOnlyList<Evidence> Evidence { get; init; }

    /// <summary>For <see cref="TopicCategory.PatientDeclared"/>: the registry ids of the patients
    /// who declared the matched terms. Empty for the other categories.</summary>
    public IReadOnlyList<string> PatientIds { get; init; } = [];

    /// <summary>True when every piece of evidence sits in quoted history.</summary>
    public bool QuotedOnly => Evidence.Count > 0 && Evidence.All(e => e.Quoted);
}

/// <summary>What topic detection returns: the sensitive categories, plus the signal that the
/// text is clinical at all (results, medication, symptoms) even when nothing sensitive is in it.
/// The policy uses the latter for secure delivery to external mailboxes.</summary>
public sealed record TopicAnalysis
{
    public required IReadOnlyList<TopicFinding> Topics { get; init; }

    /// <summary>Evidence of non-sensitive clinical content (a lab result, a medication, a symptom).</summary>
    public required IReadOnlyList<Evidence> ClinicalEvidence { get; init; }

    public bool IsClinical => ClinicalEvidence.Count > 0 || Topics.Count > 0;

    public static TopicAnalysis Empty { get; } = new() { Topics = [], ClinicalEvidence = [] };
}
