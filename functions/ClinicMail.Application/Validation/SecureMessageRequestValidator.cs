using ClinicMail.Application.Configuration;
using ClinicMail.Application.Handlers;
using ClinicMail.Core.Text;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Validation;

/// <summary>Shape of a secure-message request: sizes, counts, formats (each limit named). Whether
/// the recipients are consenting patients is a business rule checked by the handler.</summary>
public sealed class SecureMessageRequestValidator : AbstractValidator<SecureMessageRequest>
{
    public SecureMessageRequestValidator(IOptions<LimitsOptions> limitsOptions, IOptions<SecureOptions> secureOptions)
    {
        var limits = limitsOptions.Value;
        var secure = secureOptions.Value;
        RuleFor(r => r.CheckId).NotEmpty().MaximumLength(100)
            .WithMessage(_ => DraftValidator.L(new("Le numéro de la vérification (checkId) est requis.", "The check id (checkId) is required.")));
        RuleFor(r => r.Subject).NotNull().MaximumLength(limits.MaxSubjectChars)
            .WithMessage(_ => DraftValidator.Limit("MaxSubjectChars", limits.MaxSubjectChars, "caractères dans l'objet", "characters in the subject"));
        RuleFor(r => r.Body).NotNull().MaximumLength(limits.MaxSecureBodyChars)
            .WithMessage(_ => DraftValidator.Limit("MaxSecureBodyChars", limits.MaxSecureBodyChars, "caractères dans le corps", "characters in the body"));
        RuleFor(r => r.Body).Custom(HtmlWithinLimits).When(r => r.BodyFormat == "html" && r.Body is not null);
        RuleFor(r => r.BodyFormat).Must(f => f is "text" or "html")
            .WithMessage(_ => DraftValidator.L(new("bodyFormat vaut « text » ou « html ».", "bodyFormat is \"text\" or \"html\".")));
        RuleFor(r => r.Recipients).NotEmpty()
            .WithMessage(_ => DraftValidator.L(new("Au moins un destinataire est requis.", "At least one recipient is required.")))
            .Must(r => r is null || r.Count <= limits.MaxSecureRecipients)
            .WithMessage(_ => DraftValidator.Limit("MaxSecureRecipients", limits.MaxSecureRecipients, "destinataires", "recipients"));
        RuleForEach(r => r.Recipients).NotEmpty().MaximumLength(limits.MaxAddressChars)
            .WithMessage(_ => DraftValidator.Limit("MaxAddressChars", limits.MaxAddressChars, "caractères par adresse", "characters per address"));
        RuleFor(r => r.Attachments).Must(a => (a ?? []).Count <= limits.MaxSecureAttachments)
            .WithMessage(_ => DraftValidator.Limit("MaxSecureAttachments", limits.MaxSecureAttachments, "pièces jointes", "attachments"));
        RuleForEach(r => r.Attachments).ChildRules(a =>
        {
            a.RuleFor(x => x.Name).NotEmpty().MaximumLength(255)
                .WithMessage(_ => DraftValidator.L(new("Le nom d'une pièce jointe est requis et compte au plus 255 caractères.", "An attachment name is required and has at most 255 characters.")));
            a.RuleFor(x => x.ContentType).NotEmpty().MaximumLength(127)
                .WithMessage(_ => DraftValidator.L(new("Le type d'une pièce jointe est requis.", "An attachment content type is required.")));
            a.RuleFor(x => x.ContentBase64).NotNull()
                .WithMessage(_ => DraftValidator.L(new("Le contenu d'une pièce jointe (base64) est requis.", "An attachment's content (base64) is required.")));
        });
        RuleFor(r => r.ExpiresInDays).InclusiveBetween(1, secure.MaxExpiryDays).When(r => r.ExpiresInDays is not null)
            .WithMessage(_ => DraftValidator.Limit("MaxExpiryDays", secure.MaxExpiryDays, "jours avant l'expiration (au moins 1)", "days before expiry (at least 1)"));
    }

    /// <summary>An HTML body within the reader's limits (<see cref="HtmlLimits.Default"/>), checked
    /// by a linear pre-scan: a body nested thousands deep or with thousands of attributes on a tag
    /// is refused here rather than stored and parsed at every open.</summary>
    private static void HtmlWithinLimits(string body, ValidationContext<SecureMessageRequest> context)
    {
        var limits = HtmlLimits.Default;
        var failure = HtmlShape.Exceeded(body, limits) switch
        {
            HtmlLimit.MaxChars => DraftValidator.Limit("MaxHtmlChars", limits.MaxChars, "caractères de HTML", "characters of HTML"),
            HtmlLimit.MaxDepth => DraftValidator.Limit("MaxHtmlDepth", limits.MaxDepth, "niveaux d'imbrication HTML", "levels of HTML nesting"),
            HtmlLimit.MaxElements => DraftValidator.Limit("MaxHtmlElements", limits.MaxElements, "éléments HTML", "HTML elements"),
            HtmlLimit.MaxAttributes => DraftValidator.Limit("MaxHtmlAttributes", limits.MaxAttributes, "attributs HTML", "HTML attributes"),
            HtmlLimit.MaxAttributesPerElement => DraftValidator.Limit("MaxHtmlAttributesPerElement", limits.MaxAttributesPerElement, "attributs par élément HTML", "attributes per HTML element"),
            _ => null,
        };
        if (failure is not null)
        {
            context.AddFailure(failure);
        }
    }
}

/// <summary>Shape of an expiry change.</summary>
public sealed class ExpiryChangeValidator : AbstractValidator<ExpiryChangeRequest>
{
    public ExpiryChangeValidator()
    {
        RuleFor(r => r.ExpiresAt).NotNull()
            .WithMessage(_ => DraftValidator.L(new("La nouvelle date d'expiration (expiresAt) est requise.", "The new expiry (expiresAt) is required.")));
    }
}
