using System.Text.RegularExpressions;
using ClinicMail.Application.Handlers;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Registry;
using FluentValidation;

namespace ClinicMail.Application.Validation;

/// <summary>Shape of the clinic's e-mail policy: every list bounded, every value in its vocabulary.</summary>
public sealed partial class ClinicEmailPolicyValidator : AbstractValidator<ClinicEmailPolicy>
{
    public ClinicEmailPolicyValidator()
    {
        RuleFor(p => p.ResponseDelayBusinessDays).InclusiveBetween(0, 10)
            .WithMessage(_ => L(new("Le délai de réponse est de 0 à 10 jours ouvrables.", "The response delay is 0 to 10 business days.")));
        RuleFor(p => p.OpenDays).Must(d => d is { Count: > 0 and <= 7 } && d.All(Enum.IsDefined) && d.Distinct().Count() == d.Count)
            .WithMessage(_ => L(new("Indiquez de 1 à 7 jours d'ouverture différents.", "Give 1 to 7 different opening days.")));
        RuleFor(p => p.ClosesAt).GreaterThan(p => p.OpensAt)
            .WithMessage(_ => L(new("L'heure de fermeture suit l'heure d'ouverture.", "The closing time comes after the opening time.")));
        RuleFor(p => p.ReadBy).Must(r => r is { Count: > 0 and <= 3 } && r.All(Enum.IsDefined))
            .WithMessage(_ => L(new("Indiquez qui lit les courriels (médecins, infirmières GMF, personnel administratif).", "Say who reads the mail (physicians, GMF nurses, administrative staff).")));
        RuleFor(p => p.TextingRules).Must((p, r) => r is not null && r.Count <= 4 && r.All(Enum.IsDefined) && (p.TextingAllowed || r.Count == 0))
            .WithMessage(_ => L(new("Les règles des textos ne s'appliquent que si les textos sont autorisés.", "Texting rules apply only when texting is allowed.")));
        RuleFor(p => p.UsesOffered).Must(u => u is { Count: > 0 and <= 6 } && u.All(Enum.IsDefined) && u.Distinct().Count() == u.Count)
            .WithMessage(_ => L(new("Proposez au moins une utilisation du courriel, sans répétition.", "Offer at least one use of e-mail, without repeats.")));
        RuleFor(p => p.CategoriesOffered).Must(c => c is not null && c.Count <= 8 && c.All(Enum.IsDefined) && c.Distinct().Count() == c.Count)
            .WithMessage(_ => L(new("Catégories sensibles invalides ou répétées.", "Invalid or repeated sensitive categories.")));
        RuleFor(p => p.Record).IsInEnum();
        RuleFor(p => p.ClinicPhone).Must(p => p is not null && Phone().IsMatch(p))
            .WithMessage(_ => L(new("Le téléphone de la clinique compte 7 à 25 chiffres, espaces, tirets, parenthèses ou +.", "The clinic's phone has 7 to 25 digits, spaces, dashes, parentheses or +.")));
    }

    [GeneratedRegex(@"^(|[0-9+() .\-]{7,25})$", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    private static string L(LocalizedText text) => DraftValidator.L(text);
}

public sealed class ConsentInvitationRequestValidator : AbstractValidator<ConsentInvitationRequest>
{
    public ConsentInvitationRequestValidator()
    {
        RuleFor(r => r.Address).Must(a => a is { Length: <= 320 } && AddressNormalizer.Normalize(a) is not null)
            .WithMessage(_ => DraftValidator.L(new("Adresse de courriel invalide.", "Invalid e-mail address.")));
        RuleFor(r => r.Language).Must(l => l is null or "fr" or "en")
            .WithMessage(_ => DraftValidator.L(new("La langue est fr ou en.", "The language is fr or en.")));
        RuleFor(r => r.BirthDate).Must(d => d is null || (d.Value.Year >= 1900 && d.Value <= DateOnly.FromDateTime(DateTime.UtcNow)))
            .WithMessage(_ => DraftValidator.L(new("La date de naissance est entre 1900 et aujourd'hui.", "The date of birth is between 1900 and today.")));
    }
}

public sealed class VerbalConsentRequestValidator : AbstractValidator<VerbalConsentRequest>
{
    public VerbalConsentRequestValidator()
    {
        RuleFor(r => r.Status).Must(s => s is ConsentStatus.Granted or ConsentStatus.Refused)
            .WithMessage(_ => DraftValidator.L(new("Un consentement verbal est accordé ou refusé.", "A verbal consent is granted or refused.")));
        RuleFor(r => r.PolicyVersion).NotNull().GreaterThan(0)
            .WithMessage(_ => DraftValidator.L(new("Indiquez la version de la politique lue au patient.", "Give the version of the policy read to the patient.")));
        // « Une note au dossier témoignant des explications données au patient »: every item of the guide's list.
        RuleFor(r => r.Checklist).Must(c => c is not null && c.All(Enum.IsDefined) && InformedConsentItems.Missing(c).Count == 0)
            .WithMessage(r => DraftValidator.L(new(
                "Cochez chaque point expliqué au patient. Il manque : " + string.Join(", ", InformedConsentItems.Missing(r.Checklist?.Where(Enum.IsDefined) ?? []).Select(i => InformedConsentItems.Label(i).Fr)) + ".",
                "Tick every point explained to the patient. Missing: " + string.Join(", ", InformedConsentItems.Missing(r.Checklist?.Where(Enum.IsDefined) ?? []).Select(i => InformedConsentItems.Label(i).En)) + ".")));
        RuleFor(r => r.Uses).Must(u => u is null || (u.Count <= 6 && u.All(Enum.IsDefined)))
            .WithMessage(_ => DraftValidator.L(new("Utilisations invalides.", "Invalid uses.")));
        RuleFor(r => r.Categories).Must(c => c is null || (c.Count <= 8 && c.All(Enum.IsDefined)))
            .WithMessage(_ => DraftValidator.L(new("Catégories invalides.", "Invalid categories.")));
    }
}
