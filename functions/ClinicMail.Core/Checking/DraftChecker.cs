using ClinicMail.Core.Drafts;
using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Checking;

/// <summary>Everything a check needs besides the draft.</summary>
public sealed record CheckContext
{
    /// <summary>The patient registry; null when none is configured (every external recipient is then unknown).</summary>
    public IPatientDirectory? Directory { get; init; }

    /// <summary>The organisation's own domains (its ".med" tenant and verified domains).</summary>
    public IReadOnlyCollection<string> InternalDomains { get; init; } = [];

    public PolicyOptions Policy { get; init; } = PolicyOptions.Default;

    /// <summary>Today's date in the clinic's time zone, for consent expiry.</summary>
    public required DateOnly Today { get; init; }
}

/// <summary>Answers « may this draft leave, to these recipients, as it is? ». Sealed and stateless:
/// register it as a singleton. The steps: extract the text, detect topics and identifiers (never
/// dependent on the registry), resolve recipients against the registry, find the terms the
/// recipients declared sensitive, apply the policy, add etiquette warnings.
/// <para>Fails closed: if the registry cannot be read it throws <see cref="RegistryUnavailableException"/>
/// (callers answer with an error, never a decision) rather than treating recipients as unknown-but-fine.</para></summary>
public sealed class DraftChecker(
    TopicDetector topics,
    IdentifierDetector identifiers,
    RecipientResolver recipients,
    EtiquetteChecker etiquette,
    PolicyEngine policy)
{
    public static DraftChecker Default { get; } = new(
        TopicDetector.Default, IdentifierDetector.Default, RecipientResolver.Default, EtiquetteChecker.Default, PolicyEngine.Default);

    public async Task<CheckResult> CheckAsync(Draft draft, CheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(context);

        var text = DraftTextExtractor.Extract(draft);
        var analysis = topics.Analyze(text);
        var found = identifiers.Detect(text);

        IReadOnlyList<RecipientReport> resolved;
        try
        {
            resolved = await recipients.ResolveAsync(draft, context.Directory, context.InternalDomains, context.Today, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The registry could not be read: without it consent cannot be verified, so the draft is held.
            throw new RegistryUnavailableException(ex);
        }

        var declared = FindDeclared(text, resolved);
        var outcome = policy.Evaluate(
            new PolicyInput { Draft = draft, Topics = analysis, Declared = declared, Identifiers = found, Recipients = resolved },
            context.Policy);

        return new CheckResult
        {
            Decision = outcome.Decision,
            SecureDelivery = outcome.SecureDelivery,
            Topics = [.. analysis.Topics, .. MergeDeclared(declared)],
            Identifiers = found,
            Recipients = resolved,
            Reasons = outcome.Reasons,
            Fixes = outcome.Fixes,
            Etiquette = etiquette.Check(draft, text, context.InternalDomains),
            Clinical = analysis.IsClinical,
        };
    }

    /// <summary>The result for a draft that could not be checked at all: a block with a reason, never a pass.</summary>
    public static CheckResult Failed()
    {
        var outcome = PolicyEngine.Failed();
        return new CheckResult
        {
            Decision = outcome.Decision,
            SecureDelivery = outcome.SecureDelivery,
            Topics = [],
            Identifiers = [],
            Recipients = [],
            Reasons = outcome.Reasons,
            Fixes = [],
            Etiquette = [],
        };
    }

    private List<TopicFinding> FindDeclared(CheckedText text, IReadOnlyList<RecipientReport> resolved)
    {
        var findings = new List<TopicFinding>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var patient in resolved.SelectMany(r => r.Patients))
        {
            if (patient.DeclaredSensitiveTerms.Count == 0 || !seen.Add(patient.Id))
            {
                continue;
            }

            if (topics.FindDeclared(text, [new DeclaredTerms(patient.Id, patient.DeclaredSensitiveTerms)]) is { } finding)
            {
                findings.Add(finding);
            }
        }

        return findings;
    }

    /// <summary>One <c>patient_declared</c> topic in the result, whichever patients declared the terms.</summary>
    private static IEnumerable<TopicFinding> MergeDeclared(List<TopicFinding> declared)
    {
        if (declared.Count == 0)
        {
            yield break;
        }

        yield return new TopicFinding
        {
            Category = TopicCategory.PatientDeclared,
            Confidence = declared.Max(d => d.Confidence),
            Evidence = [.. declared.SelectMany(d => d.Evidence).Distinct()],
            PatientIds = [.. declared.SelectMany(d => d.PatientIds).Distinct(StringComparer.Ordinal)],
        };
    }
}

/// <summary>The registry could not be read. The caller must not return a decision: it answers with
/// a clear error (HTTP 503, CLI exit code 4). Carries no recipient data.</summary>
public sealed class RegistryUnavailableException(Exception inner)
    : Exception("The patient registry could not be read; the draft was not checked.", inner);
