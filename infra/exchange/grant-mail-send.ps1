<#
.SYNOPSIS
  Grants the ClinicMail function identity Graph Mail.Send for the ClinicMail sender mailbox only,
  with Exchange Online RBAC for Applications.

.DESCRIPTION
  ClinicMail sends one-time codes and secure-message notices with Graph POST /users/{sender}/sendMail,
  app-only, as the Function App's user-assigned managed identity (ManagedIdentityCredential; no
  secret, no certificate, no federated credential). Graph accepts that call when the identity holds
  the Exchange application role "Application Mail.Send" for the sender mailbox.

  Nothing is granted in Microsoft Entra ID: an Entra Mail.Send consent would reach EVERY mailbox, and
  Entra and Exchange RBAC grants are additive, so a scoped Exchange grant only means something when no
  unscoped Entra grant exists (the script refuses to continue if it finds one). Here:
    1. a mail-enabled security group whose only member is the sender mailbox;
    2. the identity's Exchange service principal (a pointer to the Entra service principal);
    3. a management scope "members of that group";
    4. the role assignment "Application Mail.Send" for the identity, limited to that scope.
  Mail.ReadWrite is NOT granted: nothing in ClinicMail reads mailboxes yet. The future mailbox
  watcher (incoming-mail issue) will need "Application Mail.ReadWrite" on the physicians' mailboxes,
  added here with its own scope when it exists.

  Run in PowerShell 7 with ExchangeOnlineManagement 3.x as an Exchange administrator. Idempotent.
  Assignments can take up to an hour to apply; Test-ServicePrincipalAuthorization reports them.

.PARAMETER AppId
  Application (client) id of the managed identity (deployment output identityClientId).

.PARAMETER ServicePrincipalObjectId
  Object id of the managed identity's service principal (deployment output identityPrincipalId).

.PARAMETER SenderAddress
  The ClinicMail sender mailbox (the Mail__SenderAddress app setting).

.PARAMETER ProbeAddress
  Optional: another mailbox that must be DENIED; the script fails if the identity can reach it.

.EXAMPLE
  ./grant-mail-send.ps1 -AppId <identityClientId> -ServicePrincipalObjectId <identityPrincipalId> -SenderAddress clinicmail-envoi@clinique-exemple.med
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)][ValidatePattern('^[0-9a-fA-F-]{36}$')][string] $AppId,
    [Parameter(Mandatory)][ValidatePattern('^[0-9a-fA-F-]{36}$')][string] $ServicePrincipalObjectId,
    [Parameter(Mandatory)][string] $SenderAddress,
    [string] $GroupAlias = 'clinicmail-senders',
    [string] $GroupName = 'ClinicMail senders',
    [string] $ScopeName = 'ClinicMail sender mailbox',
    [string] $ProbeAddress
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (-not (Get-Command Get-ManagementRoleAssignment -ErrorAction SilentlyContinue)) {
    Import-Module ExchangeOnlineManagement
    Connect-ExchangeOnline -ShowBanner:$false
}

# 1. Mail-enabled security group, hidden from the address book, closed to self-service.
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

# Exactly one member: the sender mailbox. Anyone added later would become reachable by the app.
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

# 2. The identity's Exchange service principal.
$servicePrincipal = Get-ServicePrincipal -Identity $ServicePrincipalObjectId -ErrorAction SilentlyContinue
if (-not $servicePrincipal) {
    if ($PSCmdlet.ShouldProcess($AppId, 'New-ServicePrincipal')) {
        $servicePrincipal = New-ServicePrincipal -AppId $AppId -ObjectId $ServicePrincipalObjectId -DisplayName 'ClinicMail function identity'
    }
}

# 3. Management scope: the members of the group, nothing else.
$filter = "MemberOfGroup -eq '$($group.DistinguishedName)'"
$scope = Get-ManagementScope -Identity $ScopeName -ErrorAction SilentlyContinue
if (-not $scope) {
    if ($PSCmdlet.ShouldProcess($ScopeName, "New-ManagementScope $filter")) {
        $scope = New-ManagementScope -Name $ScopeName -RecipientRestrictionFilter $filter
    }
}
elseif ($scope.RecipientFilter -ne $filter) {
    if ($PSCmdlet.ShouldProcess($ScopeName, "Set-ManagementScope $filter")) {
        Set-ManagementScope -Identity $ScopeName -RecipientRestrictionFilter $filter
    }
}

# 4. "Application Mail.Send", scoped. Any other Exchange application role of this identity is removed.
$assignments = @(Get-ManagementRoleAssignment -RoleAssignee $ServicePrincipalObjectId -ErrorAction SilentlyContinue)
foreach ($assignment in $assignments) {
    if ($assignment.Role -ne 'Application Mail.Send' -or $assignment.CustomResourceScope -ne $ScopeName) {
        if ($PSCmdlet.ShouldProcess($assignment.Name, 'Remove-ManagementRoleAssignment (not ClinicMail''s scoped Mail.Send)')) {
            Remove-ManagementRoleAssignment -Identity $assignment.Identity -Confirm:$false
        }
    }
}
if (-not ($assignments | Where-Object { $_.Role -eq 'Application Mail.Send' -and $_.CustomResourceScope -eq $ScopeName })) {
    if ($PSCmdlet.ShouldProcess($AppId, "New-ManagementRoleAssignment 'Application Mail.Send' scoped to $ScopeName")) {
        New-ManagementRoleAssignment -Name 'ClinicMail Mail.Send' -App $ServicePrincipalObjectId `
            -Role 'Application Mail.Send' -CustomResourceScope $ScopeName
    }
}

# 5. Verify: the sender is in scope; the probe, if given, is not.
$granted = @(Test-ServicePrincipalAuthorization -Identity $ServicePrincipalObjectId -Resource $SenderAddress)
Write-Output "Sender mailbox in scope: $(@($granted | Where-Object { $_.InScope }).Count -gt 0)"
if ($ProbeAddress) {
    $probe = @(Test-ServicePrincipalAuthorization -Identity $ServicePrincipalObjectId -Resource $ProbeAddress)
    if (@($probe | Where-Object { $_.InScope }).Count -gt 0) {
        throw 'The probe mailbox is in scope: the identity is not limited to the sender mailbox.'
    }
}
