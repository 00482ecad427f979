<#
.SYNOPSIS
  Optional: a mail-flow rule that applies Microsoft Purview Message Encryption when ClinicMail asks.

.DESCRIPTION
  For tenants that prefer Purview Message Encryption to ClinicMail's own secure-message link: this
  transport rule encrypts messages carrying the internet header "X-ClinicMail-Encrypt: required" when
  they leave the organisation (MSSS directive: mail leaving the tenant for a patient must be
  encrypted). The ClinicMail add-in does NOT set that header today (its secure message is the
  supported path); the rule only acts if another tool sets it (docs/deploy.md, section 8). Idempotent: the rule is
  created, or updated in place, by name.

  Requires Exchange Online with Purview Message Encryption (Azure RMS) enabled; run as an Exchange
  administrator with the ExchangeOnlineManagement module.

.PARAMETER TemplateName
  Rights-protection template to apply: 'Encrypt' (encrypt only) is the default; 'Do Not Forward' is
  stricter but prevents a patient from forwarding the message to a caregiver.

.PARAMETER BrandingTemplate
  Optional OME branding template (New-OMEConfiguration) so patients see the clinic's name and logo.
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $RuleName = 'ClinicMail - encrypt when requested by the add-in',
    [string] $TemplateName = 'Encrypt',
    [string] $BrandingTemplate
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (-not (Get-Command Get-TransportRule -ErrorAction SilentlyContinue)) {
    Import-Module ExchangeOnlineManagement
    Connect-ExchangeOnline -ShowBanner:$false
}

$irm = Get-IRMConfiguration
if (-not $irm.AzureRMSLicensingEnabled) {
    throw 'Purview Message Encryption is not enabled (Get-IRMConfiguration AzureRMSLicensingEnabled is False).'
}

# The header value is matched exactly (anchored, case-insensitive in Exchange) so a stray value does
# not silently encrypt, and only mail leaving the organisation is in scope: internal mail stays in
# the tenant, which the MSSS directive already accepts.
$ruleParameters = @{
    HeaderMatchesMessageHeader    = 'X-ClinicMail-Encrypt'
    HeaderMatchesPatterns         = '^required$'
    SentToScope                   = 'NotInOrganization'
    ApplyRightsProtectionTemplate = $TemplateName
    Mode                          = 'Enforce'
    Comments                      = 'ClinicMail: encrypts messages the add-in marked X-ClinicMail-Encrypt: required.'
}
if ($BrandingTemplate) {
    $ruleParameters['ApplyRightsProtectionCustomizationTemplate'] = $BrandingTemplate
}

$rule = Get-TransportRule -Identity $RuleName -ErrorAction SilentlyContinue
if ($rule) {
    if ($PSCmdlet.ShouldProcess($RuleName, 'Set-TransportRule')) {
        Set-TransportRule -Identity $RuleName @ruleParameters
    }
}
else {
    if ($PSCmdlet.ShouldProcess($RuleName, 'New-TransportRule')) {
        New-TransportRule -Name $RuleName -Priority 0 @ruleParameters
    }
}

Get-TransportRule -Identity $RuleName | Format-List Name, State, Mode, Priority, HeaderMatchesMessageHeader, HeaderMatchesPatterns, SentToScope, ApplyRightsProtectionTemplate
