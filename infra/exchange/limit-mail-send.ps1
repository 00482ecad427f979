<#
.SYNOPSIS
  Restricts the ClinicMail Graph identity so that Mail.Send works for one mailbox only.

.DESCRIPTION
  Mail.Send is an application permission: on its own it lets the holder send as ANY mailbox in the
  tenant. This script creates (or repairs) a mail-enabled security group whose only member is the
  ClinicMail sender mailbox, and an Exchange application access policy (RestrictAccess) tying the
  ClinicMail AppId to that group. Every other mailbox is then refused to the app. Idempotent.

  Run in PowerShell 7 with the ExchangeOnlineManagement module, as an Exchange administrator.
  Policy changes can take up to an hour to apply; Test-ApplicationAccessPolicy reports the decision.

.PARAMETER AppId
  Application (client) id of the identity that calls Graph (printed by infra/entra/register-app.sh).

.PARAMETER SenderAddress
  The ClinicMail sender mailbox (the Mail__SenderAddress app setting).

.PARAMETER ProbeAddress
  Optional: another mailbox that must be DENIED; the script fails if the policy grants it.

.EXAMPLE
  ./limit-mail-send.ps1 -AppId 00000000-0000-0000-0000-000000000000 -SenderAddress clinicmail-envoi@clinique-exemple.med
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)][ValidatePattern('^[0-9a-fA-F-]{36}$')][string] $AppId,
    [Parameter(Mandatory)][string] $SenderAddress,
    [string] $GroupAlias = 'clinicmail-senders',
    [string] $GroupName = 'ClinicMail senders',
    [string] $ProbeAddress
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (-not (Get-Command Get-ApplicationAccessPolicy -ErrorAction SilentlyContinue)) {
    Import-Module ExchangeOnlineManagement
    Connect-ExchangeOnline -ShowBanner:$false
}

# 1. Mail-enabled security group, hidden from the address book, owned by the admins.
$group = Get-DistributionGroup -Identity $GroupAlias -ErrorAction SilentlyContinue
if (-not $group) {
    if ($PSCmdlet.ShouldProcess($GroupAlias, 'New-DistributionGroup -Type Security')) {
        $group = New-DistributionGroup -Name $GroupName -Alias $GroupAlias -Type Security `
            -MemberJoinRestriction Closed -MemberDepartRestriction Closed
        Set-DistributionGroup -Identity $group.Identity -HiddenFromAddressListsEnabled $true
    }
}
elseif ($group.RecipientTypeDetails -ne 'MailUniversalSecurityGroup') {
    throw "The group '$GroupAlias' exists but is not a mail-enabled security group; choose another -GroupAlias."
}

# 2. Exactly one member: the sender mailbox. Anyone else added later would gain send-as for the app.
$sender = Get-Mailbox -Identity $SenderAddress
$members = @(Get-DistributionGroupMember -Identity $group.Identity -ResultSize Unlimited)
foreach ($member in $members) {
    if ($member.PrimarySmtpAddress -ne $sender.PrimarySmtpAddress) {
        if ($PSCmdlet.ShouldProcess($member.PrimarySmtpAddress, 'Remove-DistributionGroupMember')) {
            Remove-DistributionGroupMember -Identity $group.Identity -Member $member.Identity -BypassSecurityGroupManagerCheck -Confirm:$false
        }
    }
}
if (-not ($members | Where-Object { $_.PrimarySmtpAddress -eq $sender.PrimarySmtpAddress })) {
    if ($PSCmdlet.ShouldProcess($sender.PrimarySmtpAddress, 'Add-DistributionGroupMember')) {
        Add-DistributionGroupMember -Identity $group.Identity -Member $sender.Identity -BypassSecurityGroupManagerCheck
    }
}

# 3. The application access policy: RestrictAccess = the app may reach ONLY members of the group.
$existing = @(Get-ApplicationAccessPolicy | Where-Object { $_.AppId -eq $AppId })
$wanted = $group.PrimarySmtpAddress
foreach ($policy in $existing) {
    if ($policy.AccessRight -ne 'RestrictAccess' -or $policy.ScopeName -ne $group.Name) {
        if ($PSCmdlet.ShouldProcess($policy.Identity, 'Remove-ApplicationAccessPolicy (wrong scope or right)')) {
            Remove-ApplicationAccessPolicy -Identity $policy.Identity -Confirm:$false
        }
    }
}
$current = @(Get-ApplicationAccessPolicy | Where-Object { $_.AppId -eq $AppId -and $_.AccessRight -eq 'RestrictAccess' })
if ($current.Count -eq 0) {
    if ($PSCmdlet.ShouldProcess($AppId, "New-ApplicationAccessPolicy RestrictAccess to $wanted")) {
        New-ApplicationAccessPolicy -AppId $AppId -PolicyScopeGroupId $wanted -AccessRight RestrictAccess `
            -Description 'ClinicMail: Graph Mail.Send limited to the ClinicMail sender mailbox'
    }
}

# 4. Verify. Exchange caches policies; a fresh policy can take a while to report Granted/Denied.
$granted = Test-ApplicationAccessPolicy -Identity $SenderAddress -AppId $AppId
Write-Output "Sender mailbox: $($granted.AccessCheckResult)"
if ($ProbeAddress) {
    $probe = Test-ApplicationAccessPolicy -Identity $ProbeAddress -AppId $AppId
    Write-Output "Probe mailbox: $($probe.AccessCheckResult)"
    if ($probe.AccessCheckResult -eq 'Granted') {
        throw 'The probe mailbox is still granted: the policy is not (yet) restricting the app.'
    }
}
