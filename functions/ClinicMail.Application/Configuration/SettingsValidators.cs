using ClinicMail.Application.Identity;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Configuration;

// One validator per options class (docs/configuration.md). Each names the setting in English and French,
// never its value (a value may be a secret). Rules that depend on the mode take ClinicMail:* as a dependency.

/// <summary><c>ClinicMail:*</c>.</summary>
public sealed class ClinicMailOptionsValidator : SettingsValidator<ClinicMailOptions>
{
    private readonly bool _modeRequired;

    public ClinicMailOptionsValidator()
        : this(modeRequired: true)
    {
    }

    /// <summary>The CLI's <c>check</c> runs no host: it reads the domains and the time zone, not the mode.</summary>
    internal ClinicMailOptionsValidator(bool modeRequired) => _modeRequired = modeRequired;

    protected override void Check(ClinicMailOptions options, List<string> problems)
    {
        if (_modeRequired && !options.IsDevelopment && !options.IsProduction)
        {
            problems.Add(Settings.Problem("ClinicMail:Mode", "ClinicMail:Mode must be 'Development' or 'Production'", "ClinicMail:Mode doit valoir 'Development' ou 'Production'"));
        }

        if (options.IsProduction && options.InternalDomains.Count == 0)
        {
            problems.Add(Settings.Problem("ClinicMail:InternalDomains:0", "ClinicMail:InternalDomains must list the organisation's domains", "ClinicMail:InternalDomains doit lister les domaines de l'organisation"));
        }

        if (options.InternalDomains.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add(Settings.Problem("ClinicMail:InternalDomains:0", "ClinicMail:InternalDomains has an empty entry", "ClinicMail:InternalDomains contient une entrée vide"));
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? "", out _))
        {
            problems.Add(Settings.Problem("ClinicMail:TimeZone", "ClinicMail:TimeZone must be an IANA time zone id such as America/Toronto", "ClinicMail:TimeZone doit être un fuseau horaire IANA, par exemple America/Toronto"));
        }

        if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add(Settings.Problem("ClinicMail:PublicBaseUrl", "ClinicMail:PublicBaseUrl must be an absolute http(s) URL", "ClinicMail:PublicBaseUrl doit être une URL http(s) absolue"));
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            problems.Add(Settings.Problem("ClinicMail:DataDirectory", "ClinicMail:DataDirectory must name a folder", "ClinicMail:DataDirectory doit nommer un dossier"));
        }
    }
}

/// <summary><c>Identity:*</c>.</summary>
public sealed class IdentityOptionsValidator(IOptions<ClinicMailOptions> clinic) : SettingsValidator<IdentityOptions>
{
    protected override void Check(IdentityOptions options, List<string> problems)
    {
        OneOf(options.Mode, "Identity:Mode", problems, "Entra", "Development");
        if (clinic.Value.IsProduction && options.IsDevelopment)
        {
            problems.Add(Settings.Problem("Identity:Mode",
                "Identity:Mode is 'Development' but ClinicMail:Mode is 'Production': the development issuer never runs in production. Set Identity:Mode to 'Entra'",
                "Identity:Mode vaut 'Development' alors que ClinicMail:Mode vaut 'Production' : l'émetteur de développement ne tourne jamais en production. Réglez Identity:Mode à 'Entra'"));
        }

        if (options.IsDevelopment)
        {
            return;
        }

        if (!Guid.TryParse(options.ClientId, out _))
        {
            problems.Add(Settings.Problem("Identity:ClientId", "Identity:ClientId must be the API's application (client) id, a GUID", "Identity:ClientId doit être l'identifiant d'application (client) de l'API, un GUID"));
        }

        if (options.AllowedTenants.Count == 0 || options.AllowedTenants.Any(t => !Guid.TryParse(t, out _)))
        {
            problems.Add(Settings.Problem("Identity:AllowedTenants:0", "Identity:AllowedTenants must list at least one tenant id (GUID)", "Identity:AllowedTenants doit lister au moins un identifiant de locataire (GUID)"));
        }

        if (!Uri.TryCreate(options.Instance, UriKind.Absolute, out var instance) || instance.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add(Settings.Problem("Identity:Instance", "Identity:Instance must be an absolute https URL", "Identity:Instance doit être une URL https absolue"));
        }
    }
}

