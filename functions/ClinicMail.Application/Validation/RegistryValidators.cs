using ClinicMail.Application.Handlers;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Registry;
using FluentValidation;

namespace ClinicMail.Application.Validation;

/// <summary>Shape of registry requests at the edge (sizes, formats, vocabularies). Ownership rules
/// (an address on two patients, a repeated clinic id) are the store's, answered with 409.</summary>
public sealed class PatientRequestValidator : AbstractValidator<PatientRequest>
{
    public const int MaxAddresses = 20;

    public PatientRequestValidator()
    {
        RuleFor(p => p.ClinicPatientId).NotEmpty().MaximumLength(64).Must(RegistryRules.IsClinicId)
            .WithMessage(_ => L(new(
                "L'identifiant du patient de la clinique est requis : 1 à 64 caractères ASCII imprimables, sans espace ni accent.",
                "The clinic patient id is required: 1 to 64 printable ASCII characters, no space or accent.")));
        RuleFor(p => p.FamilyName).NotEmpty().MaximumLength(200).WithMessage(_ => L(RegistryRules.NameRequired));
        RuleFor(p => p.GivenName).NotEmpty().MaximumLength(200).WithMessage(_ => L(RegistryRules.NameRequired));
        RuleFor(p => p.Language).Must(l => l is "fr" or "en").WithMessage(_ => L(new("La langue est fr ou en.", "The language is fr or en.")));
        RuleFor(p => p.Addresses).Must(a => a is null || a.Count <= MaxAddresses)
            .WithMessage(_ => DraftValidator.Limit("MaxPatientAddresses", MaxAddresses, "adresses par patient", "addresses per patient"));
        RuleForEach(p => p.Addresses).SetValidator(new AddressRequestValidator());
        RuleFor(p => p.Consent!).SetValidator(new ConsentRequestValidator()).When(p => p.Consent is not null);
        RuleFor(p => p.DeclaredSensitiveTerms).Must(t => t is null || (t.Count <= 50 && t.All(x => !string.IsNullOrWhiteSpace(x) && x.Length <= 100)))
            .WithMessage(_ => L(new("Au plus 50 termes sensibles déclarés, de 1 à 100 caractères chacun.", "At most 50 declared sensitive terms, 1 to 100 characters each.")));
    }

    private static string L(LocalizedText text) => DraftValidator.L(text);
}

public sealed class AddressRequestValidator : AbstractValidator<AddressRequest>
{
    public AddressRequestValidator()
    {
        RuleFor(a => a.Address).Must(a => a is { Length: <= 320 } && AddressNormalizer.Normalize(a) is not null)
            .WithMessage(_ => DraftValidator.L(new("Adresse de courriel invalide.", "Invalid e-mail address.")));
        RuleFor(a => a.Kind).IsInEnum();
        RuleFor(a => a.VerificationMethod).MaximumLength(64)
            .WithMessage(_ => DraftValidator.L(new("La méthode de vérification compte au plus 64 caractères.", "The verification method has at most 64 characters.")));
    }
}

public sealed class ConsentRequestValidator : AbstractValidator<ConsentRequest>
{
    public ConsentRequestValidator()
    {
        RuleFor(c => c.Status).IsInEnum();
        // « la signature par le patient d'un formulaire de consentement » or « une note au dossier »: how it was given is part of a granted consent.
        RuleFor(c => c.Method).NotNull().When(c => c.Status == ConsentStatus.Granted)
            .WithMessage(_ => DraftValidator.L(new("Un consentement accordé indique sa méthode : signed_form ou verbal_noted.", "A granted consent states its method: signed_form or verbal_noted.")));
        // An electronic signature is recorded only by the patient's consent page (docs/consent.md).
        RuleFor(c => c.Method).NotEqual(ConsentMethod.ElectronicSignature)
            .WithMessage(_ => DraftValidator.L(new("Une signature électronique ne s'enregistre que par la page de consentement du patient.", "An electronic signature is recorded only through the patient's consent page.")));
        RuleFor(c => c.RecordedOn).NotNull()
            .WithMessage(_ => DraftValidator.L(new("La date du consentement est requise.", "The consent date is required.")));
        RuleFor(c => c.ExpiresOn).GreaterThanOrEqualTo(c => c.RecordedOn).When(c => c.ExpiresOn is not null && c.RecordedOn is not null)
            .WithMessage(_ => DraftValidator.L(new("L'échéance suit la date du consentement.", "The expiry comes after the consent date.")));
        RuleFor(c => c.DocumentReference).MaximumLength(100)
            .WithMessage(_ => DraftValidator.L(new("La référence du document compte au plus 100 caractères.", "The document reference has at most 100 characters.")));
    }
}

