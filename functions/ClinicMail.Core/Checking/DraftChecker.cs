using ClinicMail.Core.Attachments;
using ClinicMail.Core.Content;
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

    /// <summary>Reads attachment text. The core's own reader knows plain text only; the hosts pass
    /// ClinicMail.Infrastructure's, which adds PDF and Word.</summary>
    public IAttachmentReader AttachmentReader { get; init; } = PlainTextAttachmentReader.Default;

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

        var attachments = AttachmentTexts.Read(draft.Attachments ?? [], context.AttachmentReader, cancellationToken);
        var text = WithAttachments(DraftTextExtractor.Extract(draft), attachments);
        var analysis = topics.Analyze(text);
        var found = identifiers.Detect(text);
        var content = ContentAnalyzer.Analyze(text);
        var network = Network(context);

        IReadOnlyList<RecipientReport> resolved;
        try
        {
            resolved = await recipients.ResolveAsync(draft, context.Directory, network, context.Today, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The registry could not be read: without it consent cannot be verified, so the draft is held.
            throw new RegistryUnavailableException(ex);
        }

        var body = string.Join("\n", text.Segments.Where(s => s.Part == TextPart.Body).Select(s => s.Text));
        var greeting = GreetingNames.Extract(body);
        var (narrowed, unclear) = SharedAddresses.Narrow(resolved, greeting, FoldedText.Fold(body), context.Today);
        resolved = narrowed;

        var declared = FindDeclared(text, resolved);
        var outcome = policy.Evaluate(
            new PolicyInput
            {
                Draft = draft,
                Topics = analysis,
                Declared = declared,
                Identifiers = found,
                Recipients = resolved,
                Content = content,
                Attachments = attachments,
                Greeting = greeting,
                UnclearSharedAddresses = unclear,
                Sender = SenderOf(draft.From, network),
            },
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
            Etiquette = etiquette.Check(draft, text),
            Clinical = outcome.Clinical,
            Uses = content.Uses,
            Attachments = [.. attachments.Select(a => new AttachmentReport(a.Name, a.Unreadable is null, a.Unreadable, a.Pages))],
        };
    }

    /// <summary>The organisation's own domains and the public health network's (<see cref="PolicyOptions.NetworkDomains"/>).</summary>
    public static IReadOnlyCollection<string> Network(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Policy.NetworkDomains.Count == 0 ? context.InternalDomains : [.. context.InternalDomains, .. context.Policy.NetworkDomains];
    }

    /// <summary>Where the sender's mailbox is: inside the network, a consumer mailbox, or another outside address.</summary>
    private static SenderScope SenderOf(string? from, IReadOnlyCollection<string> network)
    {
        if (string.IsNullOrWhiteSpace(from) || AddressNormalizer.Normalize(from) is not { } normalized)
        {
            return SenderScope.Unknown;
        }

        var domain = AddressNormalizer.Domain(normalized);
        foreach (var own in network)
        {
            if (AddressNormalizer.NormalizeDomain(own) is { } d && AddressNormalizer.IsSameOrSubdomain(domain, d))
            {
                return SenderScope.Network;
            }
        }

        return ConsumerMailDomains.IsConsumer(domain) ? SenderScope.Consumer : SenderScope.Outside;
    }

    private static CheckedText WithAttachments(CheckedText text, IReadOnlyList<AttachmentText> attachments)
    {
        if (!attachments.Any(a => a.Text is not null))
        {
            return text;
        }

        return new CheckedText([.. text.Segments, .. attachments.Where(a => a.Text is not null).Select(a => new TextSegment(TextPart.AttachmentContent, a.Text!))]);
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
