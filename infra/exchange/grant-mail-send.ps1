<#
.SYNOPSIS
  Grants the ClinicMail function identity Graph Mail.Send for the ClinicMail sender mailbox only (and,
  with -WatchedMailboxes, Mail.ReadWrite and MailboxSettings.ReadWrite on those mailboxes only),
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
  The incoming-mail watcher (docs/incoming-mail.md) reads, replies to, categorises and flags mail in
  the watched mailboxes (a physician's .med box, the clinic's shared box): with -WatchedMailboxes, a
  second group and scope cover those mailboxes and nothing else, with two assignments:
  "Application Mail.ReadWrite" (read messages, set categories, importance and the follow-up flag,
  subscriptions and delta on Inbox and Sent Items) and "Application MailboxSettings.ReadWrite" (add
  "ClinicMail : urgent" and the other ClinicMail categories, with their colour, to the mailbox's master
  category list: /outlook/masterCategories; without it a category is still set on the message, without
  colour). Its replies are sent with Mail.Send, so each watched mailbox also joins the sender group.

  Run in PowerShell 7 with ExchangeOnlineManagement 3.x as an Exchange administrator. Idempotent.
  Assignments can take up to an hour to apply; Test-ServicePrincipalAuthorization reports them.

.PARAMETER AppId
  Application (client) id of the managed identity (deployment output identityClientId).

.PARAMETER ServicePrincipalObjectId
  Object id of the managed identity's service principal (deployment output identityPrincipalId).

.PARAMETER SenderAddress
  The ClinicMail sender mailbox (the Mail__SenderAddress app setting).

.PARAMETER WatchedMailboxes
  The mailboxes the incoming-mail watcher follows (the addresses of IncomingMail__Mailboxes__N__Address).
  One string with commas is accepted too: that is what pwsh -File passes from infra/deploy.sh.

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
    [string] $ProbeAddress,
    # The mailboxes the incoming-mail watcher reads (IncomingMail:Mailboxes); none: no read access at all.
    [string[]] $WatchedMailboxes = @(),
    [string] $WatchedGroupAlias = 'clinicmail-watched',
    [string] $WatchedGroupName = 'ClinicMail watched mailboxes',
    [string] $WatchedScopeName = 'ClinicMail watched mailboxes'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# "a@x,b@y" (pwsh -File gives an array parameter one string) -> two addresses.
$WatchedMailboxes = @($WatchedMailboxes | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })

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

# Exactly these members: the sender mailbox (and the watched mailboxes, which send their
# acknowledgements). Anyone added later would become reachable by the app.
function Set-ExactMembers($Group, [string[]] $Addresses) {
    $wanted = @($Addresses | ForEach-Object { (Get-Mailbox -Identity $_).PrimarySmtpAddress })
    $members = @(Get-DistributionGroupMember -Identity $Group.Identity -ResultSize Unlimited)
    foreach ($member in $members) {
        if ($wanted -notcontains $member.PrimarySmtpAddress) {
            if ($PSCmdlet.ShouldProcess($member.PrimarySmtpAddress, 'Remove-DistributionGroupMember')) {
                Remove-DistributionGroupMember -Identity $Group.Identity -Member $member.Identity -BypassSecurityGroupManagerCheck -Confirm:$false
            }
        }
    }
    foreach ($address in $wanted) {
        if (-not ($members | Where-Object { $_.PrimarySmtpAddress -eq $address })) {
            if ($PSCmdlet.ShouldProcess($address, 'Add-DistributionGroupMember')) {
                Add-DistributionGroupMember -Identity $Group.Identity -Member $address -BypassSecurityGroupManagerCheck
            }
        }
    }
}
Set-ExactMembers $group (@($SenderAddress) + $WatchedMailboxes)

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

