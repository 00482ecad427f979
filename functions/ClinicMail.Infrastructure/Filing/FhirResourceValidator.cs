using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>Validates resources with the Firely SDK's profile validator (Firely.Fhir.Validation.R4)
/// against the core R4 StructureDefinitions shipped in <c>specification.zip</c>
/// (Hl7.Fhir.Specification.Data.R4), with the local terminology service: cardinalities, types,
/// invariants (FHIRPath) and required bindings, offline.</summary>
/// <remarks>Building the validator reads the specification and compiles schemas as they are first
/// needed (about a second for a DocumentReference): one instance per process, a singleton;
/// <see cref="Validator"/> is thread-safe once built.</remarks>
public sealed class FhirResourceValidator
{
    private readonly Lazy<Validator> _validator;

    public FhirResourceValidator(string? specificationZip = null)
    {
        _validator = new Lazy<Validator>(() =>
        {
            var path = specificationZip ?? Path.Combine(AppContext.BaseDirectory, "specification.zip");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException("The FHIR R4 specification (specification.zip) is missing beside the binaries; the Hl7.Fhir.Specification.Data.R4 package puts it there.");
            }

            var resolver = new CachedResolver(ZipSource.CreateValidationSource(path));
            var terminology = LocalTerminologyService.CreateDefaultForCore(resolver.AsAsync());
            return new Validator(resolver.AsAsync(), terminology);
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The issues of severity error or fatal (empty: valid). Messages name elements, not values.</summary>
    public IReadOnlyList<string> Errors(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var outcome = _validator.Value.Validate(resource);
        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Code}: {i.Details?.Text ?? i.Diagnostics} at {string.Join(",", i.Expression ?? [])}")];
    }
}
