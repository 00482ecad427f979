using ClinicMail.Core.Json;
using ClinicMail.Core.Policy;

namespace ClinicMail.Application.Configuration;

/// <summary><c>Policy:*</c> — the clinic's changes to the rules' defaults (docs/policy.md), as configuration
/// holds them; <see cref="ToPolicy"/> turns them into the <see cref="PolicyOptions"/> the engine reads.</summary>
public sealed class PolicySettings
{
    public const string Section = "Policy";

    /// <summary>An unregistered recipient of clinical content is a block, not a warning.</summary>
    public bool BlockUnknownRecipientWithClinicalContent { get; set; } = true;

    /// <summary>A sender outside the professional domains with clinical content is a block.</summary>
    public bool BlockNonProfessionalSenderWithClinicalContent { get; set; } = true;

    /// <summary>Clinical content to an external address requires secure delivery.</summary>
    public bool RequireSecureDeliveryForClinicalContent { get; set; } = true;

    /// <summary>The health network's domains; empty: <see cref="PolicyOptions.DefaultNetworkDomains"/>.</summary>
    public List<string> NetworkDomains { get; set; } = [];

    /// <summary>Per reason code (<c>Policy:Rules:CONSENT_MISSING:Severity</c>…): a severity and whether it may be overridden.</summary>
    public Dictionary<string, RuleSettings> Rules { get; set; } = new(StringComparer.Ordinal);

    public static ReasonCode? CodeOf(string key)
    {
        var code = Enum.GetValues<ReasonCode>().FirstOrDefault(c => string.Equals(Codes.Of(c), key, StringComparison.Ordinal), (ReasonCode)(-1));
        return (int)code < 0 || code == ReasonCode.CheckFailed ? null : code;
    }

    public static Severity? SeverityOf(string text) =>
        Enum.GetValues<Severity>().Where(s => string.Equals(s.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase)).Select(s => (Severity?)s).FirstOrDefault();

    /// <summary>The policy the engine reads. Call after <see cref="PolicySettingsValidator"/> accepted these settings.</summary>
    public PolicyOptions ToPolicy() => new()
    {
        Rules = Rules.ToDictionary(
            r => CodeOf(r.Key) ?? throw new StartupConfigurationException([$"Policy:Rules:{r.Key} is not a configurable reason code (see docs/policy.md)."]),
            r =>
            {
                var defaults = PolicyOptions.Defaults[CodeOf(r.Key)!.Value];
                return new RuleSetting(r.Value.Severity is { } s ? SeverityOf(s) ?? defaults.Severity : defaults.Severity, r.Value.Overridable ?? defaults.Overridable);
            }),
        BlockUnknownRecipientWithClinicalContent = BlockUnknownRecipientWithClinicalContent,
        BlockNonProfessionalSenderWithClinicalContent = BlockNonProfessionalSenderWithClinicalContent,
        RequireSecureDeliveryForClinicalContent = RequireSecureDeliveryForClinicalContent,
        NetworkDomains = NetworkDomains.Count > 0
            ? [.. NetworkDomains.Select(d => d.Trim().TrimStart('@').ToLowerInvariant())]
            : PolicyOptions.DefaultNetworkDomains,
    };
}

/// <summary><c>Policy:Rules:{CODE}:*</c>; unset: the rule's default (PolicyOptions.Defaults).</summary>
public sealed class RuleSettings
{
    public string? Severity { get; set; }

    public bool? Overridable { get; set; }
}
