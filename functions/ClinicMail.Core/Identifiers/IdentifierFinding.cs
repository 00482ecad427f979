using ClinicMail.Core.Text;

namespace ClinicMail.Core.Identifiers;

/// <summary>Identifiers that make a message nominative (MSSS: « toutes les informations qui
/// permettent d'identifier une patiente ou un patient »). JSON ids are snake_case.</summary>
public enum IdentifierKind
{
    /// <summary>RAMQ health insurance number: 4 letters + 8 digits.</summary>
    Ramq,
    /// <summary>Social insurance number: 9 digits, Luhn-valid.</summary>
    Sin,
    DateOfBirth,
    Phone,
    PostalCode,
}

public sealed record IdentifierFinding
{
    public required IdentifierKind Kind { get; init; }

    public required IReadOnlyList<Evidence> Evidence { get; init; }
}
