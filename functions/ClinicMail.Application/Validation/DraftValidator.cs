using ClinicMail.Application.Configuration;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Localization;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Validation;

/// <summary>Shape of a draft at the edge: sizes and counts (each limit named in its message). Business
/// rules — is this address registered, is this topic sensitive — live in the core, never here.</summary>
/// <remarks>Every check goes through here, and almost every draft is within its limits: such a draft
/// is answered by <see cref="WithinLimits"/>, one pass over the same limits without building
/// FluentValidation's contexts (≈ 60–80 µs of a check's CPU, docs/performance.md). Any draft it does
/// not pass runs the rules below, which alone word the errors; a test holds the two to the same verdict.</remarks>
public sealed class DraftValidator : AbstractValidator<Draft>
{
    private readonly LimitsOptions _limits;

    public DraftValidator(IOptions<LimitsOptions> options)
    {
        var limits = options.Value;
        _limits = limits;
        RuleFor(d => d.Subject).NotNull().WithMessage(_ => L(new("L'objet doit être une chaîne (vide permise).", "The subject must be a string (empty is allowed).")))
            .MaximumLength(limits.MaxSubjectChars).WithMessage(_ => Limit("MaxSubjectChars", limits.MaxSubjectChars, "caractères dans l'objet", "characters in the subject"));
        RuleFor(d => d.Body).NotNull().WithMessage(_ => L(new("Le corps doit être une chaîne (vide permise).", "The body must be a string (empty is allowed).")))
            .MaximumLength(limits.MaxBodyChars).WithMessage(_ => Limit("MaxBodyChars", limits.MaxBodyChars, "caractères dans le corps", "characters in the body"));
        RuleFor(d => d.From).MaximumLength(limits.MaxAddressChars)
            .WithMessage(_ => Limit("MaxAddressChars", limits.MaxAddressChars, "caractères par adresse", "characters per address"));
        RuleFor(d => d.Id).MaximumLength(200).WithMessage(_ => Limit("MaxIdChars", 200, "caractères dans l'id", "characters in the id"));
        RuleFor(d => d.BodyFormat).IsInEnum();
        RuleFor(d => RecipientCount(d))
            .LessThanOrEqualTo(limits.MaxRecipients)
            .OverridePropertyName("recipients")
            .WithMessage(_ => Limit("MaxRecipients", limits.MaxRecipients, "destinataires (À, Cc et Cci ensemble)", "recipients (To, Cc and Bcc together)"));
        // "to": null or [null] is a malformed request (400), not a registry failure: say which list.
        RuleFor(d => d.To).NotNull().WithMessage(_ => NullList("to"));
        RuleFor(d => d.Cc).NotNull().WithMessage(_ => NullList("cc"));
        RuleFor(d => d.Bcc).NotNull().WithMessage(_ => NullList("bcc"));
        RuleFor(d => d.Attachments).NotNull().WithMessage(_ => NullList("attachments"));
        RuleForEach(d => d.To).NotNull().WithMessage(_ => NullEntry("to"));
        RuleForEach(d => d.Cc).NotNull().WithMessage(_ => NullEntry("cc"));
        RuleForEach(d => d.Bcc).NotNull().WithMessage(_ => NullEntry("bcc"));
        RuleForEach(d => d.Attachments).NotNull().WithMessage(_ => NullEntry("attachments"));
        RuleForEach(d => d.To).SetValidator(new RecipientValidator(limits));
        RuleForEach(d => d.Cc).SetValidator(new RecipientValidator(limits));
        RuleForEach(d => d.Bcc).SetValidator(new RecipientValidator(limits));
        RuleFor(d => d.Attachments).Must(a => (a ?? []).Count <= limits.MaxAttachments)
            .WithMessage(_ => Limit("MaxAttachments", limits.MaxAttachments, "pièces jointes", "attachments"));
        RuleForEach(d => d.Attachments).ChildRules(a =>
        {
            a.RuleFor(x => x.Name).NotNull().MaximumLength(255)
                .WithMessage(_ => L(new("Le nom d'une pièce jointe est requis et compte au plus 255 caractères.", "An attachment name is required and has at most 255 characters.")));
            a.RuleFor(x => x.Size).GreaterThanOrEqualTo(0)
                .WithMessage(_ => L(new("La taille d'une pièce jointe ne peut pas être négative.", "An attachment size cannot be negative.")));
        });
    }

    public override ValidationResult Validate(ValidationContext<Draft> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WithinLimits(context.InstanceToValidate, _limits) ? new ValidationResult() : base.Validate(context);
    }

    public override Task<ValidationResult> ValidateAsync(ValidationContext<Draft> context, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WithinLimits(context.InstanceToValidate, _limits) ? Task.FromResult(new ValidationResult()) : base.ValidateAsync(context, cancellation);
    }