/// <summary><c>Storage:*</c>.</summary>
public sealed class StorageOptionsValidator(IOptions<ClinicMailOptions> clinic) : SettingsValidator<StorageOptions>
{
    protected override void Check(StorageOptions options, List<string> problems)
    {
        if (clinic.Value.IsProduction && !options.IsPostgres)
        {
            problems.Add(Settings.Problem("Storage:Provider", "Storage:Provider must be 'Postgres' in production", "Storage:Provider doit valoir 'Postgres' en production"));
        }
        else if (!options.IsSqlite && !options.IsPostgres)
        {
            problems.Add(Settings.Problem("Storage:Provider", "Storage:Provider must be 'Sqlite' or 'Postgres'", "Storage:Provider doit valoir 'Sqlite' ou 'Postgres'"));
        }

        if ((options.IsSqlite || options.IsPostgres) && string.IsNullOrEmpty(options.ConnectionString))
        {
            problems.Add(Settings.Problem("Storage:ConnectionString", "Storage:ConnectionString is required", "Storage:ConnectionString est obligatoire"));
        }
    }
}

/// <summary><c>Keys:*</c> — the envelope key-encryption key.</summary>
public sealed class KeyProviderOptionsValidator(IOptions<ClinicMailOptions> clinic) : SettingsValidator<KeyProviderOptions>
{
    protected override void Check(KeyProviderOptions options, List<string> problems)
    {
        if (clinic.Value.IsProduction && (options.VaultUri is null || string.IsNullOrEmpty(options.KeyName)))
        {
            problems.Add(Settings.Problem("Keys:VaultUri", "Keys:VaultUri and Keys:KeyName must name the Azure Key Vault key in production", "Keys:VaultUri et Keys:KeyName doivent nommer la clé Azure Key Vault en production"));
        }

        OneOf(options.Provider, "Keys:Provider", problems, "", "KeyVault", "LocalFile");
        if (string.Equals(options.Provider, "KeyVault", StringComparison.OrdinalIgnoreCase) && options.VaultUri is null)
        {
            problems.Add(Settings.Problem("Keys:VaultUri", "Keys:Provider is 'KeyVault' but Keys:VaultUri is not set", "Keys:Provider vaut 'KeyVault' mais Keys:VaultUri n'est pas réglé"));
        }

        if (string.Equals(options.Provider, "LocalFile", StringComparison.OrdinalIgnoreCase) && (options.VaultUri is not null || clinic.Value.IsProduction))
        {
            problems.Add(Settings.Problem("Keys:Provider", "Keys:Provider 'LocalFile' is for development only, without Keys:VaultUri", "Keys:Provider 'LocalFile' est réservé au développement, sans Keys:VaultUri"));
        }

        if (options.VaultUri is { } vault && (!vault.IsAbsoluteUri || vault.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add(Settings.Problem("Keys:VaultUri", "Keys:VaultUri must be the vault's https URL", "Keys:VaultUri doit être l'URL https du coffre"));
        }
    }
}

/// <summary><c>Audit:SigningKey:*</c>. With a vault (its own, or <c>Keys:VaultUri</c>'s: always in production)
/// the signing key must be named and must not be the key-encryption key, checked at startup rather than
/// when the checkpointer first opens the key.</summary>
public sealed class AuditSigningKeyOptionsValidator : SettingsValidator<AuditSigningKeyOptions>
{
    private readonly IOptions<KeyProviderOptions>? _keys;

    /// <summary>The section alone (its URL shape), without the <c>Keys:*</c> it defaults from.</summary>
    public AuditSigningKeyOptionsValidator()
    {
    }

    public AuditSigningKeyOptionsValidator(IOptions<KeyProviderOptions> keys) => _keys = keys;

