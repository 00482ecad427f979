using ClinicMail.Application.Configuration;
using ClinicMail.Application.Handlers;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Validation;

public sealed class OverrideRequestValidator : AbstractValidator<OverrideRequest>
{
    public OverrideRequestValidator(IOptions<LimitsOptions> options)
    {
        var limits = options.Value;
        RuleFor(r => r.JustificationCode).Must(code => JustificationCodes.All.Contains(code, StringComparer.Ordinal))
            .WithMessage(_ => DraftValidator.L(new(
                $"Le code de justification doit être l'un de : {string.Join(", ", JustificationCodes.All)}.",
                $"The justification code must be one of: {string.Join(", ", JustificationCodes.All)}.")));
        RuleFor(r => r.Justification).NotNull().Must(text => (text ?? "").Trim().Length >= 10)
            .WithMessage(_ => DraftValidator.L(new(
                "Expliquez la dérogation en au moins 10 caractères.",
                "Explain the override in at least 10 characters.")))
            .MaximumLength(limits.MaxJustificationChars)
            .WithMessage(_ => DraftValidator.Limit("MaxJustificationChars", limits.MaxJustificationChars, "caractères de justification", "characters of justification"));
        RuleFor(r => r.ReasonCodes).Must(codes => codes is null || codes.Count <= 50)
            .WithMessage(_ => DraftValidator.Limit("MaxReasonCodes", 50, "codes de motif", "reason codes"));
    }
}
