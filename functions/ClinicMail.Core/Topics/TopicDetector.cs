using ClinicMail.Core.Text;

namespace ClinicMail.Core.Topics;

/// <summary>Finds the sensitive categories in French and English text. Stateless and thread-safe:
/// one instance serves every check.</summary>
public sealed class TopicDetector
{
    public static TopicDetector Default { get; } = new();

    /// <summary>Sensitive categories (all but <see cref="TopicCategory.PatientDeclared"/>) and the clinical signal.</summary>
    public TopicAnalysis Analyze(CheckedText text) => throw new NotImplementedException("topic detection: in progress");

    /// <summary>Terms the given patients declared sensitive, found in the text. Returns one
    /// <see cref="TopicCategory.PatientDeclared"/> finding, or null when none of the terms occur.</summary>
    public TopicFinding? FindDeclared(CheckedText text, IReadOnlyList<DeclaredTerms> declared) =>
        throw new NotImplementedException("declared terms: in progress");
}

/// <summary>The sensitive terms one patient declared.</summary>
public sealed record DeclaredTerms(string PatientId, IReadOnlyList<string> Terms);
