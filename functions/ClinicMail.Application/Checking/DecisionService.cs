using ClinicMail.Application.Configuration;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Registry;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Checking;

/// <summary>The decision on a draft, assembled once for every caller: the CLI, the local host and the
/// Functions worker build the check context here (organisation domains, <c>Policy:*</c>, the clinic's
/// date), so the same draft and configuration get the same decision everywhere. Recording it in the
/// audit chain is the check use case's job (<see cref="Handlers.CheckHandler"/>).</summary>
public sealed class DecisionService(
    DraftChecker checker,
    IOptions<ClinicMailOptions> options,
    IOptions<PolicyOptions> policy,
    TimeProvider time)
{
    /// <summary>Checks <paramref name="draft"/> against <paramref name="directory"/> (null: no registry,
    /// every external recipient is unknown) on <paramref name="today"/> (null: the clinic's date now).</summary>
    public Task<CheckResult> DecideAsync(Draft draft, IPatientDirectory? directory, DateOnly? today, CancellationToken cancellationToken)
    {
        var context = new CheckContext
        {
            Directory = directory,
            InternalDomains = options.Value.InternalDomains,
            Policy = policy.Value,
            Today = today ?? ClinicClock.Today(time, options.Value),
            // PDF, Word and text attachments are read with size, page and time limits (issue 17 #10).
            AttachmentReader = Infrastructure.Attachments.DocumentAttachmentReader.Default,
        };
        return checker.CheckAsync(draft, context, cancellationToken);
    }
}