    protected override void Check(AuditSigningKeyOptions options, List<string> problems)
    {
        if (options.VaultUri is { } vault && (!vault.IsAbsoluteUri || vault.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add(Settings.Problem("Audit:SigningKey:VaultUri", "Audit:SigningKey:VaultUri must be the vault's https URL", "Audit:SigningKey:VaultUri doit être l'URL https du coffre"));
        }

        var keys = _keys?.Value;
        var signingVault = options.VaultUri ?? keys?.VaultUri;
        if (keys is null || signingVault is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(options.KeyName)
            || (string.Equals(options.KeyName, keys.KeyName, StringComparison.OrdinalIgnoreCase) && Equals(signingVault, keys.VaultUri)))
        {
            problems.Add(Settings.Problem("Audit:SigningKey:KeyName",
                "Audit:SigningKey:KeyName must name a Key Vault key of its own (sign), not the key-encryption key Keys:KeyName",
                "Audit:SigningKey:KeyName doit nommer une clé Key Vault distincte (signature), pas la clé de chiffrement de clés Keys:KeyName"));
        }
    }
}

/// <summary><c>Limits:*</c>: every limit is a positive number.</summary>
public sealed class LimitsOptionsValidator : SettingsValidator<LimitsOptions>
{
    protected override void Check(LimitsOptions options, List<string> problems)
    {
        Positive(problems, LimitsOptions.Section,
            Count(nameof(options.MaxCheckRequestBytes), options.MaxCheckRequestBytes),
            Count(nameof(options.MaxBodyChars), options.MaxBodyChars),
            Count(nameof(options.MaxSubjectChars), options.MaxSubjectChars),
            Count(nameof(options.MaxRecipients), options.MaxRecipients),
            Count(nameof(options.MaxAttachments), options.MaxAttachments),
            Count(nameof(options.MaxImportRequestBytes), options.MaxImportRequestBytes),
            Count(nameof(options.MaxAddressChars), options.MaxAddressChars),
            Count(nameof(options.MaxJustificationChars), options.MaxJustificationChars),
            Duration(nameof(options.OverrideWindow), options.OverrideWindow),
            Count(nameof(options.MaxSecureRequestBytes), options.MaxSecureRequestBytes),
            Count(nameof(options.MaxSecureBodyChars), options.MaxSecureBodyChars),
            Count(nameof(options.MaxSecureAttachments), options.MaxSecureAttachments),
            Count(nameof(options.MaxSecureAttachmentBytes), options.MaxSecureAttachmentBytes),
            Count(nameof(options.MaxSecureTotalBytes), options.MaxSecureTotalBytes),
            Count(nameof(options.MaxSecureRecipients), options.MaxSecureRecipients),
            Count(nameof(options.MaxSecureReplyChars), options.MaxSecureReplyChars));
    }
}

/// <summary><c>Secure:*</c>. Production needs <c>Secure:CodeKey</c>: without it each instance would mint its own
/// one-time-code key in its data folder, and a code sent by one instance would fail on another.</summary>
public sealed class SecureOptionsValidator(IOptions<ClinicMailOptions> clinic) : SettingsValidator<SecureOptions>
{
    protected override void Check(SecureOptions options, List<string> problems)
    {
        Positive(problems, SecureOptions.Section,
            Count(nameof(options.DefaultExpiryDays), options.DefaultExpiryDays),
            Count(nameof(options.MaxExpiryDays), options.MaxExpiryDays));
        if (options.DefaultExpiryDays > options.MaxExpiryDays)
        {
            problems.Add(Settings.Problem("Secure:DefaultExpiryDays", "Secure:DefaultExpiryDays must not exceed Secure:MaxExpiryDays", "Secure:DefaultExpiryDays ne doit pas dépasser Secure:MaxExpiryDays"));
        }

        if (options.CodeDigits is < 6 or > 10)
        {
            problems.Add(Settings.Problem("Secure:CodeDigits", "Secure:CodeDigits must be between 6 and 10", "Secure:CodeDigits doit être entre 6 et 10"));
        }

        Positive(problems, SecureOptions.Section,
            Duration(nameof(options.CheckWindow), options.CheckWindow),
            Duration(nameof(options.CodeLifetime), options.CodeLifetime),
            Count(nameof(options.MaxCodeAttempts), options.MaxCodeAttempts),
            Duration(nameof(options.SessionLifetime), options.SessionLifetime),
            Duration(nameof(options.RateWindow), options.RateWindow),
            Count(nameof(options.CodesPerToken), options.CodesPerToken),
            Count(nameof(options.VerificationsPerToken), options.VerificationsPerToken),
            Count(nameof(options.CodeRequestsPerIp), options.CodeRequestsPerIp),
            Count(nameof(options.ReaderRequestsPerIpPerMinute), options.ReaderRequestsPerIpPerMinute),
            Duration(nameof(options.PurgeInterval), options.PurgeInterval));
        if (options.CodeKey is { Length: > 0 } key && !SecureOptions.IsValidCodeKey(key))
        {
            problems.Add(Settings.Problem(SecureOptions.CodeKeySetting, "Secure:CodeKey must be at least 32 bytes, base64-encoded", "Secure:CodeKey doit faire au moins 32 octets, encodés en base64"));
        }
        else if (string.IsNullOrWhiteSpace(options.CodeKey) && clinic.Value.IsProduction)
        {
            problems.Add(Settings.Problem(SecureOptions.CodeKeySetting,
                "Secure:CodeKey must be set in production (a Key Vault reference to a base64 key of at least 32 bytes): every instance must check the codes the others send",
                "Secure:CodeKey doit être réglé en production (une référence Key Vault vers une clé base64 d'au moins 32 octets) : chaque instance doit vérifier les codes envoyés par les autres"));
        }
    }
}

/// <summary><c>Mail:*</c>: mail is a security sink for the codes; production names Graph and a sender.</summary>
public sealed class MailOptionsValidator(IOptions<ClinicMailOptions> clinic) : SettingsValidator<MailOptions>
{
    protected override void Check(MailOptions options, List<string> problems)
    {
        OneOf(options.Provider, "Mail:Provider", problems, "", "Pickup", "Graph");
        if (options.IsGraph && string.IsNullOrWhiteSpace(options.SenderAddress))
        {
            problems.Add(Settings.Problem("Mail:SenderAddress",
                "Mail:SenderAddress must name the clinic mailbox codes are sent from when Mail:Provider is 'Graph'",
                "Mail:SenderAddress doit nommer la boîte de la clinique qui envoie les codes quand Mail:Provider vaut 'Graph'"));
        }

        if (clinic.Value.IsProduction && !options.IsGraph)
        {
            problems.Add(Settings.Problem("Mail:Provider", "Mail:Provider must be 'Graph' in production, with Mail:SenderAddress", "Mail:Provider doit valoir 'Graph' en production, avec Mail:SenderAddress"));
        }
    }
}

/// <summary><c>Audit:*</c> (checkpoints and retention; docs/audit.md).</summary>
public sealed class AuditOptionsValidator : SettingsValidator<AuditOptions>
{
    protected override void Check(AuditOptions options, List<string> problems)
    {
        Positive(problems, AuditOptions.Section,
            Count(nameof(options.CheckpointEvery), options.CheckpointEvery),
            Duration(nameof(options.CheckpointInterval), options.CheckpointInterval),
            Duration(nameof(options.CheckpointPoll), options.CheckpointPoll),
            Duration(nameof(options.RetentionRunInterval), options.RetentionRunInterval));
        if (options.RetentionDays < 0)
        {
            problems.Add(Settings.Problem("Audit:RetentionDays", "Audit:RetentionDays must be 0 (keep everything) or a positive number of days", "Audit:RetentionDays doit valoir 0 (tout garder) ou un nombre de jours positif"));
        }

        if (options.MaxUnsignedAge is { } age && age <= options.CheckpointInterval)
        {
            problems.Add(Settings.Problem("Audit:MaxUnsignedAge", "Audit:MaxUnsignedAge must be longer than Audit:CheckpointInterval", "Audit:MaxUnsignedAge doit être plus long que Audit:CheckpointInterval"));
        }

        if (options.MaxUnsignedRecords is < 0)
        {
            problems.Add(Settings.Problem("Audit:MaxUnsignedRecords", "Audit:MaxUnsignedRecords must not be negative", "Audit:MaxUnsignedRecords ne doit pas être négatif"));
        }
    }
}

/// <summary><c>Telemetry:*</c>.</summary>
public sealed class TelemetryOptionsValidator : SettingsValidator<TelemetryOptions>
{
    protected override void Check(TelemetryOptions options, List<string> problems)
    {
        if (options.SamplingRatio is < 0 or > 1 || double.IsNaN(options.SamplingRatio))
        {
            problems.Add(Settings.Problem("Telemetry:SamplingRatio", "Telemetry:SamplingRatio must be between 0 and 1", "Telemetry:SamplingRatio doit être entre 0 et 1"));
        }
    }
}

/// <summary><c>Policy:*</c> (docs/policy.md).</summary>
public sealed class PolicySettingsValidator : SettingsValidator<PolicySettings>
{
    protected override void Check(PolicySettings options, List<string> problems)
    {
        foreach (var (key, rule) in options.Rules)
        {
            var setting = $"Policy:Rules:{key}";
            if (PolicySettings.CodeOf(key) is null)
            {
                problems.Add(Settings.Problem(setting, $"{setting} is not a configurable reason code (see docs/policy.md)", $"{setting} n'est pas un code de motif configurable (voir docs/policy.md)"));
            }

            if (rule.Severity is { } severity && PolicySettings.SeverityOf(severity) is null)
            {
                problems.Add(Settings.Problem(setting + ":Severity", $"{setting}:Severity must be Info, Warn or Block", $"{setting}:Severity doit valoir Info, Warn ou Block"));
            }
        }

        if (options.NetworkDomains.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add(Settings.Problem("Policy:NetworkDomains:0", "Policy:NetworkDomains has an empty entry", "Policy:NetworkDomains contient une entrée vide"));
        }
    }
}