    /// <summary>The rules of this validator in full, without the fast path (tests compare the two).</summary>
    internal ValidationResult ValidateWithRules(Draft draft) => base.Validate(new ValidationContext<Draft>(draft));

    /// <summary>True when <paramref name="draft"/> passes every rule of the constructor (same limits,
    /// same meaning: MaximumLength counts UTF-16 units and passes null; NotEmpty refuses null, empty
    /// and white space). False means "run the rules", not necessarily invalid.</summary>
    internal static bool WithinLimits(Draft? draft, LimitsOptions limits)
    {
        if (draft is null || draft.Subject is null || draft.Subject.Length > limits.MaxSubjectChars
            || draft.Body is null || draft.Body.Length > limits.MaxBodyChars
            || !AtMost(draft.From, limits.MaxAddressChars) || !AtMost(draft.Id, 200)
            || !Enum.IsDefined(draft.BodyFormat)
            || draft.To is null || draft.Cc is null || draft.Bcc is null || draft.Attachments is null
            || RecipientCount(draft) > limits.MaxRecipients || draft.Attachments.Count > limits.MaxAttachments)
        {
            return false;
        }

        return RecipientsWithinLimits(draft.To, limits) && RecipientsWithinLimits(draft.Cc, limits) && RecipientsWithinLimits(draft.Bcc, limits)
            && draft.Attachments.All(a => a is not null && a.Name is not null && a.Name.Length <= 255 && a.Size >= 0);
    }

    private static bool RecipientsWithinLimits(IReadOnlyList<DraftRecipient> recipients, LimitsOptions limits)
    {
        foreach (var recipient in recipients)
        {
            if (recipient is null || string.IsNullOrWhiteSpace(recipient.Address) || recipient.Address.Length > limits.MaxAddressChars
                || !AtMost(recipient.Name, limits.MaxAddressChars))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AtMost(string? text, int maxChars) => text is null || text.Length <= maxChars;

    private static int RecipientCount(Draft draft) => (draft.To?.Count ?? 0) + (draft.Cc?.Count ?? 0) + (draft.Bcc?.Count ?? 0);

    private static string NullList(string field) =>
        L(new($"« {field} » doit être une liste (vide permise), pas null.", $"\"{field}\" must be a list (empty is allowed), not null."));

    private static string NullEntry(string field) =>
        L(new($"« {field} » contient une entrée null : chaque entrée est un objet.", $"\"{field}\" has a null entry: every entry is an object."));

    internal static string L(LocalizedText text) => text.For(Problem.Language);

    internal static string Limit(string name, long value, string fr, string en) =>
        L(new($"Limite {name} dépassée : au plus {value} {fr}.", $"Limit {name} exceeded: at most {value} {en}."));

    private sealed class RecipientValidator : AbstractValidator<DraftRecipient>
    {
        public RecipientValidator(LimitsOptions limits)
        {
            RuleFor(r => r.Address).NotEmpty()
                .WithMessage(_ => L(new("Chaque destinataire a une adresse.", "Every recipient has an address.")))
                .MaximumLength(limits.MaxAddressChars)
                .WithMessage(_ => Limit("MaxAddressChars", limits.MaxAddressChars, "caractères par adresse", "characters per address"));
            RuleFor(r => r.Name).MaximumLength(limits.MaxAddressChars)
                .WithMessage(_ => Limit("MaxAddressChars", limits.MaxAddressChars, "caractères par nom", "characters per name"));
        }
    }
}

/// <summary>Runs the FluentValidation validator of the endpoint's body argument and answers with a
/// localised ValidationProblem (400) listing every error by field.</summary>
public sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var argument = context.Arguments.OfType<T>().FirstOrDefault();
        if (argument is null)
        {
            return Problem.Result(400, "missing_body", ProblemTexts.BadJsonTitle, ProblemTexts.BadJson(null));
        }

        var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (result.IsValid)
        {
            return await next(context).ConfigureAwait(false);
        }

        return ValidationProblems.From(result);
    }

}

/// <summary>A failed validation as the 400 ProblemDetails every host answers with.</summary>
public static class ValidationProblems
{
    public static IResult From(FluentValidation.Results.ValidationResult result)
    {
        var errors = result.Errors
            .GroupBy(e => JsonName(e.PropertyName), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        var problem = Problem.Create(400, "validation", ProblemTexts.ValidationTitle, ProblemTexts.ValidationDetail);
        problem.Extensions["errors"] = errors;
        return TypedResults.Problem(problem);
    }

    /// <summary>"To[0].Address" → "to[0].address": the names the caller sent.</summary>
    private static string JsonName(string property) =>
        string.Join('.', property.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}
