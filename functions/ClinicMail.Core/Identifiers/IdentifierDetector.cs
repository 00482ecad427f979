using ClinicMail.Core.Text;

namespace ClinicMail.Core.Identifiers;

/// <summary>Finds RAMQ numbers, SINs, dates of birth, phone numbers and postal codes. Stateless, thread-safe.</summary>
public sealed class IdentifierDetector
{
    public static IdentifierDetector Default { get; } = new();

    public IReadOnlyList<IdentifierFinding> Detect(CheckedText text) => throw new NotImplementedException("identifiers: in progress");
}