public sealed class RemoveAddressRequestValidator : AbstractValidator<RemoveAddressRequest>
{
    public RemoveAddressRequestValidator() =>
        RuleFor(r => r.Address).Must(a => a is { Length: <= 320 } && AddressNormalizer.Normalize(a) is not null)
            .WithMessage(_ => DraftValidator.L(new("Adresse de courriel invalide.", "Invalid e-mail address.")));
}

public sealed class RestrictRequestValidator : AbstractValidator<RestrictRequest>
{
    public RestrictRequestValidator() =>
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(500)
            .WithMessage(_ => DraftValidator.L(new("Le motif de la restriction est requis (au plus 500 caractères).", "The reason for the restriction is required (at most 500 characters).")));
}

public sealed class SearchRequestValidator : AbstractValidator<SearchRequest>
{
    public const int MaxPageSize = 100;

    public SearchRequestValidator()
    {
        RuleFor(s => s).Must(s => !string.IsNullOrWhiteSpace(s.ClinicPatientId) || NameKey.Fold(s.Name).Length > 0).OverridePropertyName("name")
            .WithMessage(_ => DraftValidator.L(new("Indiquez un nom ou un identifiant de la clinique.", "Give a name or a clinic patient id.")));
        RuleFor(s => s.Name).MaximumLength(200).WithMessage(_ => DraftValidator.L(new("Le nom cherché compte au plus 200 caractères.", "The name searched has at most 200 characters.")));
        RuleFor(s => s.ClinicPatientId).MaximumLength(64);
        RuleFor(s => s.Page).InclusiveBetween(1, 10_000).WithMessage(_ => DraftValidator.L(new("La page va de 1 à 10 000.", "The page is from 1 to 10,000.")));
        RuleFor(s => s.PageSize).InclusiveBetween(1, MaxPageSize)
            .WithMessage(_ => DraftValidator.Limit("MaxPageSize", MaxPageSize, "patients par page", "patients per page"));
    }
}

public sealed class LookupRequestValidator : AbstractValidator<LookupRequest>
{
    public const int MaxAddresses = 50;

    public LookupRequestValidator()
    {
        RuleFor(l => l.Addresses).NotEmpty().Must(a => a!.Count <= MaxAddresses)
            .WithMessage(_ => DraftValidator.Limit("MaxLookupAddresses", MaxAddresses, "adresses par recherche (au moins une)", "addresses per look-up (at least one)"));
        RuleForEach(l => l.Addresses).Must(a => a is { Length: <= 320 } && AddressNormalizer.Normalize(a) is not null)
            .WithMessage(_ => DraftValidator.L(new("Adresse de courriel invalide.", "Invalid e-mail address.")));
    }
}

internal static class RegistryRules
{
    public static readonly LocalizedText NameRequired = new("Le nom et le prénom sont requis (au plus 200 caractères).", "The family and given names are required (at most 200 characters).");

    /// <summary>Clinic ids are compared exactly, so they are restricted to what an EMR id is: printable ASCII without spaces.</summary>
    public static bool IsClinicId(string? id) => id is { Length: > 0 and <= 64 } && id.All(c => c is >= '!' and <= '~');
}