# 3b. The watched mailboxes: their own group and scope, for Mail.ReadWrite only.
if ($WatchedMailboxes.Count -gt 0) {
    $watched = Get-DistributionGroup -Identity $WatchedGroupAlias -ErrorAction SilentlyContinue
    if (-not $watched -and $PSCmdlet.ShouldProcess($WatchedGroupAlias, 'New-DistributionGroup -Type Security')) {
        $watched = New-DistributionGroup -Name $WatchedGroupName -Alias $WatchedGroupAlias -Type Security `
            -MemberJoinRestriction Closed -MemberDepartRestriction Closed
        Set-DistributionGroup -Identity $watched.Identity -HiddenFromAddressListsEnabled $true
    }
    Set-ExactMembers $watched $WatchedMailboxes
    $watchedFilter = "MemberOfGroup -eq '$($watched.DistinguishedName)'"
    if (-not (Get-ManagementScope -Identity $WatchedScopeName -ErrorAction SilentlyContinue)) {
        if ($PSCmdlet.ShouldProcess($WatchedScopeName, "New-ManagementScope $watchedFilter")) {
            New-ManagementScope -Name $WatchedScopeName -RecipientRestrictionFilter $watchedFilter | Out-Null
        }
    }
    else {
        Set-ManagementScope -Identity $WatchedScopeName -RecipientRestrictionFilter $watchedFilter
    }
}

# 4. "Application Mail.Send" on the sender scope and, with watched mailboxes, "Application Mail.ReadWrite" and
# "Application MailboxSettings.ReadWrite" on the watched scope: each role limited to its scope. Any other
# Exchange application role of this identity is removed.
$expected = @(@{ Role = 'Application Mail.Send'; Scope = $ScopeName })
if ($WatchedMailboxes.Count -gt 0) {
    $expected += @{ Role = 'Application Mail.ReadWrite'; Scope = $WatchedScopeName }
    $expected += @{ Role = 'Application MailboxSettings.ReadWrite'; Scope = $WatchedScopeName }
}
$assignments = @(Get-ManagementRoleAssignment -RoleAssignee $ServicePrincipalObjectId -ErrorAction SilentlyContinue)
foreach ($assignment in $assignments) {
    if (-not ($expected | Where-Object { $_.Role -eq $assignment.Role -and $_.Scope -eq $assignment.CustomResourceScope })) {
        if ($PSCmdlet.ShouldProcess($assignment.Name, 'Remove-ManagementRoleAssignment (not one of ClinicMail''s scoped roles)')) {
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
if ($WatchedMailboxes.Count -gt 0 -and -not ($assignments | Where-Object { $_.Role -eq 'Application Mail.ReadWrite' -and $_.CustomResourceScope -eq $WatchedScopeName })) {
    if ($PSCmdlet.ShouldProcess($AppId, "New-ManagementRoleAssignment 'Application Mail.ReadWrite' scoped to $WatchedScopeName")) {
        New-ManagementRoleAssignment -Name 'ClinicMail Mail.ReadWrite' -App $ServicePrincipalObjectId -Role 'Application Mail.ReadWrite' -CustomResourceScope $WatchedScopeName
    }
}
if ($WatchedMailboxes.Count -gt 0 -and -not ($assignments | Where-Object { $_.Role -eq 'Application MailboxSettings.ReadWrite' -and $_.CustomResourceScope -eq $WatchedScopeName })) {
    if ($PSCmdlet.ShouldProcess($AppId, "New-ManagementRoleAssignment 'Application MailboxSettings.ReadWrite' scoped to $WatchedScopeName")) {
        New-ManagementRoleAssignment -Name 'ClinicMail MailboxSettings.ReadWrite' -App $ServicePrincipalObjectId -Role 'Application MailboxSettings.ReadWrite' -CustomResourceScope $WatchedScopeName
    }
}

# 5. Verify: the sender is in scope; the probe, if given, is not.
$granted = @(Test-ServicePrincipalAuthorization -Identity $ServicePrincipalObjectId -Resource $SenderAddress)
Write-Output "Sender mailbox in scope: $(@($granted | Where-Object { $_.InScope }).Count -gt 0)"
foreach ($box in $WatchedMailboxes) {
    $roles = @(Test-ServicePrincipalAuthorization -Identity $ServicePrincipalObjectId -Resource $box | Where-Object { $_.InScope } | ForEach-Object { $_.RoleName })
    Write-Output "Watched mailbox $box in scope for: $($roles -join ', ')"
}
if ($ProbeAddress) {
    $probe = @(Test-ServicePrincipalAuthorization -Identity $ServicePrincipalObjectId -Resource $ProbeAddress)
    if (@($probe | Where-Object { $_.InScope }).Count -gt 0) {
        throw 'The probe mailbox is in scope: the identity is not limited to the sender mailbox.'
    }
}
